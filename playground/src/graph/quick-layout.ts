/**
 * An instant layered layout, in O(nodes + edges × nesting depth): ranks by longest path from
 * the sources, order within a rank by the parents' positions (two sweeps), each node placed
 * under its parents where there is room. A composite is laid out first on its own, then
 * takes part in the graph around it as one block, so its box holds its members and nothing
 * else, boxes nest, and siblings never overlap. The page draws it at once and swaps in
 * dagre's layout when the worker has it; graphs too large for dagre keep it.
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
  const tree = clusterTree(request);
  const { count, groupCount, members, edges: localEdges } = tree;

  // Sizes of every item (nodes as given; a group's block once its members are laid out) and
  // each item's top-left corner relative to its cluster's content origin. Deepest clusters first.
  const width = new Array<number>(count + groupCount).fill(0);
  const height = new Array<number>(count + groupCount).fill(0);
  const relX = new Array<number>(count + groupCount).fill(0);
  const relY = new Array<number>(count + groupCount).fill(0);
  request.nodes.forEach((node, i) => {
    width[i] = node.width;
    height[i] = node.height;
  });
  let rootWidth = 0;
  let rootHeight = 0;
  for (const c of tree.deepestFirst) {
    const items = members[c]!;
    const laid = layered(
      items.map((item) => ({ width: width[item]!, height: height[item]!, block: item >= count })),
      localEdges[c]!,
      spacing,
    );
    items.forEach((item, k) => {
      relX[item] = laid.x[k]!;
      relY[item] = laid.y[k]!;
    });
    if (c === 0) {
      rootWidth = laid.width;
      rootHeight = laid.height;
    } else {
      width[count + c - 1] = laid.width + 2 * GROUP_PADDING;
      height[count + c - 1] = laid.height + 2 * GROUP_PADDING + GROUP_LABEL;
    }
  }

  // Absolute positions, outermost first: a cluster's content starts inside its box's padding and name band.
  const originX = new Array<number>(groupCount + 1).fill(0);
  const originY = new Array<number>(groupCount + 1).fill(0);
  originX[0] = spacing.margin;
  originY[0] = spacing.margin;
  const absX = new Array<number>(count + groupCount).fill(0);
  const absY = new Array<number>(count + groupCount).fill(0);
  for (let k = tree.deepestFirst.length - 1; k >= 0; k--) {
    const c = tree.deepestFirst[k]!;
    for (const item of members[c]!) {
      absX[item] = originX[c]! + relX[item]!;
      absY[item] = originY[c]! + relY[item]!;
      if (item >= count) {
        const inner = item - count + 1;
        originX[inner] = absX[item]! + GROUP_PADDING;
        originY[inner] = absY[item]! + GROUP_PADDING + GROUP_LABEL;
      }
    }
  }

  const nodes: Record<string, Box> = Object.create(null) as Record<string, Box>;
  request.nodes.forEach((node, i) => {
    nodes[node.id] = { x: absX[i]!, y: absY[i]!, width: node.width, height: node.height };
  });
  const groups: Record<string, Box> = Object.create(null) as Record<string, Box>;
  request.groups.forEach((group, g) => {
    const item = count + g;
    groups[group.id] = { x: absX[item]!, y: absY[item]!, width: width[item]!, height: height[item]! };
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
  return {
    width: rootWidth + 2 * spacing.margin,
    height: rootHeight + 2 * spacing.margin,
    nodes,
    edges,
    groups,
    engine: 'quick',
  };
}

/**
 * The request as nested clusters. Items are numbered nodes first (0 … count − 1), then
 * groups (count + g for `request.groups[g]`); clusters are 0 (the whole graph) and g + 1 for
 * group g. Each cluster lists its items (in the order their first node comes in the request)
 * and the edges between them: an edge between two nodes belongs to the innermost cluster
 * holding both, between the items of that cluster that hold each end.
 */
