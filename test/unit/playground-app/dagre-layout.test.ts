import { describe, expect, it } from 'vitest';
import { dagreLayout } from '../../../playground/src/graph/dagre-layout.ts';
import type { Box, LayoutRequest } from '../../../playground/src/graph/layout-types.ts';

const inside = (box: Box, group: Box) =>
  box.x > group.x && box.y > group.y && box.x + box.width < group.x + group.width && box.y + box.height < group.y + group.height;
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

// What the layout worker computes: extract → (composite etl: clean → join) → report.
const request: LayoutRequest = {
  nodes: [
    { id: 'extract', width: 140, height: 36 },
    { id: 'clean', width: 140, height: 36, parent: 'etl' },
    { id: 'join', width: 140, height: 36, parent: 'etl' },
    { id: 'other', width: 140, height: 36 },
    { id: 'report', width: 160, height: 50 },
  ],
  edges: [
    { from: 'extract', to: 'clean' },
    { from: 'clean', to: 'join' },
    { from: 'other', to: 'join' },
    { from: 'join', to: 'report' },
  ],
  groups: [{ id: 'etl' }],
};

describe('dagre’s layout (the layout worker’s)', () => {
  it('keeps each node’s size, puts no two nodes on each other, and each below what feeds it', () => {
    const layout = dagreLayout(request);
    expect(layout.engine).toBe('dagre');
    for (const node of request.nodes) expect(layout.nodes[node.id]).toMatchObject({ width: node.width, height: node.height });
    const boxes = Object.values(layout.nodes);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!)).toBe(false);
    for (const edge of request.edges) expect(layout.nodes[edge.to]!.y).toBeGreaterThan(layout.nodes[edge.from]!.y);
  });

  it('draws a composite as a box around its solids and no other', () => {
    const layout = dagreLayout(request);
    const group = layout.groups['etl']!;
    expect(inside(layout.nodes['clean']!, group)).toBe(true);
    expect(inside(layout.nodes['join']!, group)).toBe(true);
    for (const outside of ['extract', 'other', 'report']) expect(overlaps(layout.nodes[outside]!, group)).toBe(false);
  });

  it('routes every edge from its source to its target', () => {
    const layout = dagreLayout(request);
    expect(layout.edges).toHaveLength(request.edges.length);
    for (const edge of layout.edges) {
      const [first, last] = [edge.points[0]!, edge.points[edge.points.length - 1]!];
      const from = layout.nodes[edge.from]!;
      const to = layout.nodes[edge.to]!;
      expect(first.y).toBeGreaterThanOrEqual(from.y + from.height / 2);
      expect(last.y).toBeLessThanOrEqual(to.y + to.height / 2);
    }
  });
});
