/** What a composite invocation did in a run: its solids' steps together, its outputs as mapped from theirs. */
import type { CompositeNode } from '../define/graph.ts';
import type { Pipeline } from '../define/pipeline.ts';
import type { RunEvent } from './events.ts';
import type { SerializedError } from '../errors.ts';
import type { RunState, StepState } from './run-state.ts';

type Status = 'SUCCESS' | 'FAILURE' | 'SKIPPED' | 'CANCELED';

/** What this reads of the run's result (result.ts's `RunResult`; not imported, which would make a cycle). */
interface Folded {
  readonly status: 'SUCCESS' | 'FAILURE' | 'CANCELED';
  readonly events: readonly RunEvent[];
  solid(name: string): { readonly stepKeys: readonly string[]; readonly outputs: Readonly<Record<string, readonly unknown[]>> };
}

/** result.ts's `SolidResult`, for a composite. */
export interface CompositeSolidResult {
  readonly solid: string;
  readonly status: Status;
  readonly success: boolean;
  readonly skipped: boolean;
  readonly outputs: Readonly<Record<string, readonly unknown[]>>;
  output(name?: string): unknown;
  readonly events: readonly RunEvent[];
  readonly error: SerializedError | undefined;
  readonly stepKeys: readonly string[];
}
import { ModeflowError } from '../errors.ts';

/**
 * The `SolidResult` of composite invocation `group`: the status its solids' steps
 * add up to (as a fanned solid's do), every value of each of its outputs (those of the
 * inner output it maps), the events and step keys of its solids, and the first error.
 */
export function compositeResult(
  pipeline: Pipeline,
  group: CompositeNode,
  result: Folded,
  state: RunState,
  aggregate: (steps: readonly StepState[], runStatus: Folded['status']) => Status,
): CompositeSolidResult {
  const leaves = pipeline.nodes.slice(group.first, group.end).map((node) => result.solid(node.name));
  const stepKeys = leaves.flatMap((leaf) => leaf.stepKeys);
  const steps = stepKeys.map((key) => state.steps[key]!);
  const status = aggregate(steps, result.status);
  const outputs: Record<string, readonly unknown[]> = {};
  for (const [name, wire] of Object.entries(group.outputs)) {
    // An output passed straight through from an unwired input of the composite has no step: no values here.
    const values = wire.index < 0 ? [] : (result.solid(wire.node).outputs[wire.output] ?? []);
    outputs[name] = Object.freeze(wire.collected ? [values] : [...values]);
  }
  const inside = `${group.name}.`;
  const events: RunEvent[] = result.events.filter((e) => 'solid' in e && typeof e.solid === 'string' && e.solid.startsWith(inside));
  const failed = state.stepOrder.find((key) => stepKeys.includes(key) && state.steps[key]!.status === 'FAILURE');
  const canceled = state.stepOrder.find((key) => stepKeys.includes(key) && state.steps[key]!.status === 'CANCELED');
  const names = Object.keys(outputs);
  return Object.freeze({
    solid: group.name,
    status,
    success: status === 'SUCCESS',
    skipped: status === 'SKIPPED',
    outputs: Object.freeze(outputs),
    output(outputName = 'result') {
      if (!Object.hasOwn(outputs, outputName)) {
        throw new ModeflowError(
          `composite "${group.name}" has no output "${outputName}"; its outputs are: ${names.join(', ') || '(none)'}`,
        );
      }
      const values = outputs[outputName]!;
      return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
    },
    events: Object.freeze(events),
    error: (failed ?? canceled) === undefined ? undefined : state.steps[(failed ?? canceled)!]!.error,
    stepKeys: Object.freeze(stepKeys),
  });
}