function clusterTree(request: LayoutRequest) {
  const count = request.nodes.length;
  const groupCount = request.groups.length;
  const groupIndex = new Map<string, number>();
  request.groups.forEach((group, g) => groupIndex.set(group.id, g));
  /** The cluster each item is directly in. */
  const cluster = new Array<number>(count + groupCount).fill(0);
  request.groups.forEach((group, g) => {
    const parent = group.parent === undefined ? undefined : groupIndex.get(group.parent);
    cluster[count + g] = parent === undefined ? 0 : parent + 1;
  });
  // A group inside itself (through its parents) cannot be drawn nested: such a loop goes to the top.
  const depth = new Array<number>(groupCount + 1).fill(-1);
  depth[0] = 0;
  const depthOf = (c: number): number => {
    if (depth[c]! >= 0) return depth[c]!;
    const chain: number[] = [];
    let at = c;
    while (depth[at]! < 0 && !chain.includes(at)) {
      chain.push(at);
      at = cluster[count + at - 1]!;
    }
    if (depth[at]! < 0) {
      cluster[count + at - 1] = 0;
      depth[at] = 1;
      chain.splice(chain.indexOf(at));
    }
    for (let k = chain.length - 1; k >= 0; k--) depth[chain[k]!] = depth[cluster[count + chain[k]! - 1]!]! + 1;
    return depth[c]!;
  };
  for (let c = 1; c <= groupCount; c++) depthOf(c);
  request.nodes.forEach((node, i) => {
    const g = node.parent === undefined ? undefined : groupIndex.get(node.parent);
    cluster[i] = g === undefined ? 0 : g + 1;
  });

  const members: number[][] = Array.from({ length: groupCount + 1 }, () => []);
  const placed = new Array<boolean>(groupCount + 1).fill(false);
  placed[0] = true;
  const place = (c: number) => {
    while (!placed[c]) {
      placed[c] = true;
      members[cluster[count + c - 1]!]!.push(count + c - 1);
      c = cluster[count + c - 1]!;
    }
  };
  for (let i = 0; i < count; i++) {
    members[cluster[i]!]!.push(i);
    place(cluster[i]!);
  }
  for (let c = 1; c <= groupCount; c++) place(c);

  const itemDepth = (item: number) => depth[cluster[item]!]! + 1;
  const up = (item: number) => count + cluster[item]! - 1;
  const indexOf = new Map<string, number>();
  request.nodes.forEach((node, i) => indexOf.set(node.id, i));
  // Edge ends as positions in their cluster's item list.
  const local = new Array<number>(count + groupCount).fill(0);
  for (let c = 0; c <= groupCount; c++) members[c]!.forEach((item, k) => (local[item] = k));
  const edges: [number, number][][] = Array.from({ length: groupCount + 1 }, () => []);
  for (const edge of request.edges) {
    let a = indexOf.get(edge.from);
    let b = indexOf.get(edge.to);
    if (a === undefined || b === undefined || a === b) continue;
    if (groupCount > 0) {
      while (itemDepth(a) > itemDepth(b)) a = up(a);
      while (itemDepth(b) > itemDepth(a)) b = up(b);
      while (cluster[a] !== cluster[b]) {
        a = up(a);
        b = up(b);
      }
    }
    if (a !== b) edges[cluster[a]!]!.push([local[a]!, local[b]!]);
  }
  const deepestFirst = Array.from({ length: groupCount + 1 }, (_, c) => c).sort((x, y) => depth[y]! - depth[x]! || x - y);
  return { count, groupCount, cluster, members, edges, deepestFirst };
}

interface Laid {
  /** Top-left corners, from (0, 0). */
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly width: number;
  readonly height: number;
}

/**
 * The layered layout of one cluster's items (nodes and blocks of nested groups). Nodes sit
 * centred in their rank's height of nodes; blocks hang from the top of their rank.
 */
function layered(
  items: readonly { width: number; height: number; block: boolean }[],
  edges: readonly [number, number][],
  spacing: Spacing,
): Laid {
  const count = items.length;
  const parents: number[][] = Array.from({ length: count }, () => []);
  const children: number[][] = Array.from({ length: count }, () => []);
  for (const [from, to] of edges) {
    if (from === to) continue;
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

  // Coordinates: each item as close under its parents' centre as the row leaves room for.
  const centreX = new Array<number>(count).fill(0);
  const top = new Array<number>(count).fill(0);
  let y = 0;
  for (const row of ranks) {
    let height = 0;
    let nodeHeight = 0;
    for (const v of row) {
      height = Math.max(height, items[v]!.height);
      if (!items[v]!.block) nodeHeight = Math.max(nodeHeight, items[v]!.height);
    }
    let right = -Infinity;
    for (const v of row) {
      const { width } = items[v]!;
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
    }
    // Pushing right only drifts a crowded row off its parents; shift it back by the mean drift.
    const drift = row.reduce((sum, v) => {
      const ps = parents[v]!;
      return ps.length === 0 ? sum : sum + (centreX[v]! - ps.reduce((s, p) => s + centreX[p]!, 0) / ps.length);
    }, 0);
    const withParents = row.filter((v) => parents[v]!.length > 0).length;
    if (withParents > 0) for (const v of row) centreX[v] = centreX[v]! - drift / withParents / 2;
    for (const v of row) top[v] = items[v]!.block ? y : y + (nodeHeight - items[v]!.height) / 2;
    y += height + spacing.ranksep;
  }

  let minX = Infinity;
  let maxX = -Infinity;
  for (let v = 0; v < count; v++) {
    minX = Math.min(minX, centreX[v]! - items[v]!.width / 2);
    maxX = Math.max(maxX, centreX[v]! + items[v]!.width / 2);
  }
  if (count === 0) return { x: [], y: [], width: 0, height: 0 };
  return {
    x: centreX.map((c, v) => c - items[v]!.width / 2 - minX),
    y: top,
    width: maxX - minX,
    height: y - spacing.ranksep,
  };
}
