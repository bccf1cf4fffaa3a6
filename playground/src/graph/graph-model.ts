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

/** A composite invocation: a group of solids, maybe inside another composite. */
export interface GraphCompositeModel {
  /** Dotted when nested: `outer.inner`. */
  readonly name: string;
  readonly definition: string;
  readonly description: string | null;
  /** The composite it is in; `undefined` at the top. */
  readonly parent: string | undefined;
  /** The solids directly in it (not those of the composites inside it), in the pipeline's order. */
  readonly solids: readonly string[];
}

export interface GraphModel {
  readonly name: string;
  readonly nodes: readonly GraphNodeModel[];
  readonly edges: readonly GraphEdgeModel[];
  readonly byName: ReadonlyMap<string, GraphNodeModel>;
  /** The composites by (dotted) name, outer ones first. */
  readonly composites: ReadonlyMap<string, GraphCompositeModel>;
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
  const shows = showsDefinition(name, definition);
  const chars = Math.max(name.length, shows ? definition.length * 0.9 : 0);
  const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.ceil(chars * CHAR_WIDTH + 40)));
  return { width, height: shows ? NODE_HEIGHT_WITH_DEFINITION : NODE_HEIGHT };
}

/**
 * Whether a node shows its definition's name under its own: only for an alias. A solid in a
 * composite (`etl.clean`, definition `clean`) is not one; its box is drawn inside the
 * composite's anyway.
 *
 * @example
 * showsDefinition('etl.clean', 'clean'); // false
 * showsDefinition('etl.clean_again', 'clean'); // true
 */
export function showsDefinition(name: string, definition: string): boolean {
  return definition !== name.slice(name.lastIndexOf('.') + 1);
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
  const composites = compositesOf(graph);
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
    if (solid.composite) composites.get(solid.composite)?.solids.push(solid.name);
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

/**
 * The graph's composites, outer ones first: the server's list, plus any composite a solid
 * names that the list lacks (its parent then read from its dotted name).
 */
function compositesOf(graph: PipelineGraph): Map<string, GraphCompositeModel & { solids: string[] }> {
  const listed = new Map<string, { name: string; definition: string; description: string | null; parent: string | undefined }>();
  for (const c of graph.composites ?? [])
    listed.set(c.name, { name: c.name, definition: c.definition, description: c.description, parent: c.parent ?? undefined });
  const add = (name: string) => {
    if (listed.has(name)) return;
    const dot = name.lastIndexOf('.');
    const parent = dot > 0 ? name.slice(0, dot) : undefined;
    listed.set(name, { name, definition: name.slice(dot + 1), description: null, parent });
    if (parent !== undefined) add(parent);
  };
  for (const solid of graph.solids) if (solid.composite) add(solid.composite);
  // Outer first, whatever order they came in: a composite's depth is its chain of parents.
  const depth = (name: string): number => {
    let d = 0;
    for (let at = listed.get(name)?.parent; at !== undefined && d < listed.size; at = listed.get(at)?.parent) d++;
    return d;
  };
  const ordered = [...listed.values()].map((c, i) => ({ c, i, d: depth(c.name) })).sort((a, b) => a.d - b.d || a.i - b.i);
  return new Map(ordered.map(({ c }) => [c.name, { ...c, solids: [] }]));
}
