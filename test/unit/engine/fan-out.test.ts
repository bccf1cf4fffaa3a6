import { describe, expect, it } from 'vitest';
import { of } from 'rxjs';
import { z } from 'zod';
import { execute, pipeline, solid } from '../../../lib/index.ts';
import { executors, on, quietMode } from '../../helpers/index.ts';

/** A solid emitting `values` one by one. */
const emits = (name: string, values: readonly number[]) => solid({ name, output: z.number(), compute: () => of(...values) });

const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 2 });

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  it('keeps the plain step key when an output emits once', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        double(emits('src', [4])());
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.solid('double').stepKeys).toEqual(['double']);
    expect(result.output('double')).toBe(8);
  });

  it('fans out each output of a multi-output solid emitted several times', async () => {
    const pairs = solid({
      name: 'pairs',
      outputs: { left: z.number(), right: z.number() },
      compute: () => of({ left: 1, right: 10 }, { left: 2 }, { left: 3, right: 30 }),
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        const { left, right } = pairs();
        double.alias('l')(left);
        double.alias('r')(right);
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.solid('pairs').outputs).toEqual({ left: [1, 2, 3], right: [10, 30] });
    expect(result.solid('l').outputs['result']).toEqual([2, 4, 6]);
    expect(result.solid('r').outputs['result']).toEqual([20, 60]);
  });
});
