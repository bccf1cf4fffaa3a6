/** The playground's graph answer for a pipeline with composites: groups (nested), members, inputs fed by a composite. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { composite, pipeline, solid } from '../../../lib/index.ts';
import { pipelineGraph } from '../../../lib/playground/describe-pipeline.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n + 1 });

describe('pipelineGraph with composites', () => {
  it('lists composites as nested groups and marks each solid with its innermost group and an input its group feeds', () => {
    const inner = composite({
      name: 'inner',
      description: 'adds one',
      inputs: { n: z.number() },
      output: z.number(),
      graph: ({ n }) => inc(n),
    });
    const outer = composite({ name: 'outer', inputs: { n: z.number() }, output: z.number(), graph: ({ n }) => inc(inner(n)) });
    const p = pipeline({ name: 'p', graph: () => void outer(one()) });
    const graph = pipelineGraph(p);
    expect(graph.composites).toEqual([
      { name: 'outer', definition: 'outer', description: null, parent: null },
      { name: 'outer.inner', definition: 'inner', description: 'adds one', parent: 'outer' },
    ]);
    expect(graph.solids.map((s) => [s.name, s.composite])).toEqual([
      ['one', undefined],
      ['outer.inner.inc', 'outer.inner'],
      ['outer.inc', 'outer'],
    ]);
    expect(graph.solids[1]!.inputs).toEqual([{ name: 'n', from: { solid: 'one', output: 'result' } }]);
  });

  it('shows an inner input fed by an unwired composite input as coming from that composite input', () => {
    const wrap = composite({ name: 'wrap', inputs: { start: z.number() }, output: z.number(), graph: ({ start }) => inc(start) });
    const p = pipeline({ name: 'p', graph: () => void wrap() });
    expect(pipelineGraph(p).solids[0]!.inputs).toEqual([{ name: 'n', from: null, fromComposite: { composite: 'wrap', input: 'start' } }]);
  });
});
