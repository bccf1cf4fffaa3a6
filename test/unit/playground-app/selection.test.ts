import { describe, expect, it } from 'vitest';
import { buildGraphModel } from '../../../playground/src/graph/graph-model.ts';
import { resolveSelection } from '../../../playground/src/graph/selection.ts';
import type { SolidInfo } from '../../../playground/src/api/types.ts';

const solid = (name: string, ...from: string[]): SolidInfo => ({
  name,
  definition: name,
  inputs: from.map((f, i) => ({ name: `in${i}`, from: { solid: f, output: 'result' } })),
  outputs: ['result'],
  resources: [],
});

// Dagster's selector test graph (reference 90): return_one, return_two → add_nums → multiply_two → add_one.
const model = buildGraphModel({
  name: 'math',
  modes: [],
  presets: [],
  solids: [
    solid('return_one'),
    solid('return_two'),
    solid('add_nums', 'return_one', 'return_two'),
    solid('multiply_two', 'add_nums'),
    solid('add_one', 'multiply_two'),
  ],
});
const picked = (query: string) => {
  const { selected } = resolveSelection(model, query);
  return selected && [...selected];
};

describe('the selection box highlights what a launch would run', () => {
  it('reads clauses as Dagster does', () => {
    expect(picked('add_nums*')).toEqual(['add_nums', 'multiply_two', 'add_one']);
    expect(picked('*add_nums+')).toEqual(['return_one', 'return_two', 'add_nums', 'multiply_two']);
    expect(picked('*add_nums,return_one+')).toEqual(['return_one', 'return_two', 'add_nums']);
    expect(picked('+multiply_two')).toEqual(['add_nums', 'multiply_two']);
  });

  it('selects everything for a blank query or a lone *', () => {
    expect(resolveSelection(model, '')).toEqual({ selected: undefined, error: undefined });
    expect(resolveSelection(model, ' * ')).toEqual({ selected: undefined, error: undefined });
  });

  it('says why a query selects nothing: an unknown name lists the solids, a malformed clause the grammar', () => {
    const unknown = resolveSelection(model, 'add_numz');
    expect(unknown.selected?.size).toBe(0);
    expect(unknown.error).toMatch(/"add_numz" matches no solid of pipeline "math".*"return_one"/);
    expect(resolveSelection(model, '1+x+*').error).toMatch(/malformed/);
  });

  it('selects a composite by its name: every solid inside it, nested composites too, and walks out of it with + and *', () => {
    const nested = buildGraphModel({
      name: 'stats',
      modes: [],
      presets: [],
      solids: [
        solid('load'),
        { ...solid('outer.inner.count', 'load'), composite: 'outer.inner' },
        { ...solid('outer.sum', 'outer.inner.count'), composite: 'outer' },
        solid('report', 'outer.sum'),
      ],
      composites: [
        { name: 'outer', definition: 'outer', description: null, parent: null },
        { name: 'outer.inner', definition: 'inner', description: null, parent: 'outer' },
      ],
    });
    const pick = (query: string) => [...(resolveSelection(nested, query).selected ?? [])];
    expect(pick('outer')).toEqual(['outer.inner.count', 'outer.sum']);
    expect(pick('outer.inner')).toEqual(['outer.inner.count']);
    expect(pick('outer.inner+')).toEqual(['outer.inner.count', 'outer.sum']);
    expect(pick('*outer')).toEqual(['load', 'outer.inner.count', 'outer.sum']);
    expect(resolveSelection(nested, 'outr').error).toMatch(/its composites: "outer", "outer.inner"/);
  });
});
