/**
 * An instant layered layout, in O(nodes + edges): ranks by longest path from the sources,
 * order within a rank by the parents' positions (two sweeps), each node placed under its
 * parents where there is room. The page draws it at once and swaps in dagre's layout when
 * the worker has it; graphs too large for dagre keep it.
 */
import { GROUP_LABEL, GROUP_PADDING, type Box, type GraphLayout, type LayoutRequest, type Point } from './layout-types.ts';

export interface Spacing {
  /** Horizontal gap between nodes of a rank. */
  readonly nodesep: number;
  /** Vertical gap between ranks. */
  readonly ranksep: number;
  readonly margin: number;
}

export const DEFAULT_SPACING: Spacing = { nodesep: 28, ranksep: 56, margin: 24 };

/**
 * Lays a graph out top to bottom without any search: good enough to read at once, and the
 * only layout for graphs past dagre's limit.
 *
 * @example
 * quickLayout({ nodes: [{ id: 'a', width: 120, height: 36 }], edges: [], groups: [] }).nodes['a']; // { x: 24, y: 24, … }
 */
export function quickLayout(request: LayoutRequest, spacing: Spacing = DEFAULT_SPACING): GraphLayout {
  const count = request.nodes.length;
  const indexOf = new Map<string, number>();
  request.nodes.forEach((node, i) => indexOf.set(node.id, i));
  const parents: number[][] = Array.from({ length: count }, () => []);
  const children: number[][] = Array.from({ length: count }, () => []);
  for (const edge of request.edges) {
    const from = indexOf.get(edge.from);
    const to = indexOf.get(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    parents[to]!.push(from);
    children[from]!.push(to);
  }

  // Ranks by longest path, over a topological order (Kahn; ties keep the given order).
  const rank = new Array<number>(count).fill(0);
  const pending = parents.map((p) => p.length);
  const queue: number[] = [];
  for (let i = 0; i < count; i++) if (pending[i] === 0) queue.push(i);
  const seen = new Array<boolean>(count).fill(false);
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    seen[v] = true;
    for (const w of children[v]!) {
      rank[w] = Math.max(rank[w]!, rank[v]! + 1);
      if (--pending[w]! === 0) queue.push(w);
    }
  }
  // A cycle cannot come from a pipeline; should one arrive, its nodes still get drawn.
  for (let i = 0; i < count; i++) if (!seen[i]) queue.push(i);

  const ranks: number[][] = [];
  for (const v of queue) (ranks[rank[v]!] ??= []).push(v);
  for (let r = 0; r < ranks.length; r++) ranks[r] ??= [];

  // Order within ranks: barycentres of the parents (down), then of the children (up), then down again.
  const position = new Array<number>(count).fill(0);
  const renumber = (row: number[]) => row.forEach((v, i) => (position[v] = i));
  ranks.forEach(renumber);
  const sweep = (rows: number[][], neighbours: number[][]) => {
    for (const row of rows) {
      const key = new Map<number, number>();
      for (const v of row) {
        const ns = neighbours[v]!;
        key.set(v, ns.length === 0 ? position[v]! : ns.reduce((sum, n) => sum + position[n]!, 0) / ns.length);
      }
      row.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
      renumber(row);
    }
  };
  sweep(ranks.slice(1), parents);
  sweep(ranks.slice(0, -1).reverse(), children);
  sweep(ranks.slice(1), parents);

  // Coordinates: each node as close under its parents' centre as the row leaves room for.
  const centreX = new Array<number>(count).fill(0);
  const top = new Array<number>(count).fill(0);
  const inset = request.groups.length > 0 ? GROUP_PADDING + GROUP_LABEL : 0;
  let y = spacing.margin + inset;
  for (const row of ranks) {
    const height = Math.max(0, ...row.map((v) => request.nodes[v]!.height));
    let right = -Infinity;
    const placed: number[] = [];
    for (const v of row) {
      const { width } = request.nodes[v]!;
      const ps = parents[v]!;
      const wanted =
        ps.length === 0
          ? right === -Infinity
            ? 0
            : right + spacing.nodesep + width / 2
          : ps.reduce((s, p) => s + centreX[p]!, 0) / ps.length;
      const x = right === -Infinity ? wanted : Math.max(wanted, right + spacing.nodesep + width / 2);
      centreX[v] = x;
      right = x + width / 2;
      placed.push(v);
    }
    // Pushing right only drifts a crowded row off its parents; shift it back by the mean drift.
    const drift = placed.reduce((sum, v) => {
      const ps = parents[v]!;
      return ps.length === 0 ? sum : sum + (centreX[v]! - ps.reduce((s, p) => s + centreX[p]!, 0) / ps.length);
    }, 0);
    const withParents = placed.filter((v) => parents[v]!.length > 0).length;
    if (withParents > 0) for (const v of placed) centreX[v] = centreX[v]! - drift / withParents / 2;
    for (const v of row) top[v] = y + (height - request.nodes[v]!.height) / 2;
    y += height + spacing.ranksep;
  }

  let minX = Infinity;
  for (let v = 0; v < count; v++) minX = Math.min(minX, centreX[v]! - request.nodes[v]!.width / 2);
  const shift = (Number.isFinite(minX) ? -minX : 0) + spacing.margin + (inset > 0 ? GROUP_PADDING : 0);
  const nodes: Record<string, Box> = Object.create(null) as Record<string, Box>;
  let width = 0;
  let height = 0;
  request.nodes.forEach((node, v) => {
    const box = { x: centreX[v]! - node.width / 2 + shift, y: top[v]!, width: node.width, height: node.height };
    nodes[node.id] = box;
    width = Math.max(width, box.x + box.width);
    height = Math.max(height, box.y + box.height);
  });
  const edges = request.edges.flatMap((edge) => {
    const a = nodes[edge.from];
    const b = nodes[edge.to];
    if (!a || !b || edge.from === edge.to) return [];
    const points: Point[] = [
      { x: a.x + a.width / 2, y: a.y + a.height },
      { x: b.x + b.width / 2, y: b.y },
    ];
    return [{ from: edge.from, to: edge.to, points }];
  });
  const groups = groupBoxes(request, nodes);
  for (const box of Object.values(groups)) {
    width = Math.max(width, box.x + box.width);
    height = Math.max(height, box.y + box.height);
  }
  return { width: width + spacing.margin, height: height + spacing.margin, nodes, edges, groups, engine: 'quick' };
}

/** Each composite's box: around its members, with room for its name on top. */
export function groupBoxes(request: LayoutRequest, nodes: Readonly<Record<string, Box>>): Record<string, Box> {
  const bounds = new Map<string, { x0: number; y0: number; x1: number; y1: number }>();
  for (const node of request.nodes) {
    const box = nodes[node.id];
    if (!node.parent || !box) continue;
    const b = bounds.get(node.parent) ?? { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    b.x0 = Math.min(b.x0, box.x);
    b.y0 = Math.min(b.y0, box.y);
    b.x1 = Math.max(b.x1, box.x + box.width);
    b.y1 = Math.max(b.y1, box.y + box.height);
    bounds.set(node.parent, b);
  }
  const groups: Record<string, Box> = Object.create(null) as Record<string, Box>;
  for (const [name, b] of bounds) {
    groups[name] = {
      x: b.x0 - GROUP_PADDING,
      y: b.y0 - GROUP_PADDING - GROUP_LABEL,
      width: b.x1 - b.x0 + 2 * GROUP_PADDING,
      height: b.y1 - b.y0 + 2 * GROUP_PADDING + GROUP_LABEL,
    };
  }
  return groups;
}
