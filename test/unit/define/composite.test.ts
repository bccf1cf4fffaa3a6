/** Composite definitions: how a composite is invoked, named and flattened, and what it refuses. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidDefinitionError,
  composite,
  execute,
  isComposite,
  pipeline,
  solid,
  successHook,
  type OutputHandle,
} from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n + 1 });
const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, output: z.number(), compute: (_ctx, { a, b }) => a + b });
const twice = composite({ name: 'twice', inputs: { n: z.number() }, output: z.number(), graph: ({ n }) => inc(inc(n)) });

describe('composite()', () => {
  it('is invoked like a solid; its solids are named <invocation>.<inner>, numbered within the composite', () => {
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void add(twice(one()), twice.alias('again')(one())) });
    expect(isComposite(twice)).toBe(true);
    expect(p.nodes.map((n) => n.name)).toEqual(['one', 'twice.inc', 'twice.inc_2', 'one_2', 'again.inc', 'again.inc_2', 'add']);
    expect(p.composites.map((c) => [c.name, c.first, c.end])).toEqual([
      ['twice', 1, 3],
      ['again', 4, 6],
    ]);
    // Wired straight through the boundary: add reads the inner solids' outputs.
    expect(Object.values(p.node('add')!.inputs).map((w) => w.node)).toEqual(['twice.inc_2', 'again.inc_2']);
    expect(p.node('twice.inc')!.inputs['n']!.node).toBe('one');
  });

  it('nests to any depth, and gives an object of handles for several outputs (declared or returned)', async () => {
    const split = composite({
      name: 'split',
      inputs: { n: z.number() },
      outputs: { low: z.number(), high: z.number() },
      graph: ({ n }) => ({ low: twice(n), high: twice.alias('more')(twice(n)) }),
    });
    const outer = composite({ name: 'outer', graph: () => split(one()) });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        const { low, high } = outer();
        add({ a: low, b: high });
      },
    });
    expect(p.composites.map((c) => c.name)).toEqual([
      'outer',
      'outer.split',
      'outer.split.twice',
      'outer.split.twice_2',
      'outer.split.more',
    ]);
    expect(p.node('outer.split.more.inc_2')!.composite).toBe('outer.split.more');
    const result = await execute(p);
    expect(result.output('add')).toBe(3 + 5);
    expect(result.output('outer.split.more.inc_2')).toBe(5);
  });

  it('gives undefined when its graph returns nothing', () => {
    let returned: unknown = 'not called';
    const sink = composite({ name: 'sink', inputs: { n: z.number() }, graph: ({ n }) => void inc(n) });
    pipeline({ name: 'p', modes: [quietMode()], graph: () => void (returned = sink(one())) });
    expect(returned).toBeUndefined();
  });

  it('attaches its hooks (withHooks) to every solid inside it', async () => {
    const seen: string[] = [];
    const watch = successHook({ name: 'watch', fn: (ctx) => void seen.push(ctx.stepKey) });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void inc(twice.withHooks(watch)(one())) });
    await execute(p);
    expect(seen.sort()).toEqual(['twice.inc', 'twice.inc_2']);
  });

  it('refuses bad definitions, saying what would be valid', () => {
    const graph = () => undefined;
    expect(() => composite({ name: 'a.b', graph })).toThrow(/composite name "a.b" is invalid/);
    expect(() => composite({ name: 'c', graph: undefined as never })).toThrow(/composite "c": graph must be a function/);
    expect(() => composite({ name: 'c', config: z.object({ n: z.number() }), graph })).toThrow(
      /composite "c": config needs a configMapping that turns it into its solids' config/,
    );
    expect(() => composite({ name: 'c', output: z.number(), outputs: { x: z.number() }, graph } as never)).toThrow(/not both/);
    expect(() => composite({ name: 'c', inputs: z.object({}) as never, graph })).toThrow(/inputs must be a plain object/);
  });

  it('refuses a graph that does not return its declared outputs', () => {
    const declared = composite({ name: 'declared', outputs: { x: z.number(), y: z.number() }, graph: () => ({ x: one() }) as never });
    expect(() => pipeline({ name: 'p', graph: () => void declared() })).toThrow(
      'composite "declared": its graph must return exactly its outputs (x, y); missing: y',
    );
    const single = composite({ name: 'single', output: z.number(), graph: () => undefined as never });
    expect(() => pipeline({ name: 'p', graph: () => void single() })).toThrow(/declares an output, so its graph must return its handle/);
    const junk = composite({ name: 'junk', graph: () => 42 as never });
    expect(() => pipeline({ name: 'p', graph: () => void junk() })).toThrow(
      /must return a handle, an object of handles, or nothing, got number 42/,
    );
  });

  it('refuses two invocations with one name at one level, and two different definitions with one name', () => {
    const also = composite({ name: 'twice', graph: () => void one() });
    expect(() => pipeline({ name: 'p', graph: () => void (twice(one()), one.alias('twice')()) })).toThrow(
      /two invocations are both named "twice" \(composite "twice" and solid "one"\)/,
    );
    expect(() => pipeline({ name: 'p', graph: () => void (twice(one()), also.alias('other')()) })).toThrow(
      /pipeline "p": two different composites are named "twice"/,
    );
    const sameNameSolid = solid({ name: 'twice', compute: () => 1 });
    expect(() => pipeline({ name: 'p', graph: () => void (twice(one()), sameNameSolid.alias('x')()) })).toThrow(
      /a solid and a composite are both named "twice"/,
    );
  });

  it('refuses collect() on an input left unwired (it has one value, from run config), and a handle from another graph', () => {
    const gather = composite({ name: 'gather', inputs: { n: z.number() }, graph: ({ n }) => void n.collect() });
    expect(() => pipeline({ name: 'p', graph: () => void gather() })).toThrow(
      /input "n" of composite "gather" is not wired, so it has one value, from run config \(solids.gather.inputs.n.value\)/,
    );
    let stray: OutputHandle<number> | undefined;
    pipeline({ name: 'first', graph: () => void (stray = inc(one())) });
    const leaky = composite({ name: 'leaky', graph: () => stray! });
    expect(() => pipeline({ name: 'second', graph: () => void leaky() })).toThrow(InvalidDefinitionError);
  });

  it('is refused outside a graph', () => {
    expect(() => twice()).toThrow(/composite "twice" was called outside a pipeline's graph\(\)/);
  });
});
