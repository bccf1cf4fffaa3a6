import { describe, expect, it } from 'vitest';
import { of } from 'rxjs';
import { z } from 'zod';
import { execute, pipeline, solid } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode, sleep } from '../../helpers/index.ts';

/** A solid emitting `values` one by one. */
const emits = (name: string, values: readonly number[]) => solid({ name, output: z.number(), compute: () => of(...values) });

const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 2 });
const gather = solid({ name: 'gather', inputs: { xs: z.array(z.number()) }, output: z.array(z.number()), compute: (_c, { xs }) => xs });

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

  it('broadcasts a plain input to every mapped step', async () => {
    const scale = solid({
      name: 'scale',
      inputs: { n: z.number(), factor: z.number() },
      output: z.number(),
      compute: (_c, { n, factor }) => n * factor,
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        scale({ n: emits('src', [1, 2, 3])(), factor: emits('ten', [10])() });
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.solid('scale').outputs['result']).toEqual([10, 20, 30]);
  });

  it('broadcasts an input from run config to every mapped step', async () => {
    const scale = solid({
      name: 'scale',
      inputs: { n: z.number(), factor: z.number() },
      output: z.number(),
      compute: (_c, { n, factor }) => n * factor,
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        scale({ n: emits('src', [1, 2])() });
      },
    });
    const result = await execute(p, { runConfig: { ...runConfig, solids: { scale: { inputs: { factor: { value: 3 } } } } } });
    expect(result.solid('scale').outputs['result']).toEqual([3, 6]);
  });

  it('deep-freezes a plain input broadcast to several mapped steps', async () => {
    const frozen: boolean[] = [];
    const settings = solid({ name: 'settings', compute: () => ({ nested: { seen: 0 } }) });
    const use = solid({
      name: 'use',
      inputs: { n: z.number(), s: z.any() },
      compute: (_c, { s }) => {
        frozen.push(Object.isFrozen(s) && Object.isFrozen(s.nested));
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        use({ n: emits('src', [1, 2, 3])(), s: settings() });
      },
    });
    await execute(p, { runConfig });
    expect(frozen).toEqual([true, true, true]);
  });

  it('joins two inputs fanned from the same origin index by index', async () => {
    const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, output: z.number(), compute: (_c, { a, b }) => a + b });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        const n = emits('src', [1, 2])();
        add(double(n), n);
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.solid('add').stepKeys).toEqual(['add[0]', 'add[1]']);
    expect(result.solid('add').outputs['result']).toEqual([3, 6]);
  });

  it('fails the join of two inputs fanned out from different origins with an InvalidDefinitionError', async () => {
    const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, output: z.number(), compute: (_c, { a, b }) => a + b });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        add(emits('xs', [1, 2])(), emits('ys', [3, 4])());
      },
    });
    const result = await execute(p, { runConfig, raiseOnError: false });
    expect(result.status).toBe('FAILURE');
    expect(result.solid('add').error?.name).toBe('InvalidDefinitionError');
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
