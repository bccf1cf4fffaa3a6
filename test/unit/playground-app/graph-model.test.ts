import { describe, expect, it } from 'vitest';
import { buildGraphModel, nodeSize } from '../../../playground/src/graph/graph-model.ts';
import { layoutRequestOf } from '../../../playground/src/graph/layout-types.ts';
import type { PipelineGraph, SolidInfo } from '../../../playground/src/api/types.ts';

const solid = (name: string, inputs: Record<string, string | null> = {}, extra: Partial<SolidInfo> = {}): SolidInfo => ({
  name,
  definition: name,
  inputs: Object.entries(inputs).map(([input, from]) => ({ name: input, from: from === null ? null : { solid: from, output: 'result' } })),
  outputs: ['result'],
  resources: [],
  ...extra,
});

const graph = (solids: SolidInfo[]): PipelineGraph => ({ name: 'p', modes: [], presets: [], solids });

describe('the graph the page draws', () => {
  it('draws one edge per wired pair of solids, listing every input it carries', () => {
    const model = buildGraphModel(graph([solid('a'), solid('b', { left: 'a', right: 'a', extra: null })]));
    expect(model.edges).toEqual([
      {
        from: 'a',
        to: 'b',
        wires: [
          { input: 'left', output: 'result' },
          { input: 'right', output: 'result' },
        ],
      },
    ]);
  });

  it('leaves out a wire from a solid the graph does not have, instead of an edge to nowhere', () => {
    const model = buildGraphModel(graph([solid('b', { x: 'ghost' })]));
    expect(model.edges).toEqual([]);
  });

  it('groups the solids of each composite', () => {
    const model = buildGraphModel(
      graph([solid('a', {}, { composite: 'etl' }), solid('b', { x: 'a' }, { composite: 'etl' }), solid('c', { y: 'b' })]),
    );
    expect([...model.composites.values()].map((c) => [c.name, c.solids])).toEqual([['etl', ['a', 'b']]]);
  });

  it('keeps a composite nested in another, and an outer one that holds only a composite, outer ones first', () => {
    const model = buildGraphModel({
      ...graph([
        solid('one'),
        solid('outer.inner.inc', { n: 'one' }, { composite: 'outer.inner' }),
        solid('last', { n: 'outer.inner.inc' }),
      ]),
      composites: [
        { name: 'outer', definition: 'outer', description: null, parent: null },
        { name: 'outer.inner', definition: 'adder', description: 'adds one', parent: 'outer' },
      ],
    });
    expect([...model.composites.values()]).toEqual([
      { name: 'outer', definition: 'outer', description: null, parent: undefined, solids: [] },
      { name: 'outer.inner', definition: 'adder', description: 'adds one', parent: 'outer', solids: ['outer.inner.inc'] },
    ]);
    expect(layoutRequestOf(model).groups).toEqual([{ id: 'outer' }, { id: 'outer.inner', parent: 'outer' }]);
  });

  it('finds the composites a solid names even when the graph does not list them, parents from the dotted names', () => {
    const model = buildGraphModel(graph([solid('a.b.c', {}, { composite: 'a.b' })]));
    expect([...model.composites.values()].map((c) => [c.name, c.parent, c.solids])).toEqual([
      ['a', undefined, []],
      ['a.b', 'a', ['a.b.c']],
    ]);
  });

  it('asks the layout for no box for a composite that invokes no solid', () => {
    const model = buildGraphModel({
      ...graph([solid('a')]),
      composites: [{ name: 'empty', definition: 'empty', description: null, parent: null }],
    });
    expect(layoutRequestOf(model).groups).toEqual([]);
  });

  it('gives the selection grammar the wires as the library reads them', () => {
    const model = buildGraphModel(graph([solid('a'), solid('b', { x: 'a', cfg: null })]));
    expect(model.selectable.nodes).toEqual([
      { name: 'a', inputs: {} },
      { name: 'b', inputs: { x: { node: 'a' } } },
    ]);
  });

  it('sizes a box to its name within 128–280 px, taller when it also shows its definition', () => {
    expect(nodeSize('a', 'a')).toEqual({ width: 128, height: 36 });
    expect(nodeSize('x'.repeat(200), 'x'.repeat(200)).width).toBe(280);
    const aliased = nodeSize('load_customers_again', 'load_customers');
    expect(aliased.height).toBeGreaterThan(36);
    expect(aliased.width).toBeGreaterThan(128);
  });

  it('shows a definition under a solid of a composite only when the solid is an alias of it', () => {
    expect(nodeSize('etl.clean', 'clean').height).toBe(36);
    expect(nodeSize('etl.clean_again', 'clean').height).toBeGreaterThan(36);
  });
});
