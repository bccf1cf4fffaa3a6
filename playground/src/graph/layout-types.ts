/** What a layout engine is given and gives back; plain data, so it crosses to the worker. */

export interface LayoutRequest {
  readonly nodes: readonly { readonly id: string; readonly width: number; readonly height: number; readonly parent?: string }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  /**
   * Composite groups, drawn as boxes around their members, outer ones first; `parent` is the
   * group this one is inside (a composite nested in a composite).
   */
  readonly groups: readonly LayoutGroup[];
}

/** A group of a layout request: nodes name it as `parent`, nested groups too. */
export interface LayoutGroup {
  readonly id: string;
  readonly parent?: string;
}

/** A box by its top-left corner. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: Readonly<Record<string, Box>>;
  readonly edges: readonly { readonly from: string; readonly to: string; readonly points: readonly Point[] }[];
  readonly groups: Readonly<Record<string, Box>>;
  /** `quick`: the instant layered layout drawn first; `dagre`: the worker's final one. */
  readonly engine: 'quick' | 'dagre';
}

/**
 * The request for a graph model: nodes with their innermost composite as parent, and the
 * composites holding at least one solid (at any depth), each with the composite it is in.
 */
export function layoutRequestOf(model: {
  readonly nodes: readonly {
    readonly name: string;
    readonly width: number;
    readonly height: number;
    readonly solid: { readonly composite?: string | undefined };
  }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  readonly composites: ReadonlyMap<string, { readonly parent: string | undefined; readonly solids: readonly string[] }>;
}): LayoutRequest {
  // A composite invoking no solid has nothing to box (and dagre draws an empty group as a dot).
  const occupied = new Set<string>();
  for (const [name, composite] of model.composites) {
    if (composite.solids.length === 0) continue;
    for (let at: string | undefined = name; at !== undefined && !occupied.has(at); at = model.composites.get(at)?.parent) occupied.add(at);
  }
  return {
    nodes: model.nodes.map((n) => ({
      id: n.name,
      width: n.width,
      height: n.height,
      ...(n.solid.composite && occupied.has(n.solid.composite) ? { parent: n.solid.composite } : {}),
    })),
    edges: model.edges.map((e) => ({ from: e.from, to: e.to })),
    groups: [...model.composites]
      .filter(([name]) => occupied.has(name))
      .map(([name, { parent }]) => (parent === undefined ? { id: name } : { id: name, parent })),
  };
}

/**
 * Padding of a composite's box around its members, and the band on top for its name (the
 * band is GROUP_PADDING + GROUP_LABEL tall: nothing inside the box is drawn over it).
 */
export const GROUP_PADDING = 14;
export const GROUP_LABEL = 20;

/**
 * Past this many nodes dagre would take minutes (about 1–2 s of CPU per 1,000 nodes, growing
 * faster than linearly), so the quick layout stays the final one.
 */
export const DAGRE_LIMIT = 1500;
