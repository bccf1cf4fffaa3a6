/**
 * A pipeline's graph as the page draws it: nodes with their box sizes, one edge per pair of
 * wired solids (the inputs it carries listed on it), and the composites that group nodes.
 * Built once per loaded pipeline; pure (no DOM), so it is unit-tested in Node.
 */
import type { SelectionGraph } from '../../../lib/config/select.ts';
import type { PipelineGraph, SolidInfo } from '../api/types.ts';

export interface GraphNodeModel {
  readonly name: string;
  readonly solid: SolidInfo;
  /** Position in the API's order (the pipeline's call order). */
  readonly index: number;
  readonly width: number;
  readonly height: number;
}

export interface GraphEdgeModel {
  readonly from: string;
  readonly to: string;
  /** `input ← output` pairs this edge carries. */
  readonly wires: readonly { readonly input: string; readonly output: string }[];
}

export interface GraphModel {
  readonly name: string;
  readonly nodes: readonly GraphNodeModel[];
  readonly edges: readonly GraphEdgeModel[];
  readonly byName: ReadonlyMap<string, GraphNodeModel>;
  /** Composite names, each with its member nodes. */
  readonly composites: ReadonlyMap<string, readonly string[]>;
  /** The graph in the shape the library's selection grammar reads. */
  readonly selectable: SelectionGraph;
}

/** Box height of a node showing only its name, and of one also showing its definition. */
export const NODE_HEIGHT = 36;
export const NODE_HEIGHT_WITH_DEFINITION = 50;
const CHAR_WIDTH = 7.1;
const MIN_WIDTH = 128;
const MAX_WIDTH = 280;

/**
 * The width and height of a node's box: wide enough for its name (and its definition's
 * name when that differs), within 128–280 px.
 *
 * @example
 * nodeSize('load', 'load'); // { width: 128, height: 36 }
 */
export function nodeSize(name: string, definition: string): { width: number; height: number } {
  const showsDefinition = definition !== name;
  const chars = Math.max(name.length, showsDefinition ? definition.length * 0.9 : 0);
  const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.ceil(chars * CHAR_WIDTH + 40)));
  return { width, height: showsDefinition ? NODE_HEIGHT_WITH_DEFINITION : NODE_HEIGHT };
}

/**
 * The drawable model of a pipeline's graph. Inputs wired from a solid not in the graph are
 * left out (the server sends whole graphs; this keeps a partial one drawable).
 *
 * @example
 * buildGraphModel(await api.pipeline('query_pipeline')).edges.length; // 4
 */
export function buildGraphModel(graph: PipelineGraph): GraphModel {
  const byName = new Map<string, GraphNodeModel>();
  const nodes = graph.solids.map((solid, index) => {
    const node: GraphNodeModel = { name: solid.name, solid, index, ...nodeSize(solid.name, solid.definition) };
    byName.set(solid.name, node);
    return node;
  });
  const edgeByPair = new Map<string, { from: string; to: string; wires: { input: string; output: string }[] }>();
  const composites = new Map<string, string[]>();
  for (const solid of graph.solids) {
    for (const input of solid.inputs) {
      if (!input.from || !byName.has(input.from.solid)) continue;
      const key = `${input.from.solid}\u0000${solid.name}`;
      let edge = edgeByPair.get(key);
      if (!edge) {
        edge = { from: input.from.solid, to: solid.name, wires: [] };
        edgeByPair.set(key, edge);
      }
      edge.wires.push({ input: input.name, output: input.from.output });
    }
    if (solid.composite) {
      const members = composites.get(solid.composite) ?? [];
      members.push(solid.name);
      composites.set(solid.composite, members);
    }
  }
  const selectable: SelectionGraph = {
    name: graph.name,
    nodes: graph.solids.map((solid) => ({
      name: solid.name,
      inputs: Object.fromEntries(solid.inputs.flatMap((input) => (input.from ? [[input.name, { node: input.from.solid }]] : []))),
    })),
    composites: graph.composites ?? [],
  };
  return { name: graph.name, nodes, edges: [...edgeByPair.values()], byName, composites, selectable };
}
