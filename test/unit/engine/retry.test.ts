/**
 * What follows a failed attempt (lib/engine/retry.ts): another attempt or the step's
 * failure, after which delay. Retry semantics as DESIGN states them are in
 * test/contract/semantics-lifecycle.test.ts ("Retries", "Retry delays").
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RetryRequested, StepExecutionError, execute, pipeline, solid, type RetryPolicy } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode, rejectionOf } from '../../helpers/index.ts';

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

  // The delay is waited on the executor's own scheduler, so each executor must get there.
  it('waits a positive delay on the executor, then retries; STEP_RETRY reports the delay (fixed, exponential, or asked by RetryRequested)', async () => {
    const fixed = flaky(2, { maxRetries: 2, delayMs: 3 });
    const fixedEvents = await eventsOf(fixed.p, { runConfig });
    expect(fixed.attempts).toEqual([1, 2, 3]);
    expect(ofType(fixedEvents, 'STEP_RETRY').map((e) => e.delayMs)).toEqual([3, 3]);
    expect(ofType(fixedEvents, 'STEP_SUCCESS').map((e) => e.attempt)).toEqual([3]);

    const exponential = flaky(3, { maxRetries: 3, delayMs: 2, backoff: 'exponential' });
    const exponentialEvents = await eventsOf(exponential.p, { runConfig });
    expect(exponential.attempts).toEqual([1, 2, 3, 4]);
    expect(ofType(exponentialEvents, 'STEP_RETRY').map((e) => e.delayMs)).toEqual([2, 4, 8]);
    expect(exponentialEvents.at(-1)?.type).toBe('RUN_SUCCESS');

    const asked = flaky(1, { maxRetries: 1, delayMs: 50 }, () => new RetryRequested({ delayMs: 1 }));
    const askedEvents = await eventsOf(asked.p, { runConfig });
    expect(asked.attempts).toEqual([1, 2]);
    expect(ofType(askedEvents, 'STEP_RETRY').map((e) => e.delayMs)).toEqual([1]);
    expect(askedEvents.at(-1)?.type).toBe('RUN_SUCCESS');
  });

  describe('RetryRequested', () => {
    it('overrides the policy’s maxRetries', async () => {
      const { p, attempts } = flaky(3, { maxRetries: 1 }, () => new RetryRequested({ maxRetries: 5 }));
      await execute(p, { runConfig });
      expect(attempts).toEqual([1, 2, 3, 4]);
    });

    it('is a STEP_RETRY, never a STEP_FAILURE, while retries remain', async () => {
      const { p, attempts } = flaky(1, undefined, () => new RetryRequested());
      const list = await eventsOf(p, { runConfig });
      expect(attempts).toEqual([1, 2]);
      expect(ofType(list, 'STEP_RETRY')).toHaveLength(1);
      expect(ofType(list, 'STEP_FAILURE')).toEqual([]);
      expect(list.at(-1)?.type).toBe('RUN_SUCCESS');
    });

    it('once its retries run out, execute rejects with a StepExecutionError whose cause is the RetryRequested thrown', async () => {
      const thrown: RetryRequested[] = [];
      const { p, attempts } = flaky(10, undefined, () => {
        const error = new RetryRequested({ maxRetries: 2 });
        thrown.push(error);
        return error;
      });
      const error = (await rejectionOf(execute(p, { runConfig }))) as StepExecutionError;
      expect(attempts).toEqual([1, 2, 3]);
      expect(error).toBeInstanceOf(StepExecutionError);
      expect(error.stepKey).toBe('flaky');
      expect(error.cause).toBeInstanceOf(RetryRequested);
      expect(error.cause).toBe(thrown.at(-1));
    });
  });
});
