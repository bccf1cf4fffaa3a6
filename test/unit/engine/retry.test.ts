import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModeflowError, RetryRequested, StepExecutionError, execute, pipeline, solid, type RetryPolicy } from '../../../lib/index.ts';
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

  it('retries a failed step until it succeeds', async () => {
    const { p, attempts } = flaky(2, { maxRetries: 3 });
    const result = await execute(p, { runConfig });
    expect(result.output('flaky')).toBe(3);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('emits STEP_RETRY for each failed attempt that will be retried, with its attempt number', async () => {
    const { p } = flaky(2, { maxRetries: 3 });
    const retries = ofType(await eventsOf(p, { runConfig }), 'STEP_RETRY');
    expect(retries.map((e) => [e.stepKey, e.attempt, e.error.message])).toEqual([
      ['flaky', 1, 'attempt 1 failed'],
      ['flaky', 2, 'attempt 2 failed'],
    ]);
  });

  it('emits one STEP_START and one STEP_SUCCESS for a retried step', async () => {
    const { p } = flaky(2, { maxRetries: 3 });
    const list = await eventsOf(p, { runConfig });
    expect(ofType(list, 'STEP_START')).toHaveLength(1);
    expect(ofType(list, 'STEP_SUCCESS')).toHaveLength(1);
    expect(ofType(list, 'STEP_FAILURE')).toHaveLength(0);
    expect(ofType(list, 'STEP_SUCCESS')[0]!.attempt).toBe(3);
  });

  it('fails the step with the last error once retries run out', async () => {
    const { p, attempts } = flaky(10, { maxRetries: 2 });
    const list = await eventsOf(p, { runConfig });
    expect(attempts).toEqual([1, 2, 3]);
    expect(ofType(list, 'STEP_RETRY')).toHaveLength(2);
    const failures = ofType(list, 'STEP_FAILURE');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error.message).toBe('attempt 3 failed');
    expect(failures[0]!.attempt).toBe(3);
  });

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

  it('reports delayMs in STEP_RETRY', async () => {
    const { p } = flaky(2, { maxRetries: 2, delayMs: 3 });
    const retries = ofType(await eventsOf(p, { runConfig }), 'STEP_RETRY');
    expect(retries.map((e) => e.delayMs)).toEqual([3, 3]);
  });

  it('doubles the delay per attempt with exponential backoff', async () => {
    const { p } = flaky(3, { maxRetries: 3, delayMs: 2, backoff: 'exponential' });
    const retries = ofType(await eventsOf(p, { runConfig }), 'STEP_RETRY');
    expect(retries.map((e) => e.delayMs)).toEqual([2, 4, 8]);
  });

  it('defaults delayMs to 0', async () => {
    const { p } = flaky(1, { maxRetries: 1 });
    const retries = ofType(await eventsOf(p, { runConfig }), 'STEP_RETRY');
    expect(retries.map((e) => e.delayMs)).toEqual([0]);
  });

  it('keeps only the outputs of the attempt that succeeded', async () => {
    const partial = solid({
      name: 'partial',
      output: z.string(),
      retry: { maxRetries: 1 },
      compute: async function* (ctx) {
        yield `first of attempt ${ctx.attempt}`;
        if (ctx.attempt === 1) throw new Error('half way');
      },
    });
    const seen: string[] = [];
    const sink = solid({ name: 'sink', inputs: { v: z.string() }, compute: (_c, { v }) => void seen.push(v) });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        sink(partial());
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.solid('partial').outputs['result']).toEqual(['first of attempt 2']);
    expect(seen).toEqual(['first of attempt 2']);
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

  describe('RetryRequested', () => {
    it('asks for one retry when nothing says how many', async () => {
      const { p, attempts } = flaky(1, undefined, () => new RetryRequested());
      const result = await execute(p, { runConfig });
      expect(result.output('flaky')).toBe(2);
      expect(attempts).toEqual([1, 2]);
    });

    it('overrides the policy’s maxRetries', async () => {
      const { p, attempts } = flaky(3, { maxRetries: 1 }, () => new RetryRequested({ maxRetries: 5 }));
      await execute(p, { runConfig });
      expect(attempts).toEqual([1, 2, 3, 4]);
    });

    it('overrides the policy’s delayMs', async () => {
      const { p } = flaky(1, { maxRetries: 1, delayMs: 50 }, () => new RetryRequested({ delayMs: 1 }));
      const retries = ofType(await eventsOf(p, { runConfig }), 'STEP_RETRY');
      expect(retries.map((e) => e.delayMs)).toEqual([1]);
    });

    it('is a failure once retries run out', async () => {
      const { p, attempts } = flaky(10, undefined, () => new RetryRequested({ maxRetries: 2 }));
      const error = (await rejectionOf(execute(p, { runConfig }))) as StepExecutionError;
      expect(attempts).toEqual([1, 2, 3]);
      expect(error).toBeInstanceOf(StepExecutionError);
      expect(error.cause).toBeInstanceOf(RetryRequested);
    });

    it('is a ModeflowError', () => {
      expect(new RetryRequested()).toBeInstanceOf(ModeflowError);
    });

    it('emits STEP_RETRY, not STEP_FAILURE, for a requested retry', async () => {
      const { p } = flaky(1, undefined, () => new RetryRequested());
      const list = await eventsOf(p, { runConfig });
      expect(ofType(list, 'STEP_RETRY')).toHaveLength(1);
      expect(ofType(list, 'STEP_FAILURE')).toHaveLength(0);
    });
  });
});
