import { describe, expect, it } from 'vitest';
import { of } from 'rxjs';
import { z } from 'zod';
import { execute, pipeline, solid } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode } from '../../helpers/index.ts';

/** A solid emitting `values` one by one. */
const emits = (name: string, values: readonly number[]) => solid({ name, output: z.number(), compute: () => of(...values) });

const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 2 });

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  it('fans the downstream out to one step per emitted value, keyed name[i]', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        double(emits('src', [1, 2, 3])());
      },
    });
    const list = await eventsOf(p, { runConfig });
    const starts = ofType(list, 'STEP_START').filter((e) => e.solid === 'double');
    expect(starts.map((e) => e.stepKey).sort()).toEqual(['double[0]', 'double[1]', 'double[2]']);
  });

  it('gives mapped step i the i-th value', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        double(emits('src', [5, 6, 7])());
      },
    });
    const list = await eventsOf(p, { runConfig });
    const byKey = Object.fromEntries(ofType(list, 'STEP_OUTPUT').map((e) => [e.stepKey, e.value]));
    expect(byKey).toMatchObject({ 'double[0]': 10, 'double[1]': 12, 'double[2]': 14 });
  });

  it('adds no synthetic steps', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        double(emits('src', [1, 2])());
      },
    });
    const list = await eventsOf(p, { runConfig });
    expect(
      ofType(list, 'STEP_START')
        .map((e) => e.stepKey)
        .sort(),
    ).toEqual(['double[0]', 'double[1]', 'src']);
  });

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

  it('keeps the index through a chain of mapped steps', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        double.alias('twice')(double(emits('src', [1, 2])()));
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.solid('twice').stepKeys).toEqual(['twice[0]', 'twice[1]']);
    expect(result.solid('twice').outputs['result']).toEqual([4, 8]);
  });

  it('nests fan-outs as name[i][j]', async () => {
    const split = solid({ name: 'split', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => of(n, n + 100) });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        double(split(emits('src', [1, 2])()));
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.solid('double').stepKeys).toEqual(['double[0][0]', 'double[0][1]', 'double[1][0]', 'double[1][1]']);
    expect(result.solid('double').outputs['result']).toEqual([2, 202, 4, 204]);
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
