/**
 * A step's life (lib/engine/step-runner.ts): STEP_START, its inputs (wired or from run
 * config) checked and handed to the compute, its attempts, its outputs, its end.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, pipeline, solid } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  it('gives each input a STEP_INPUT naming where it came from: the producing step, or config', async () => {
    const add = solid({
      name: 'add',
      inputs: { a: z.number(), b: z.number() },
      output: z.number(),
      compute: (_c, { a, b }) => a + b,
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        add({ a: one() } as never);
      },
    });
    const list = await eventsOf(p, { runConfig: { ...runConfig, solids: { add: { inputs: { b: { value: 41 } } } } } });
    expect(ofType(list, 'STEP_INPUT').map((e) => [e.stepKey, e.input, e.source])).toEqual([
      ['add', 'a', 'one.result'],
      ['add', 'b', 'config'],
    ]);
    expect(ofType(list, 'STEP_OUTPUT').find((e) => e.stepKey === 'add')?.value).toBe(42);
  });

  it('gives STEP_SUCCESS the attempt that succeeded and how long the step took', async () => {
    const flaky = solid({
      name: 'flaky',
      retry: { maxRetries: 2 },
      output: z.number(),
      compute: (ctx) => {
        if (ctx.attempt < 3) throw new Error('not yet');
        return ctx.attempt;
      },
    });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => flaky() });
    const list = await eventsOf(p, { runConfig });
    const success = ofType(list, 'STEP_SUCCESS')[0]!;
    expect(success.attempt).toBe(3);
    expect(success.durationMs).toBe(success.timestamp - ofType(list, 'STEP_START')[0]!.timestamp);
    expect(ofType(list, 'STEP_OUTPUT').map((e) => e.attempt)).toEqual([3]);
  });
});

describe('inputs', () => {
  it('hands a solid with many inputs an ordinary object holding each of them', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `in${i}`);
    let seen: Record<string, unknown> | undefined;
    const wide = solid({
      name: 'wide',
      inputs: Object.fromEntries(names.map((n) => [n, z.number()])),
      output: z.number(),
      compute: (_c, inputs) => {
        seen = inputs;
        return Object.values(inputs).reduce((a: number, b) => a + (b as number), 0);
      },
    });
    const p = pipeline({
      name: 'wide_pipeline',
      modes: [quietMode()],
      graph: () => {
        const ones = names.map(() => one());
        wide(...ones);
      },
    });
    const result = await execute(p);
    expect(result.output('wide')).toBe(40);
    expect(Object.getPrototypeOf(seen)).toBe(Object.prototype);
    expect(Object.keys(seen!)).toEqual(names);
    expect(seen!.hasOwnProperty('in7')).toBe(true);
  });
});
