/**
 * Composites nested in composites, in both layouts (the quick one drawn at once, dagre's
 * from the worker): each box holds its members below its name band, boxes nest, and no box
 * overlaps a sibling box or a solid it does not hold.
 */
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { dagreLayout } from '../../../playground/src/graph/dagre-layout.ts';
import { quickLayout } from '../../../playground/src/graph/quick-layout.ts';
import {
  GROUP_LABEL,
  GROUP_PADDING,
  layoutRequestOf,
  type Box,
  type GraphLayout,
  type LayoutRequest,
} from '../../../playground/src/graph/layout-types.ts';

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** Room a box leaves around what it holds: its name band on top, a visible gap on the other sides. */
const SIDE = 8;
const holds = (group: Box, box: Box) =>
  box.x >= group.x + SIDE &&
  box.x + box.width <= group.x + group.width - SIDE &&
  box.y >= group.y + GROUP_PADDING + GROUP_LABEL &&
  box.y + box.height <= group.y + group.height - SIDE;

/**
 * Pipelines shaped as composites make them: a token list read left to right opens a
 * composite (inside the open one, three deep at most), adds a solid to the open one, or closes
 * it; solids are wired only to earlier ones, so a composite is a contiguous run fed from
 * before it and read after it. The request is built as the page builds it (layoutRequestOf),
 * which leaves out composites without solids.
 */
const nestedGraphs = (maxTokens: number) =>
  fc
    .tuple(
      fc.array(fc.constantFrom('open', 'solid', 'solid', 'solid', 'close'), { minLength: 1, maxLength: maxTokens, size: 'max' }),
      fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: maxTokens * 2, size: 'max' }),
      fc.array(fc.boolean(), { minLength: maxTokens, maxLength: maxTokens }),
    )
    .map(([tokens, pairs, tall]): LayoutRequest => {
      const composites = new Map<string, { parent: string | undefined; solids: string[] }>();
      const open: string[] = [];
      const nodes: { name: string; width: number; height: number; solid: { composite?: string | undefined } }[] = [];
      for (const token of tokens) {
        if (token === 'open' && open.length < 3) {
          const name = [...open.slice(-1), `c${composites.size}`].join('.');
          composites.set(name, { parent: open.at(-1), solids: [] });
          open.push(name);
        } else if (token === 'close') open.pop();
        else {
          const composite = open.at(-1);
          const name = `${composite ? `${composite}.` : ''}s${nodes.length}`;
          nodes.push({
            name,
            width: 128 + ((nodes.length * 37) % 90),
            height: tall[nodes.length % tall.length] ? 50 : 36,
            solid: { composite },
          });
          if (composite) composites.get(composite)!.solids.push(name);
        }
      }
      const edges =
        nodes.length < 2
          ? []
          : pairs
              .map(([a, b]) => [a % nodes.length, b % nodes.length] as const)
              .filter(([a, b]) => a < b)
              .map(([a, b]) => ({ from: nodes[a]!.name, to: nodes[b]!.name }));
      const unique = [...new Map(edges.map((e) => [`${e.from}>${e.to}`, e])).values()];
      return layoutRequestOf({ nodes, edges: unique, composites });
    });

/** Every way the boxes of a layout break nesting, as readable strings (empty when none). */
function nestingFaults(request: LayoutRequest, layout: GraphLayout): string[] {
  const faults: string[] = [];
  const parentOf = new Map(request.groups.map((g) => [g.id, g.parent]));
  const ancestors = (group: string | undefined) => {
    const chain: string[] = [];
    for (let at = group; at !== undefined; at = parentOf.get(at)) chain.push(at);
    return chain;
  };
  for (const group of request.groups) {
    const box = layout.groups[group.id];
    if (!box) {
      faults.push(`${group.id} has no box`);
      continue;
    }
    if (group.parent !== undefined && !holds(layout.groups[group.parent]!, box)) faults.push(`${group.parent} does not hold ${group.id}`);
  }
  for (const node of request.nodes) {
    const box = layout.nodes[node.id]!;
    const mine = new Set(ancestors(node.parent));
    for (const group of request.groups) {
      const groupBox = layout.groups[group.id]!;
      if (mine.has(group.id) ? !holds(groupBox, box) : overlaps(groupBox, box))
        faults.push(`${node.id} ${mine.has(group.id) ? 'outside' : 'overlaps'} ${group.id}`);
    }
  }
  for (let i = 0; i < request.groups.length; i++)
    for (let j = i + 1; j < request.groups.length; j++) {
      const [a, b] = [request.groups[i]!.id, request.groups[j]!.id];
      const related = ancestors(a).includes(b) || ancestors(b).includes(a);
      if (!related && overlaps(layout.groups[a]!, layout.groups[b]!)) faults.push(`${a} overlaps ${b}`);
    }
  const all = [...Object.values(layout.nodes), ...Object.values(layout.groups)];
  if (all.some((b) => b.x < 0 || b.y < 0 || b.x + b.width > layout.width || b.y + b.height > layout.height))
    faults.push('a box outside the drawing');
  return faults;
}

function nodeClashes(request: LayoutRequest, layout: GraphLayout): string[] {
  const clashes: string[] = [];
  for (let i = 0; i < request.nodes.length; i++)
    for (let j = i + 1; j < request.nodes.length; j++) {
      const [a, b] = [request.nodes[i]!.id, request.nodes[j]!.id];
      if (overlaps(layout.nodes[a]!, layout.nodes[b]!)) clashes.push(`${a}/${b}`);
    }
  return clashes;
}

describe('nested composites in the quick layout', () => {
  test.prop([nestedGraphs(60)], { numRuns: 150 })(
    'boxes nest, hold their solids below their name, and overlap no sibling and no solid they do not hold',
    (request) => {
      const layout = quickLayout(request);
      expect(nestingFaults(request, layout)).toEqual([]);
      expect(nodeClashes(request, layout)).toEqual([]);
      const upward = request.edges.filter((e) => layout.nodes[e.to]!.y < layout.nodes[e.from]!.y + layout.nodes[e.from]!.height);
      expect(upward).toEqual([]);
    },
  );
});

describe('nested composites in dagre’s layout', () => {
  test.prop([nestedGraphs(24)], { numRuns: 40 })(
    'boxes nest, hold their solids below their name, and overlap no sibling and no solid they do not hold',
    (request) => {
      const layout = dagreLayout(request);
      expect(nestingFaults(request, layout)).toEqual([]);
      expect(nodeClashes(request, layout)).toEqual([]);
      expect(layout.edges).toHaveLength(request.edges.length);
    },
  );
});
