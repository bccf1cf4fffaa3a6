/**
 * What follows a failed attempt (lib/engine/retry.ts): another attempt or the step's
 * failure, after which delay. Retry semantics as DESIGN states them are in
 * test/contract/semantics-lifecycle.test.ts ("Retries", "Retry delays").
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RetryRequested, execute, pipeline, solid, type RetryPolicy } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode } from '../../helpers/index.ts';

/** A solid that fails its first `failures` attempts, then returns the attempt number. */
function flaky(failures: number, retry?: RetryPolicy, error: (attempt: number) => unknown = (n) => new Error(`attempt ${n} failed`)) {
  const attempts: number[] = [];
  const s = solid({
    name: 'flaky',
    output: z.number(),
    ...(retry ? { retry } : {}),
    compute: (ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt <= failures) throw error(ctx.attempt);
      return ctx.attempt;
    },
  });
  const p = pipeline({
    name: 'p',
    modes: [quietMode()],
    graph: () => {
      s();
    },
  });
  return { p, attempts };
}

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  it('does not retry a step without a retry policy', async () => {
    const { p, attempts } = flaky(1);
    const list = await eventsOf(p, { runConfig });
    expect(attempts).toEqual([1]);
    expect(ofType(list, 'STEP_RETRY')).toEqual([]);
  });

  it('does not retry with maxRetries 0', async () => {
    const { p, attempts } = flaky(1, { maxRetries: 0 });
    await execute(p, { runConfig, raiseOnError: false });
    expect(attempts).toEqual([1]);
  });

  it('starts the downstream only after the retried step succeeded', async () => {
    const s = solid({
      name: 's',
      output: z.number(),
      retry: { maxRetries: 2 },
      compute: (ctx) => {
        if (ctx.attempt < 3) throw new Error('not yet');
        return 1;
      },
    });
    const next = solid({ name: 'next', inputs: { n: z.number() }, compute: () => undefined });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        next(s());
      },
    });
    const list = await eventsOf(p, { runConfig });
    const success = list.findIndex((e) => e.type === 'STEP_SUCCESS' && e.stepKey === 's');
    const nextStart = list.findIndex((e) => e.type === 'STEP_START' && e.stepKey === 'next');
    expect(ofType(list, 'STEP_START').filter((e) => e.stepKey === 'next')).toHaveLength(1);
    expect(nextStart).toBeGreaterThan(success);
  });

  it('retries an error named RetryRequested that is no instance of this library’s class (one thrown by a second copy, as in a worker)', async () => {
    const { p, attempts } = flaky(2, undefined, () => Object.assign(new Error('again'), { name: 'RetryRequested', maxRetries: 2 }));
    const result = await execute(p, { runConfig });
    expect(attempts).toEqual([1, 2, 3]);
    expect(result.output('flaky')).toBe(3);
  });

  describe('RetryRequested', () => {
    it('overrides the policy’s maxRetries', async () => {
      const { p, attempts } = flaky(3, { maxRetries: 1 }, () => new RetryRequested({ maxRetries: 5 }));
      await execute(p, { runConfig });
      expect(attempts).toEqual([1, 2, 3, 4]);
    });
  });
});
