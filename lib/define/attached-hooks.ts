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

interface Shared {
  /** The pipeline's and the mode's hooks that watch every step. */
  readonly steps: readonly AnyHook[];
  /** The pipeline's and the mode's hooks that watch the run. */
  readonly run: readonly AnyHook[];
}

const shared = new WeakMap<Pipeline, WeakMap<Mode, Shared>>();

function sharedHooks(pipeline: Pipeline, mode: Mode): Shared {
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

/** The step hooks that watch invocation `node` in `mode` (the shared empty list when none). */
export function stepHooksOf(pipeline: Pipeline, mode: Mode, node: GraphNode): readonly AnyHook[] {
  const steps = sharedHooks(pipeline, mode).steps;
  if (node.hooks.length === 0) return steps.length === 0 ? NO_HOOKS : steps;
  return unionHooks(node.hooks, steps);
}

/** The hooks that watch the run as a whole in `mode`. */
export function runHooksOf(pipeline: Pipeline, mode: Mode): readonly AnyHook[] {
  return sharedHooks(pipeline, mode).run;
}

/**
 * The resource keys the hooks of a run need when `selection` (undefined: all) runs in
 * `mode`: those of the run hooks and of each selected step's hooks, in that order.
 */
export function hookResourceKeys(pipeline: Pipeline, mode: Mode, selection: ReadonlySet<string> | undefined): string[] {
  const keys = new Set<string>();
  for (const h of runHooksOf(pipeline, mode)) for (const key of h.resources) keys.add(key);
  const { steps } = sharedHooks(pipeline, mode);
  const anySelected = pipeline.nodes.length > 0 && (!selection || selection.size > 0);
  if (anySelected) for (const h of steps) for (const key of h.resources) keys.add(key);
  for (const node of pipeline.nodes) {
    if (node.hooks.length === 0 || (selection && !selection.has(node.name))) continue;
    for (const h of node.hooks) for (const key of h.resources) keys.add(key);
  }
  return [...keys];
}
