import { listNames } from '../define/definition.ts';
import { InvalidSubsetError } from '../errors.ts';

const CLAUSE = /^(\*|\++)?([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)(\*|\++)?$/;
const GRAMMAR =
  'a selection is comma-separated clauses, each "name", "*name" (with all ancestors), "name*" ' +
  '(with all descendants), "*name*" (both), or "+name" / "name+" (one level up / down per "+"); ' +
  'a name inside a composite is dotted ("outer.inner"), and a composite\'s name selects all of it';

/**
 * What a selection is resolved against: the invocations and their wires. A
 * pipeline is one; so is the playground's graph as the browser app receives it,
 * which resolves selections with this same grammar.
 */
export interface SelectionGraph {
  readonly name: string;
  readonly nodes: readonly { readonly name: string; readonly inputs: Readonly<Record<string, { readonly node: string }>> }[];
  /** Composite invocations (dotted when nested): a composite's solids are the nodes named `<composite>.…`. */
  readonly composites?: readonly { readonly name: string }[];
}

/**
 * Resolves a solid selection (`select`, the CLI's `-s`) to the invocation names it picks,
 * in the pipeline's order; `undefined` (or a blank string) selects everything. A
 * composite's name stands for every solid inside it, and `*`/`+` walk across composite
 * boundaries (they follow the flattened wiring).
 *
 * @example
 * selectSolids(p, '*load,report+'); // load with its ancestors, report and its children
 * selectSolids(p, 'etl.clean+'); // solid clean inside composite etl, and what it feeds
 *
 * @throws {InvalidSubsetError} for a malformed clause, or one naming no invocation (the
 *   message lists the pipeline's solids)
 */
export function selectSolids(pipeline: SelectionGraph, select: string | undefined): ReadonlySet<string> | undefined {
  if (select === undefined) return undefined;
  const clauses = select
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (clauses.length === 0) return undefined;
  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>();
  for (const node of pipeline.nodes) {
    upstream.set(
      node.name,
      Object.values(node.inputs).map((w) => w.node),
    );
    for (const wire of Object.values(node.inputs)) downstream.get(wire.node)?.push(node.name);
    downstream.set(node.name, []);
  }
  const picked = new Set<string>();
  for (const clause of clauses) {
    const match = CLAUSE.exec(clause);
    if (!match) throw new InvalidSubsetError(`selection clause "${clause}" of "${select}" is malformed; ${GRAMMAR}`);
    const [, up, name, down] = match as unknown as [string, string | undefined, string, string | undefined];
    const group = upstream.has(name) ? undefined : pipeline.composites?.find((c) => c.name === name);
    if (!upstream.has(name) && !group) {
      const composites = (pipeline.composites ?? []).map((c) => c.name);
      throw new InvalidSubsetError(
        `selection clause "${clause}" matches no solid of pipeline "${pipeline.name}"; ` +
          `its solids are: ${listNames(pipeline.nodes.map((n) => n.name))}` +
          (composites.length ? `; its composites: ${listNames(composites)}` : ''),
      );
    }
    const starts = group ? pipeline.nodes.filter((n) => n.name.startsWith(`${name}.`)).map((n) => n.name) : [name];
    if (starts.length === 0) throw new InvalidSubsetError(`selection clause "${clause}" names composite "${name}", which invokes no solid`);
    for (const start of starts) picked.add(start);
    walk(starts, depth(up), upstream, picked);
    walk(starts, depth(down), downstream, picked);
  }
  return new Set(pipeline.nodes.filter((n) => picked.has(n.name)).map((n) => n.name));
}

/** `*` is unbounded, each `+` one level, nothing zero levels. */
function depth(marks: string | undefined): number {
  if (marks === undefined) return 0;
  return marks === '*' ? Infinity : marks.length;
}

function walk(starts: readonly string[], levels: number, edges: ReadonlyMap<string, readonly string[]>, into: Set<string>): void {
  const seen = new Set(starts);
  let frontier = [...starts];
  for (let level = 0; level < levels && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const name of frontier) {
      for (const neighbour of edges.get(name) ?? []) {
        if (seen.has(neighbour)) continue;
        seen.add(neighbour);
        into.add(neighbour);
        next.push(neighbour);
      }
    }
    frontier = next;
  }
}

/**
 * True when `input` of `node` takes its value from run config: it is not wired, or wired
 * to a solid outside the selection.
 *
 * @example
 * isInputUnconnected(p.node('report')!, 'rows', new Set(['report'])); // true
 */
export function isInputUnconnected(
  node: SelectionGraph['nodes'][number],
  input: string,
  selection: ReadonlySet<string> | undefined,
): boolean {
  const wire = node.inputs[input];
  return wire === undefined || (selection !== undefined && !selection.has(wire.node));
}
