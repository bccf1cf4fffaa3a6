import { Observable, type OperatorFunction } from 'rxjs';
import { ModeflowError } from '../lib/errors.ts';
import type { RunEvent } from '../lib/events/events.ts';
import { originalOf } from '../lib/events/json-safe.ts';
import type { HasResult, OutputsOf, ResultOf, SolidOrComposite } from '../lib/events/result.ts';
import { isSolid } from '../lib/define/solid.ts';
import { isComposite } from '../lib/define/composite.ts';
import { compositeOutputs } from '../lib/define/composite-outputs.ts';
import type { AnySolid } from '../lib/define/solid-types.ts';
import type { AnyComposite } from '../lib/define/composite-types.ts';

/**
 * The values of one solid's output, out of a run's events: each step's values are emitted,
 * in order, when that step succeeds, so values of an attempt that failed (and was retried)
 * or of a step that failed never appear. Given the solid's definition (or its `.alias()`),
 * the values are typed; given a name, it is the invocation name (`double_2`, `outer.inner`
 * inside composites). A fanned solid's steps (`double[0]`, `double[1]`, …) each emit as they
 * succeed. The values are those the solid emitted (not the JSON-safe copies events show).
 *
 * Given a composite's definition (or its `.alias()`), its invocation of that name: an output
 * emits the values of the inner solid output it comes from, as they come; an output made
 * with `.collect()` emits its one array when the run ends. A name given as a string cannot
 * be mapped so (the operator sees events, not the pipeline): a composite's name errors the
 * stream, saying to pass its definition.
 *
 * @example
 * run(numbersPipeline).pipe(outputs(double)).subscribe((n) => console.log(n)); // n: number
 * run(numbersPipeline).pipe(outputs(split, 'even'));
 * run(etlPipeline).pipe(outputs(cleanAndLoad, 'rows')); // a composite's output
 *
 * @throws {ModeflowError} (at once) when the definition declares no such output, or for
 *   what is neither a definition nor a name; (as the stream's error) when a run's events show
 *   the name is a composite's, or, in a run of every solid that succeeded, no solid of it
 */
