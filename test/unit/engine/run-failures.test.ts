/**
 * What went wrong in a run (lib/engine/run-failures.ts): RUN_FAILURE names the failed
 * steps and carries the first error; a canceled step is no failure.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { queueScheduler } from 'rxjs';
import { executor, pipeline, solid, type RunEvent } from '../../../lib/index.ts';
import { eventsOf, executors, on, quietMode } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const failing = (name: string, message: string) =>
  solid({
    name,
    inputs: { n: z.number() },
    compute: () => {
      throw new Error(message);
    },
  });

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  it('names every failed step in RUN_FAILURE, in the order they failed, with the first error', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        const n = one();
        failing('first', 'first broke')(n);
        failing('second', 'second broke')(n);
      },
    });
    const end = (await eventsOf(p, { runConfig })).at(-1) as Extract<RunEvent, { type: 'RUN_FAILURE' }>;
    expect(end.type).toBe('RUN_FAILURE');
    expect(end.failedSteps).toEqual(['first', 'second']);
    expect(end.error?.message).toBe('first broke');
  });

  it("ends RUN_FAILURE with no failed step and the error, when only the executor's dispose threw", async () => {
    const leaky = executor({
      name: 'leaky',
      create: () => ({
        scheduler: queueScheduler,
        maxConcurrent: 1,
        dispose: () => {
          throw new Error('pool would not close');
        },
      }),
    });
    const p = pipeline({ name: 'p', modes: [quietMode({ executors: [leaky] })], graph: () => one() });
    const end = (await eventsOf(p)).at(-1) as Extract<RunEvent, { type: 'RUN_FAILURE' }>;
    expect(end.type).toBe('RUN_FAILURE');
    expect(end.failedSteps).toEqual([]);
    expect(end.error?.message).toBe('pool would not close');
  });
});
