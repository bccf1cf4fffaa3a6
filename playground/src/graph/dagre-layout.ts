/**
 * dagre's layout of a request: ranks by network simplex, crossings minimised, edges routed
 * around nodes, composites as compound nodes. Seconds for a thousand nodes, so it runs in
 * the layout worker (layout-worker.ts), never on the page's thread.
 */
import dagre from '@dagrejs/dagre';
import { GROUP_LABEL, GROUP_PADDING, type Box, type GraphLayout, type LayoutRequest } from './layout-types.ts';
import { DEFAULT_SPACING } from './quick-layout.ts';

interface Sized {
  width: number;
  height: number;
  x?: number;
  y?: number;
}

/**
 * Lays a graph out with dagre.
 *
 * @example
 * dagreLayout(layoutRequestOf(model)).engine; // 'dagre'
 */
export function dagreLayout(request: LayoutRequest): GraphLayout {
  const compound = request.groups.length > 0;
  const g = new dagre.graphlib.Graph<Record<string, unknown>, Sized, { points?: { x: number; y: number }[] }>({
    compound,
    multigraph: false,
  });
  g.setGraph({
    rankdir: 'TB',
    nodesep: DEFAULT_SPACING.nodesep,
    // With groups dagre puts a group's top and bottom edges on ranks of their own, half a
    // ranksep from what they hold: that half must fit the group's name band.
    ranksep: compound ? Math.max(DEFAULT_SPACING.ranksep, 2 * (GROUP_PADDING + GROUP_LABEL)) : DEFAULT_SPACING.ranksep,
    marginx: DEFAULT_SPACING.margin,
    marginy: DEFAULT_SPACING.margin,
  });
  g.setDefaultEdgeLabel(() => ({}));
  const parentOf = new Map(request.groups.map((group) => [group.id, group.parent]));
  // dagre sizes a group from what it holds (it has no padding option).
  for (const group of request.groups) g.setNode(`group:${group.id}`, { width: 0, height: 0 });
  for (const group of request.groups)
    if (group.parent !== undefined && parentOf.has(group.parent) && !isInside(parentOf, group.parent, group.id))
      g.setParent(`group:${group.id}`, `group:${group.parent}`);
  for (const node of request.nodes) {
    g.setNode(node.id, { width: node.width, height: node.height });
    if (node.parent !== undefined && parentOf.has(node.parent)) g.setParent(node.id, `group:${node.parent}`);
  }
  for (const edge of request.edges) if (edge.from !== edge.to) g.setEdge(edge.from, edge.to);
  dagre.layout(g);

  const box = (label: Sized): Box => ({
    x: (label.x ?? 0) - label.width / 2,
    y: (label.y ?? 0) - label.height / 2,
    width: label.width,
    height: label.height,
  });
  const nodes: Record<string, Box> = Object.create(null) as Record<string, Box>;
  for (const node of request.nodes) nodes[node.id] = box(g.node(node.id));
  const boxes: Record<string, Box> = Object.create(null) as Record<string, Box>;
  for (const group of request.groups) boxes[group.id] = box(g.node(`group:${group.id}`));
  const edges = g.edges().map((e: { v: string; w: string }) => ({ from: e.v, to: e.w, points: g.edge(e)?.points ?? [] }));
  const graph = g.graph() as { width?: number; height?: number };
  return { width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges, groups: boxes, engine: 'dagre' };
}

/** True when `group` is `candidate` or inside it through parents (a loop would hang dagre). */
function isInside(parentOf: ReadonlyMap<string, string | undefined>, group: string, candidate: string): boolean {
  const seen = new Set<string>();
  for (let at: string | undefined = group; at !== undefined && !seen.has(at); at = parentOf.get(at)) {
    if (at === candidate) return true;
    seen.add(at);
  }
  return false;
}
