/** What a layout engine is given and gives back; plain data, so it crosses to the worker. */

export interface LayoutRequest {
  readonly nodes: readonly { readonly id: string; readonly width: number; readonly height: number; readonly parent?: string }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  /** Composite groups, drawn as boxes around their members. */
  readonly groups: readonly string[];
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

/** The request for a graph model (nodes with their composite as parent). */
export function layoutRequestOf(model: {
  readonly nodes: readonly {
    readonly name: string;
    readonly width: number;
    readonly height: number;
    readonly solid: { readonly composite?: string | undefined };
  }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  readonly composites: ReadonlyMap<string, readonly string[]>;
}): LayoutRequest {
  return {
    nodes: model.nodes.map((n) => ({
      id: n.name,
      width: n.width,
      height: n.height,
      ...(n.solid.composite ? { parent: n.solid.composite } : {}),
    })),
    edges: model.edges.map((e) => ({ from: e.from, to: e.to })),
    groups: [...model.composites.keys()],
  };
}

/** Padding of a composite's box around its members, and the band on top for its name. */
export const GROUP_PADDING = 14;
export const GROUP_LABEL = 20;

/**
 * Past this many nodes dagre would take minutes (about 1–2 s of CPU per 1,000 nodes, growing
 * faster than linearly), so the quick layout stays the final one.
 */
export const DAGRE_LIMIT = 1500;
