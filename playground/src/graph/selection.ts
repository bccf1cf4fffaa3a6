/**
 * The selection box: `*a+`-style clauses resolved with the library's own grammar
 * (lib/config/select.ts, the same code the CLI's `-s` and `run({ select })` use), so the
 * graph highlights exactly what a launch would run.
 */
import { selectSolids } from '../../../lib/config/select.ts';
import type { GraphModel } from './graph-model.ts';

export interface SelectionResult {
  /** The selected solids; `undefined` when everything is selected (blank or `*`). */
  readonly selected: ReadonlySet<string> | undefined;
  /** Why the query selects nothing (malformed, or naming no solid). */
  readonly error: string | undefined;
}

/**
 * Resolves a selection query against a graph. `*` alone, like a blank query, selects all
 * (Dagit shows `*` for "no selection").
 *
 * @example
 * resolveSelection(model, '*generate_table_1').selected; // Set { 'create_table_0', 'generate_table_1' }
 */
export function resolveSelection(model: GraphModel, query: string): SelectionResult {
  if (isSelectAll(query)) return { selected: undefined, error: undefined };
  try {
    return { selected: selectSolids(model.selectable, query), error: undefined };
  } catch (error) {
    return { selected: new Set(), error: error instanceof Error ? error.message : String(error) };
  }
}

/** True for a query that selects the whole pipeline: blank, or only `*`. */
export function isSelectAll(query: string): boolean {
  const trimmed = query.trim();
  return trimmed === '' || trimmed === '*';
}
