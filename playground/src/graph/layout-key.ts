/** The key under which the page keeps a finished layout (pure, so it is tested in Node). */
import type { LayoutRequest } from './layout-types.ts';

/**
 * A key naming a graph's shape: same nodes, sizes, edges and groups (with their parents) →
 * same layout.
 *
 * @example
 * layoutKey({ nodes: [], edges: [], groups: [{ id: 'etl' }] }); // '0|0|etl<;|'
 */
export function layoutKey(request: LayoutRequest): string {
  let key = `${request.nodes.length}|${request.edges.length}|`;
  for (const g of request.groups) key += `${g.id}<${g.parent ?? ''};`;
  key += '|';
  for (const n of request.nodes) key += `${n.id}:${n.width}x${n.height}:${n.parent ?? ''};`;
  for (const e of request.edges) key += `${e.from}>${e.to};`;
  return key;
}
