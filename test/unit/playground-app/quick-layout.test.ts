import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { quickLayout } from '../../../playground/src/graph/quick-layout.ts';
import type { Box, LayoutRequest } from '../../../playground/src/graph/layout-types.ts';

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Random DAGs: node i may be wired from any earlier node. */
const dags = fc.integer({ min: 1, max: 60 }).chain((n) =>
  fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 2 }).map((pairs): LayoutRequest => ({
    nodes: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, width: 120 + ((i * 37) % 80), height: i % 3 === 0 ? 50 : 36 })),
    edges: pairs.filter(([a, b]) => a < b).map(([a, b]) => ({ from: `s${a}`, to: `s${b}` })),
    groups: [],
  })),
);

describe('the quick layout', () => {
  test.prop([dags], { numRuns: 100 })('places every node, without overlaps, each below all its parents', (request) => {
    const layout = quickLayout(request);
    const boxes = request.nodes.map((n) => layout.nodes[n.id]!);
    expect(boxes.every(Boolean)).toBe(true);
    const clashes: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) if (overlaps(boxes[i]!, boxes[j]!)) clashes.push(`s${i}/s${j}`);
    expect(clashes).toEqual([]);
    const upward = request.edges.filter((e) => layout.nodes[e.to]!.y <= layout.nodes[e.from]!.y + layout.nodes[e.from]!.height);
    expect(upward).toEqual([]);
    const outside = boxes.filter((b) => b.x < 0 || b.y < 0 || b.x + b.width > layout.width || b.y + b.height > layout.height);
    expect(outside).toEqual([]);
  });

  it('draws each edge from the bottom of its source to the top of its target', () => {
    const layout = quickLayout({
      nodes: [
        { id: 'a', width: 100, height: 30 },
        { id: 'b', width: 100, height: 30 },
      ],
      edges: [{ from: 'a', to: 'b' }],
      groups: [],
    });
    const [a, b] = [layout.nodes['a']!, layout.nodes['b']!];
    expect(layout.edges[0]!.points).toEqual([
      { x: a.x + 50, y: a.y + 30 },
      { x: b.x + 50, y: b.y },
    ]);
  });

  it('boxes a composite around all its members, inside the drawing', () => {
    const layout = quickLayout({
      nodes: [
        { id: 'a', width: 100, height: 30, parent: 'etl' },
        { id: 'b', width: 100, height: 30, parent: 'etl' },
        { id: 'c', width: 100, height: 30 },
      ],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
      ],
      groups: [{ id: 'etl' }],
    });
    const group = layout.groups['etl']!;
    for (const id of ['a', 'b']) {
      const box = layout.nodes[id]!;
      expect(box.x).toBeGreaterThan(group.x);
      expect(box.y).toBeGreaterThan(group.y);
      expect(box.x + box.width).toBeLessThan(group.x + group.width);
      expect(box.y + box.height).toBeLessThan(group.y + group.height);
    }
    expect(group.x).toBeGreaterThanOrEqual(0);
    expect(group.y).toBeGreaterThanOrEqual(0);
  });

  it('lays out 10,000 nodes (past dagre’s limit) in one pass', () => {
    const n = 10_000;
    const layout = quickLayout({
      nodes: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, width: 140, height: 36 })),
      edges: Array.from({ length: n - 1 }, (_, i) => ({ from: `s${Math.floor(i / 4)}`, to: `s${i + 1}` })),
      groups: [],
    });
    expect(Object.keys(layout.nodes)).toHaveLength(n);
  });
});
