import type { Pipeline } from '../define/pipeline.ts';
import type { RunState } from '../events/run-state.ts';
import { selectSolids } from '../config/select.ts';

/**
 * Why a run that ended without running any step ran none, for the CLI's summaries; or
 * `undefined` when a step ran (or the run has not ended, or succeeded). A resource that
 * failed to initialise is the usual reason: as in Dagster, the run then fails before its
 * first step, so there are no step events at all — not even `STEP_SKIPPED`.
 *
 * @example
 * noStepRan(state); // { resources: ['database'] } after database's init threw
 */
export function noStepRan(state: RunState): { readonly resources: readonly string[] } | undefined {
  if ((state.status !== 'FAILURE' && state.status !== 'CANCELED') || state.stepOrder.length > 0) return undefined;
  return { resources: Object.keys(state.resources).filter((key) => state.resources[key] === 'FAILED') };
}

/** `resource "database" failed to initialise`, or `undefined` when no resource failed. */
export function resourcesFailedText(resources: readonly string[]): string | undefined {
  if (resources.length === 0) return undefined;
  const names = resources.map((key) => `"${key}"`).join(', ');
  return `resource${resources.length === 1 ? '' : 's'} ${names} failed to initialise`;
}

/**
 * The invocations a run was to execute (its selection, `RUN_START.select`) that got no
 * step at all, in run order: every one after a resource init failure, those never
 * reached in a canceled run.
 *
 * @example
 * solidsNotRun(queryPipeline, state, undefined); // ['create_table_0', 'generate_table_1', …]
 */
export function solidsNotRun(pipeline: Pipeline, state: RunState, select: string | undefined): string[] {
  const ran = new Set(Object.values(state.steps).map((step) => step.solid));
  let selected: ReadonlySet<string> | undefined;
  try {
    selected = selectSolids(pipeline, select);
  } catch {
    return []; // the run validated its selection; a summary is no place to fail
  }
  return pipeline.nodes.map((node) => node.name).filter((name) => (selected === undefined || selected.has(name)) && !ran.has(name));
}
