/** The frontier (lib/engine/frontier.ts): what each step instance receives, and which steps are skipped and why. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, pipeline, solid } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode, sleep } from '../../helpers/index.ts';
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
    const maybe = solid({
      name: 'maybe',
      outputs: { found: z.number(), missing: z.number() },
      compute: () => ({ found: 1 }),
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        const { found, missing } = maybe();
        inc.alias('use_found')(found);
        inc.alias('after_missing')(inc.alias('use_missing')(missing));
      },
    });

    it('skips the downstream of an output that was not produced', async () => {
      const list = await eventsOf(p, { runConfig });
      expect(ofType(list, 'STEP_SKIPPED').map((e) => [e.stepKey, e.reason])).toEqual([
        ['use_missing', 'OUTPUT_NOT_PRODUCED'],
        ['after_missing', 'OUTPUT_NOT_PRODUCED'],
      ]);
    });

    it('runs the downstream of the outputs that were produced', async () => {
      const result = await execute(p, { runConfig });
      expect(result.output('use_found')).toBe(2);
    });

    it('lets the run succeed', async () => {
      const result = await execute(p, { runConfig });
      expect(result.status).toBe('SUCCESS');
      expect(result.solid('use_missing').skipped).toBe(true);
    });

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
    it('gathers every value of a fanned output into one array, running the downstream once', async () => {
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          gather(emits('src', [3, 1, 2])().collect());
        },
      });
      const list = await eventsOf(p, { runConfig });
      expect(
        ofType(list, 'STEP_START')
          .filter((e) => e.solid === 'gather')
          .map((e) => e.stepKey),
      ).toEqual(['gather']);
      expect(ofType(list, 'STEP_OUTPUT').find((e) => e.stepKey === 'gather')?.value).toEqual([3, 1, 2]);
    });

    it('gathers a mapped chain in emission order, whatever order the steps finish in', async () => {
      const slow = solid({
        name: 'slow',
        inputs: { n: z.number() },
        output: z.number(),
        compute: async (_c, { n }) => {
          await sleep(n * 4);
          return n;
        },
      });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          gather(slow(emits('src', [3, 2, 1, 0])()).collect());
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.output('gather')).toEqual([3, 2, 1, 0]);
    });

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

    it('gives [] when the output emitted nothing', async () => {
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          gather(emits('src', [])().collect());
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.output('gather')).toEqual([]);
    });

    it('gives [] when a mapped chain had no values', async () => {
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          gather(double(emits('src', [])()).collect());
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.output('gather')).toEqual([]);
    });

    it('gives a one-element array for a single emission', async () => {
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          gather(emits('src', [9])().collect());
        },
      });
      expect((await execute(p, { runConfig })).output('gather')).toEqual([9]);
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

    it('skips the collecting step when a step of the chain failed', async () => {
      const picky = solid({
        name: 'picky',
        inputs: { n: z.number() },
        output: z.number(),
        compute: (_c, { n }) => {
          if (n === 2) throw new Error('no twos');
          return n;
        },
      });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          gather(picky(emits('src', [1, 2, 3])()).collect());
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('gather').skipped).toBe(true);
    });
  });
});
