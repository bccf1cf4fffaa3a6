/**
 * Composites in a run: flattened into the plan, so an inner step runs as soon as its own
 * inputs are ready; dotted names in events, results and selection.
 */
import { describe, expect, it } from 'vitest';
import { from } from 'rxjs';
import { z } from 'zod';
import {
  InvalidSubsetError,
  asyncExecutor,
  composite,
  execute,
  pipeline,
  solid,
  syncExecutor,
  type RunOptions,
} from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n + 1 });
const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, output: z.number(), compute: (_ctx, { a, b }) => a + b });

describe.each([syncExecutor, asyncExecutor])('composites on the $name executor', (executor) => {
  const exec = (p: Parameters<typeof execute>[0], options: RunOptions = {}) =>
    execute(p, { raiseOnError: false, ...options, runConfig: { ...options.runConfig, execution: { [executor.name]: {} } } });

  it('is no barrier: an inner step runs as soon as its own inputs are ready, before the composite\u2019s other inputs are', async () => {
    const pair = composite({
      name: 'pair',
      inputs: { fast: z.number(), late: z.number() },
      graph: ({ fast, late }) => add(inc(fast), inc(late)),
    });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void pair({ fast: one(), late: inc(inc(one())) }) });
    const result = await exec(p);
    expect(result.output('pair')).toBe(2 + 4);
    const order = result.events.filter((e) => e.type === 'STEP_SUCCESS').map((e) => e.stepKey);
    // A barrier would hold pair.inc until `late` (inc_2) is done.
    expect(order.indexOf('pair.inc')).toBeLessThan(order.indexOf('inc_2'));
  });

  it('names steps, events\u2019 solid and results with dotted names, fan-out included, and folds a composite\u2019s result from its solids', async () => {
    const many = solid({ name: 'many', output: z.number(), compute: () => from([1, 2, 3]) });
    const squares = composite({
      name: 'squares',
      inputs: { n: z.number() },
      output: z.number(),
      graph: ({ n }) => solid({ name: 'square', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n: v }) => v * v })(n),
    });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void squares(many()) });
    const result = await exec(p);
    expect(result.solid('squares.square').stepKeys).toEqual(['squares.square[0]', 'squares.square[1]', 'squares.square[2]']);
    expect(new Set(result.solid('squares.square').events.map((e) => (e as { solid: string }).solid))).toEqual(new Set(['squares.square']));
    const group = result.solid('squares');
    expect(group).toMatchObject({ status: 'SUCCESS', outputs: { result: [1, 4, 9] } });
    expect(group.output()).toEqual([1, 4, 9]);
    expect(() => result.solid('squares.nope')).toThrow(
      /has no solid "squares.nope"; its solids are: many, squares.square; its composites: squares/,
    );
  });

  it('fails and skips inside a composite as anywhere else, and its result says so', async () => {
    const explode = solid({
      name: 'explode',
      inputs: { n: z.number() },
      output: z.number(),
      compute: () => {
        throw new RangeError('no');
      },
    });
    const fragile = composite({ name: 'fragile', inputs: { n: z.number() }, graph: ({ n }) => inc(explode(n)) });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void add(fragile(one()), one()) });
    const result = await exec(p);
    expect(result.status).toBe('FAILURE');
    expect(result.solid('fragile.inc').status).toBe('SKIPPED');
    expect(result.solid('fragile')).toMatchObject({ status: 'FAILURE', error: { name: 'RangeError', message: 'no' } });
    expect(result.solid('add').status).toBe('SKIPPED');
  });
});

describe('composites on the async executor', () => {
  it('is no barrier with steps in flight together: an inner step may release the composite\u2019s other input', async () => {
    // `slow` finishes only once the inner `early` step has run: a composite that waited for
    // all its inputs would never finish.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = solid({ name: 'slow', output: z.number(), compute: async () => (await released, 10) });
    const early = solid({
      name: 'early',
      inputs: { n: z.number() },
      output: z.number(),
      compute: (_ctx, { n }) => {
        release();
        return n;
      },
    });
    const pair = composite({
      name: 'pair',
      inputs: { fast: z.number(), late: z.number() },
      graph: ({ fast, late }) => add(early(fast), inc(late)),
    });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void pair({ fast: one(), late: slow() }) });
    const result = await execute(p, { runConfig: { execution: { async: {} } } });
    expect(result.output('pair')).toBe(1 + 11);
    const order = result.events.filter((e) => e.type === 'STEP_SUCCESS').map((e) => e.stepKey);
    expect(order.indexOf('pair.early')).toBeLessThan(order.indexOf('slow'));
  });
});

describe('selection across composites', () => {
  const inner = composite({ name: 'inner', inputs: { n: z.number() }, graph: ({ n }) => inc.alias('deep')(n) });
  const outer = composite({ name: 'outer', inputs: { n: z.number() }, graph: ({ n }) => inner(inc(n)) });
  const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void add(outer(one()), inc.alias('side')(one())) });

  const selected = async (select: string, runConfig: Record<string, unknown> = {}) => {
    const result = await execute(p, { select, runConfig });
    return result.events.filter((e) => e.type === 'STEP_SUCCESS').map((e) => e.stepKey);
  };

  it('selects all of a composite by its name, one solid by its dotted name', async () => {
    expect(await selected('outer', { solids: { outer: { inputs: { n: { value: 1 } } } } })).toEqual(['outer.inc', 'outer.inner.deep']);
    expect(
      await selected('outer.inner.deep', {
        solids: { outer: { solids: { inner: { inputs: { n: { value: 5 } } } } } },
      }),
    ).toEqual(['outer.inner.deep']);
  });

  it('walks across the boundary with * and +, both ways', async () => {
    expect(await selected('*outer.inner')).toEqual(['one', 'outer.inc', 'outer.inner.deep']);
    expect(
      await selected('outer.inner.deep+', {
        solids: {
          outer: { solids: { inner: { inputs: { n: { value: 1 } } } } },
          add: { inputs: { b: { value: 1 } } },
        },
      }),
    ).toEqual(['outer.inner.deep', 'add']);
    expect(await selected('+outer', { solids: {} })).toEqual(['one', 'outer.inc', 'outer.inner.deep']);
  });

  it('refuses a name that is no solid or composite, listing both', async () => {
    await expect(execute(p, { select: 'outer.nope' })).rejects.toThrow(InvalidSubsetError);
    await expect(execute(p, { select: 'outer.nope' })).rejects.toThrow(/its composites: "outer", "outer.inner"/);
  });
});
