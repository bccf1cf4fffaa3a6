/** The frontier (lib/engine/frontier.ts): what each step instance receives, and which steps are skipped and why. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, pipeline, solid } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode } from '../../helpers/index.ts';
import { of } from 'rxjs';

const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });

const emits = (name: string, values: readonly number[]) => solid({ name, output: z.number(), compute: () => of(...values) });

const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 2 });
const gather = solid({ name: 'gather', inputs: { xs: z.array(z.number()) }, output: z.array(z.number()), compute: (_c, { xs }) => xs });

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  it('skips every step downstream of a failed one, transitively, without starting it, and runs the rest', async () => {
    const explode = solid({
      name: 'explode',
      inputs: { n: z.number() },
      output: z.number(),
      compute: () => {
        throw new Error('boom');
      },
    });
    const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
    // one → explode → after → last;  one → side
    const p = pipeline({
      name: 'branched',
      modes: [quietMode()],
      graph: () => {
        const n = one();
        inc.alias('last')(inc.alias('after')(explode(n)));
        inc.alias('side')(n);
      },
    });
    const list = await eventsOf(p, { runConfig });
    expect(ofType(list, 'STEP_SKIPPED').map((e) => [e.stepKey, e.reason])).toEqual([
      ['after', 'UPSTREAM_FAILED'],
      ['last', 'UPSTREAM_FAILED'],
    ]);
    expect(
      ofType(list, 'STEP_START')
        .map((e) => e.stepKey)
        .sort(),
    ).toEqual(['explode', 'one', 'side']);
  });

  describe('optional outputs', () => {
    it('treats an output given as undefined as not produced', async () => {
      const partial = solid({
        name: 'partial',
        outputs: { a: z.number(), b: z.number() },
        compute: () => ({ a: 1, b: undefined }) as never,
      });
      const q = pipeline({
        name: 'q',
        modes: [quietMode()],
        graph: () => {
          const { b } = partial();
          inc(b);
        },
      });
      const result = await execute(q, { runConfig });
      expect(result.solid('inc').skipped).toBe(true);
    });
  });

  describe('emitting nothing', () => {
    it('skips a plain downstream with OUTPUT_NOT_PRODUCED and the run succeeds', async () => {
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          double(emits('src', [])());
        },
      });
      const list = await eventsOf(p, { runConfig });
      expect(ofType(list, 'STEP_SKIPPED').map((e) => [e.stepKey, e.reason])).toEqual([['double', 'OUTPUT_NOT_PRODUCED']]);
      expect(list.at(-1)?.type).toBe('RUN_SUCCESS');
    });
  });

  describe('collect()', () => {
    it('gives every collecting consumer each value once', async () => {
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          const values = emits('src', [3, 1, 2])();
          gather(values.collect());
          gather(values.collect());
          gather(double(values).collect());
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.output('gather')).toEqual([3, 1, 2]);
      expect(result.output('gather_2')).toEqual([3, 1, 2]);
      expect(result.output('gather_3')).toEqual([6, 2, 4]);
    });

    it('gathers nested fan-outs flat, in order', async () => {
      const split = solid({ name: 'split', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => of(n, n + 10) });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          gather(split(emits('src', [1, 2])()).collect());
        },
      });
      expect((await execute(p, { runConfig })).output('gather')).toEqual([1, 11, 2, 12]);
    });
  });
});
