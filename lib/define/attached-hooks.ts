/**
 * Which hooks watch what in a run of a pipeline in one mode: a step's hooks are its
 * invocation's own (`withHooks`, and its composites'), the pipeline's and the mode's step
 * hooks; the run's are the pipeline's and the mode's run hooks. A hook attached several
 * ways appears once.
 */
import type { GraphNode } from './graph.ts';
import { NO_HOOKS, unionHooks, type AnyHook } from './hook.ts';
import type { Mode } from './mode.ts';
import type { Pipeline } from './pipeline.ts';

/** The hooks a pipeline and one of its modes attach to every step, and to the run. */
export interface SharedHooks {
  /** The pipeline's and the mode's hooks that watch every step. */
  readonly steps: readonly AnyHook[];
  /** The pipeline's and the mode's hooks that watch the run. */
  readonly run: readonly AnyHook[];
}

const shared = new WeakMap<Pipeline, WeakMap<Mode, SharedHooks>>();

/** The pipeline's and the mode's step hooks and run hooks, each once (computed once per pipeline and mode). */
export function sharedHooks(pipeline: Pipeline, mode: Mode): SharedHooks {
  let byMode = shared.get(pipeline);
  if (!byMode) shared.set(pipeline, (byMode = new WeakMap()));
  let found = byMode.get(mode);
  if (!found) {
    const all = unionHooks(pipeline.hooks, mode.hooks);
    found = { steps: all.filter((h) => h.onSteps), run: all.filter((h) => h.onRun) };
    byMode.set(mode, found);
  }
  return found;
}

/**
 * The step hooks that watch invocation `node`: its own and `shared` ones (`sharedHooks(…).steps`);
 * the shared empty list when none.
 */
export function stepHooksOf(node: GraphNode, steps: readonly AnyHook[]): readonly AnyHook[] {
  if (node.hooks.length === 0) return steps.length === 0 ? NO_HOOKS : steps;
  return unionHooks(node.hooks, steps);
}

/**
 * The resource keys the hooks of a run need when `selection` (undefined: all) runs in
 * `mode`: those of the run hooks and of each selected step's hooks, in that order.
 */
export function hookResourceKeys(pipeline: Pipeline, mode: Mode, selection: ReadonlySet<string> | undefined): string[] {
  const keys = new Set<string>();
  const { steps, run } = sharedHooks(pipeline, mode);
  for (const h of run) for (const key of h.resources) keys.add(key);
  const anySelected = pipeline.nodes.length > 0 && (!selection || selection.size > 0);
  if (anySelected) for (const h of steps) for (const key of h.resources) keys.add(key);
  for (const node of pipeline.nodes) {
    if (node.hooks.length === 0 || (selection && !selection.has(node.name))) continue;
    for (const h of node.hooks) for (const key of h.resources) keys.add(key);
  }
  return [...keys];
}