export function outputs<S extends SolidOrComposite, K extends keyof OutputsOf<S> & string>(
  solid: S,
  output: K,
): OperatorFunction<RunEvent, OutputsOf<S>[K]>;
export function outputs<S extends SolidOrComposite>(solid: S & HasResult<S>): OperatorFunction<RunEvent, ResultOf<S>>;
export function outputs(solid: string, output?: string): OperatorFunction<RunEvent, unknown>;
export function outputs(which: string | SolidOrComposite, output = 'result'): OperatorFunction<RunEvent, unknown> {
  const target = targetOf(which, output);
  return (source) =>
    new Observable<unknown>((subscriber) => {
      // Per step (of each run): the values of its current attempt, held until it succeeds.
      const pending = new Map<string, { attempt: number; values: unknown[] }>();
      // Per run: what tells a wrong name apart from a solid that gave nothing.
      const runs = new Map<string, RunWatch>();
      const inside = `${target.asked}.`;
      const fail = (error: ModeflowError) => subscriber.error(error);
      return source.subscribe({
        next: (event) => {
          let watch = runs.get(event.runId);
          if (event.type === 'RUN_START') {
            runs.set(event.runId, (watch = { everySolid: event.select === undefined, seen: false, collected: [] }));
            return;
          }
          if (!('solid' in event) || event.solid === undefined) {
            if (event.type === 'RUN_SUCCESS' || event.type === 'RUN_FAILURE' || event.type === 'RUN_CANCELED') {
              runs.delete(event.runId);
              if (!watch) return;
              if (!watch.seen && watch.everySolid && event.type === 'RUN_SUCCESS') return fail(noSuchSolid(target, event));
              if (target.collected && watch.seen) subscriber.next(watch.collected);
            }
            return;
          }
          if (event.solid !== target.solid) {
            // The name given is a composite's: its solids are `<name>.<inner>`.
            if (target.composite === undefined && event.solid.startsWith(inside)) fail(compositeByName(target, event, event.solid));
            return;
          }
          if (watch) watch.seen = true;
          switch (event.type) {
            case 'STEP_OUTPUT': {
              if (event.output !== target.output) return;
              const key = `${event.runId}\0${event.stepKey}`;
              const held = pending.get(key);
              const value = originalOf(event, event.value);
              if (held && held.attempt === event.attempt) held.values.push(value);
              else pending.set(key, { attempt: event.attempt, values: [value] });
              return;
            }
            case 'STEP_SUCCESS': {
              const key = `${event.runId}\0${event.stepKey}`;
              const held = pending.get(key);
              if (!held) return;
              pending.delete(key);
              if (held.attempt !== event.attempt) return;
              if (target.collected) watch?.collected.push(...held.values);
              else for (const value of held.values) subscriber.next(value);
              return;
            }
            case 'STEP_RETRY':
            case 'STEP_FAILURE':
              pending.delete(`${event.runId}\0${event.stepKey}`);
              return;
            default:
              return;
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}

/** What one run has shown so far. */
interface RunWatch {
  /** No selection: every solid of the pipeline has a step that runs or is skipped. */
  readonly everySolid: boolean;
  /** An event of the followed solid came. */
  seen: boolean;
  /** A collected output's values, emitted together when the run ends. */
  readonly collected: unknown[];
}

/** The solid output followed. */
interface Target {
  /** The invocation asked for: a solid's, or a composite's. */
  readonly asked: string;
  /** The solid whose output is followed (inside a composite: the one its output comes from). */
  readonly solid: string;
  readonly output: string;
  /** A composite output made with `.collect()`: one array of every value. */
  readonly collected: boolean;
  /** The composite asked for, and its output. */
  readonly composite: { readonly name: string; readonly output: string } | undefined;
}

function targetOf(which: unknown, output: string): Target {
  if (isComposite(which)) return compositeTarget(which, output);
  if (isSolid(which)) {
    const solid = which as AnySolid;
    if (!Object.hasOwn(solid.outputs, output)) {
      throw new ModeflowError(
        `outputs(): solid "${solid.name}" has no output "${output}"; its outputs are: ${Object.keys(solid.outputs).join(', ')}`,
      );
    }
    return { asked: solid.invocationName, solid: solid.invocationName, output, collected: false, composite: undefined };
  }
  if (typeof which !== 'string') {
    throw new ModeflowError(
      `outputs() takes a solid or composite definition, or an invocation name, got ${which === null ? 'null' : typeof which}`,
    );
  }
  return { asked: which, solid: which, output, collected: false, composite: undefined };
}

/** A composite's output: the inner solid output it comes from, found from the definition. */
function compositeTarget(composite: AnyComposite, output: string): Target {
  const name = composite.invocationName;
  const wires = compositeOutputs(composite);
  const wire = Object.hasOwn(wires, output) ? wires[output]! : undefined;
  if (!wire) {
    const names = Object.keys(wires);
    throw new ModeflowError(`outputs(): composite "${name}" has no output "${output}"; its outputs are: ${names.join(', ') || '(none)'}`);
  }
  // An output passed straight through from an unwired input is made by no step: it has no values (as in RunResult).
  return { asked: name, solid: wire.node, output: wire.output, collected: wire.collected, composite: { name, output } };
}

function compositeByName(target: Target, event: RunEvent, solid: string): ModeflowError {
  return new ModeflowError(
    `outputs("${target.asked}"): in run ${event.runId} of pipeline "${event.pipelineName}", "${target.asked}" is a composite ` +
      `(its solid "${solid}" ran), not a solid; a name is looked up among the run's solids, and the operator has no ` +
      `pipeline to map a composite's outputs, so pass the composite's definition (its .alias("${target.asked}") if aliased), ` +
      `or the dotted name of the inner solid whose output you want`,
  );
}

function noSuchSolid(target: Target, event: RunEvent): ModeflowError {
  const what = target.composite
    ? `composite "${target.composite.name}" (its output "${target.composite.output}" comes from solid "${target.solid}")`
    : `solid "${target.asked}"`;
  return new ModeflowError(
    `outputs(): run ${event.runId} of pipeline "${event.pipelineName}" ran every solid and none is ${what}: no step of it ` +
      `ran or was skipped; check the invocation name (an alias, "<name>_2" for a second use, "outer.inner" inside composites)`,
  );
}
