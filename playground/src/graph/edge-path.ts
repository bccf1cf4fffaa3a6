/** SVG paths for edges: smooth through dagre's routed points, an S-curve for the quick layout's two. */
import type { Point } from './layout-types.ts';

/**
 * The `d` of an edge through `points`.
 *
 * @example
 * edgePath([{ x: 0, y: 0 }, { x: 0, y: 100 }]); // 'M0,0C0,50 0,50 0,100'
 */
export function edgePath(points: readonly Point[]): string {
  if (points.length < 2) return '';
  const r = (n: number) => Math.round(n * 10) / 10;
  const [first, ...rest] = points as [Point, ...Point[]];
  if (rest.length === 1) {
    const last = rest[0]!;
    const mid = (first.y + last.y) / 2;
    return `M${r(first.x)},${r(first.y)}C${r(first.x)},${r(mid)} ${r(last.x)},${r(mid)} ${r(last.x)},${r(last.y)}`;
  }
  let d = `M${r(first.x)},${r(first.y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const next = points[i + 1]!;
    const end = i === points.length - 2 ? next : { x: (p.x + next.x) / 2, y: (p.y + next.y) / 2 };
    d += `Q${r(p.x)},${r(p.y)} ${r(end.x)},${r(end.y)}`;
  }
  return d;
}
