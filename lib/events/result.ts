import { originalOf } from './json-safe.ts';
import { ModeflowError } from '../errors.ts';
import type { SerializedError } from '../errors.ts';
import type { RunEvent, StepOutputEvent } from './events.ts';
import type { Pipeline } from '../define/pipeline.ts';
import type { AnySolid, Solid } from '../define/solid-types.ts';
import type { AnyComposite, Composite } from '../define/composite-types.ts';
import { isComposite } from '../define/composite.ts';
import { applyEvent, initialRunState, type RunState, type StepState } from './run-state.ts';
import { compositeResult } from './composite-result.ts';

/** `unknown` for a solid definition with an output `result`; `never` (so that no value fits) for one without. */
export type HasResult<S> = 'result' extends keyof OutputsOf<S> ? unknown : never;

/** How a solid (all of its steps) ended. */
export type SolidStatus = 'SUCCESS' | 'FAILURE' | 'SKIPPED' | 'CANCELED';

/**
 * The output values of solid or composite definition `S`, keyed by output name
 * (`{ result: T }` for one output; a composite's are those of the handles its graph returns).
 */
export type OutputsOf<S> =
  S extends Solid<any, infer O, any, any> ? O : S extends Composite<any, infer R, any> ? CompositeOutputs<R> : Record<string, unknown>;

/** The value type a handle carries (a collected one: the array). */
type HandleValue<W> = W extends { readonly __value?: infer T } ? T : unknown;

/** What a composite invocation gives (`R`: a handle, an object of handles, or nothing) as output values by name. */
type CompositeOutputs<R> = [R] extends [void]
  ? {}
  : R extends { readonly collected: boolean }
    ? { result: HandleValue<R> }
    : { [K in keyof R & string]: HandleValue<R[K]> };

/** A solid definition, or a composite one: what `RunResult.solid()`/`output()` take besides a name. */
export type SolidOrComposite = AnySolid | AnyComposite;

/**
 * The value of output `result` of solid definition `S` (`never` for a solid without one:
 * name the output).
 */
export type ResultOf<S> = 'result' extends keyof OutputsOf<S> ? OutputsOf<S>['result'] : never;

/**
 * What one solid did in a run; a fanned-out solid aggregates its mapped steps. `O` types
 * its outputs when it comes from the solid's definition (`result.solid(double)`).
 */
export interface SolidResult<O extends Record<string, unknown> = Record<string, unknown>> {
  readonly solid: string;
  readonly status: SolidStatus;
  readonly success: boolean;
  readonly skipped: boolean;
  /** Every value of every output, in emission order (mapped steps in index order). */
  readonly outputs: { readonly [K in keyof O]: readonly O[K][] };
  /**
   * The only value of output `result`: `undefined` if none, the array if several (a
   * fanned-out solid: read `outputs.result` for every value, typed as an array).
   */
  output(): ('result' extends keyof O ? O['result'] : never) | undefined;
  /** The only value of output `name`; `undefined` if none, the array if several. */
  output<K extends keyof O & string>(name: K): O[K] | undefined;
  /** The events of this solid's steps. */
  readonly events: readonly RunEvent[];
  /** The error of its first failed step. */
  readonly error: SerializedError | undefined;
  /** Step keys, in index order. */
  readonly stepKeys: readonly string[];
}

/** The outcome of a run, folded from its events. */
export interface RunResult {
  readonly runId: string;
  readonly pipelineName: string;
  readonly mode: string;
  readonly status: 'SUCCESS' | 'FAILURE' | 'CANCELED';
  readonly success: boolean;
  readonly events: readonly RunEvent[];
  /** The run state the events add up to. */
  readonly state: RunState;
  /**
   * What a solid did, by its definition (or `.alias()`), typed by its outputs:
   * `result.solid(double).outputs.result` is `readonly number[]`. A composite's definition
   * gives its invocation of that name (as `solid('<name>')` does), typed by the handles its
   * graph returns.
   * @throws {ModeflowError} when the pipeline's invocation of that name is another definition
   */
  solid<S extends SolidOrComposite>(solid: S): SolidResult<OutputsOf<S>>;
  /**
   * What invocation `name` did (dotted inside composites: `outer.inner`); a composite's
   * name gives its solids' steps together and its outputs. @throws {ModeflowError} for a
   * name that is no invocation of the pipeline
   */
  solid(name: string): SolidResult;
  /**
   * The only value of output `result` of a solid, by its definition, typed:
   * `result.output(double)` is `number | undefined` (the array if it gave several).
   */
  output<S extends SolidOrComposite>(solid: S & HasResult<S>): ResultOf<S> | undefined;
  /** The only value of output `outputName` of a solid (or composite), by its definition, typed. */
  output<S extends SolidOrComposite, K extends keyof OutputsOf<S> & string>(solid: S, outputName: K): OutputsOf<S>[K] | undefined;
  /** `solid(solidName).output(outputName)`. */
  output(solidName: string, outputName?: string): unknown;
}

/**
 * Folds the events of one run into its {@link RunResult}, in O(events): a mutable
 * accumulator, frozen once at the end (never one immutable update per event). What
 * `execute` and `toRunResult` use; also for events read back from elsewhere (a log file).
 *
 * @example
 * const accumulator = new RunAccumulator();
 * for (const event of events) accumulator.add(event);
 * const result = accumulator.result(pipeline);
 *
 * @throws {ModeflowError} from `add` for an event of a second run, naming both run ids
 */
export class RunAccumulator {
  readonly events: RunEvent[] = [];
  readonly state: RunState = initialRunState();
  private runId: string | undefined;

  add(event: RunEvent): void {
    if (this.runId === undefined) this.runId = event.runId;
    else if (event.runId !== this.runId) throw twoRuns(this.runId, event);
    this.events.push(event);
    applyEvent(this.state, event);
  }

  /**
   * The result so far (call once the terminal event is in). Without the pipeline it is
   * built from the events alone: `solid(name)` then knows the solids and outputs that
   * appear in them (or, given a definition, that definition's outputs).
   */
  result(pipeline?: Pipeline): RunResult {
    return new Result(pipeline, Object.freeze(this.events), freezeState(this.state));
  }
}

function twoRuns(first: string, event: RunEvent): ModeflowError {
  return new ModeflowError(
    `toRunResult got events of two runs: ${first} and ${event.runId} (a ${event.type} event); ` +
      `it folds one run into one result, so apply it to each run's events separately`,
  );
}

function freezeState(state: RunState): RunState {
  for (const key in state.steps) {
    const step = state.steps[key]!;
    Object.freeze(step.outputCounts);
    Object.freeze(step);
  }
  Object.freeze(state.steps);
  Object.freeze(state.stepOrder);
  Object.freeze(state.resources);
  Object.freeze(state.counts);
  Object.freeze(state.recentLogs);
  Object.freeze(state.hooks.recentErrors);
  Object.freeze(state.hooks);
  return Object.freeze(state);
}

class Result implements RunResult {
  readonly runId: string;
  readonly pipelineName: string;
  readonly mode: string;
  readonly status: 'SUCCESS' | 'FAILURE' | 'CANCELED';
  readonly success: boolean;
  #index: Map<string, { steps: StepState[]; events: RunEvent[] }> | undefined;
  readonly #solids = new Map<string, SolidResult>();

  readonly events: readonly RunEvent[];
  readonly state: RunState;
  private readonly pipeline: Pipeline | undefined;

  constructor(pipeline: Pipeline | undefined, events: readonly RunEvent[], state: RunState) {
    this.pipeline = pipeline;
    this.events = events;
    this.state = state;
    this.runId = state.runId ?? '';
    this.pipelineName = state.pipelineName ?? pipeline?.name ?? '';
    this.mode = state.mode ?? '';
    this.status = state.status === 'SUCCESS' ? 'SUCCESS' : state.status === 'CANCELED' ? 'CANCELED' : 'FAILURE';
    this.success = this.status === 'SUCCESS';
  }

  solid(which: string | SolidOrComposite): SolidResult<any> {
    if (isComposite(which)) return this.composite(which);
    const definition = typeof which === 'function' ? which : undefined;
    const name = definition ? definition.invocationName : which;
    if (typeof name !== 'string') {
      throw new ModeflowError(`result.solid() takes a solid definition or an invocation name, got ${typeof which}`);
    }
    const cached = this.#solids.get(name);
    if (cached) {
      if (definition) this.checkDefinition(definition);
      return cached;
    }
    const entry = this.index().get(name);
    let outputNames: readonly string[] | undefined;
    if (this.pipeline) {
      const node = this.pipeline.node(name);
      if (!node) {
        const group = definition ? undefined : this.pipeline.composite(name);
        if (group) {
          const result = compositeResult(this.pipeline, group, this, this.state, aggregate);
          this.#solids.set(name, result);
          return result;
        }
        const composites = this.pipeline.composites.map((c) => c.name);
        throw new ModeflowError(
          `pipeline "${this.pipelineName}" has no solid "${name}"; its solids are: ${this.pipeline.nodes.map((n) => n.name).join(', ')}` +
            (composites.length ? `; its composites: ${composites.join(', ')}` : ''),
        );
      }
      if (definition) this.checkDefinition(definition);
      outputNames = Object.keys(node.solid.outputs);
    } else if (definition) {
      outputNames = Object.keys(definition.outputs);
    } else if (!entry) {
      const seen = [...this.index().keys()];
      throw new ModeflowError(
        `the events of run ${this.runId} have nothing of solid "${name}" (solids in them: ${seen.join(', ') || 'none'}); ` +
          `this result was folded without its pipeline, so it knows solids from their events only: pass the solid's ` +
          `definition, or fold with toRunResult(pipeline)`,
      );
    }
    const found = entry ?? { steps: [], events: [] };
    const result = solidResult(name, outputNames, found.steps, found.events, this.status);
    this.#solids.set(name, result);
    return result;
  }

  output(which: string | SolidOrComposite, outputName = 'result'): any {
    return this.solid(which as string).output(outputName);
  }

  /** `solid(composite)`: its invocation of that name, which must be that composite. */
  private composite(definition: AnyComposite): SolidResult<any> {
    const name = definition.invocationName;
    if (!this.pipeline) {
      throw new ModeflowError(
        `result.solid(): composite "${name}" was given, but this result was folded without its pipeline, which says ` +
          `where a composite's outputs come from; fold with toRunResult(pipeline), or name one of its solids ("${name}.<solid>")`,
      );
    }
    const group = this.pipeline.composite(name);
    if (!group) {
      const node = this.pipeline.node(name);
      const composites = this.pipeline.composites.filter((c) => c.parent === undefined).map((c) => c.name);
      throw new ModeflowError(
        `pipeline "${this.pipelineName}" has no composite "${name}"` +
          (node ? ` ("${name}" is a solid)` : '') +
          (composites.length ? `; its composites are: ${composites.join(', ')}` : '; it has no composites') +
          `; a composite inside another is named by its dotted invocation name ("outer.inner")`,
      );
    }
    if (group.composite.graph !== definition.graph) {
      throw new ModeflowError(
        `composite "${name}" of pipeline "${this.pipelineName}" is another definition than the one given ` +
          `(a different composite with the same name); pass the definition the pipeline uses, or its invocation name`,
      );
    }
    return this.solid(name);
  }

  /** A definition given by the caller must be the one the pipeline invokes under that name. */
  private checkDefinition(definition: AnySolid): void {
    const node = this.pipeline?.node(definition.invocationName);
    if (node && node.solid.compute !== definition.compute) {
      throw new ModeflowError(
        `solid "${definition.invocationName}" of pipeline "${this.pipelineName}" is another definition than the one given ` +
          `(a different solid with the same name); pass the definition the pipeline uses, or its invocation name`,
      );
    }
  }

  private index(): Map<string, { steps: StepState[]; events: RunEvent[] }> {
    if (this.#index) return this.#index;
    const index = new Map<string, { steps: StepState[]; events: RunEvent[] }>();
    const entry = (solid: string) => {
      let e = index.get(solid);
      if (!e) index.set(solid, (e = { steps: [], events: [] }));
      return e;
    };
    for (const key of this.state.stepOrder) {
      const step = this.state.steps[key]!;
      entry(step.solid).steps.push(step);
    }
    for (const event of this.events) {
      if ('solid' in event && event.solid !== undefined) entry(event.solid).events.push(event);
    }
    this.#index = index;
    return index;
  }
}

/** `outputNames` undefined: not known (a result folded without its pipeline), so any name is taken. */
function solidResult(
  name: string,
  outputNames: readonly string[] | undefined,
  unsorted: readonly StepState[],
  events: readonly RunEvent[],
  runStatus: RunResult['status'],
): SolidResult {
  const steps = [...unsorted].sort((a, b) => compareKeys(a.stepKey, b.stepKey));
  const finalAttempt = new Map(steps.map((s) => [s.stepKey, s.attempt]));
  const byStep = new Map<string, StepOutputEvent[]>();
  for (const event of events) {
    if (event.type !== 'STEP_OUTPUT' || event.attempt !== finalAttempt.get(event.stepKey)) continue;
    const list = byStep.get(event.stepKey) ?? [];
    list.push(event);
    byStep.set(event.stepKey, list);
  }
  const outputs: Record<string, unknown[]> = Object.fromEntries((outputNames ?? []).map((o) => [o, []]));
  for (const step of steps) {
    for (const event of byStep.get(step.stepKey) ?? []) {
      // Own keys only: an output may be named `constructor` or `toString`.
      const list = Object.hasOwn(outputs, event.output) ? outputs[event.output]! : (outputs[event.output] = []);
      list.push(originalOf(event, event.value));
    }
  }
  for (const o of Object.keys(outputs)) Object.freeze(outputs[o]);
  const status = aggregate(steps, runStatus);
  const failed = steps.find((s) => s.status === 'FAILURE') ?? steps.find((s) => s.status === 'CANCELED');
  return Object.freeze<SolidResult>({
    solid: name,
    status,
    success: status === 'SUCCESS',
    skipped: status === 'SKIPPED',
    outputs: Object.freeze(outputs),
    output(outputName = 'result') {
      if (!Object.hasOwn(outputs, outputName)) {
        if (outputNames === undefined) return undefined;
        throw new ModeflowError(`solid "${name}" has no output "${outputName}"; its outputs are: ${outputNames.join(', ')}`);
      }
      const values = outputs[outputName]!;
      return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
    },
    events: Object.freeze([...events]),
    error: failed?.error,
    stepKeys: Object.freeze(steps.map((s) => s.stepKey)),
  });
}

function aggregate(steps: readonly StepState[], runStatus: RunResult['status']): SolidStatus {
  if (steps.length === 0) return runStatus === 'CANCELED' ? 'CANCELED' : 'SKIPPED';
  if (steps.some((s) => s.status === 'FAILURE')) return 'FAILURE';
  if (steps.some((s) => s.status === 'CANCELED' || s.status === 'RUNNING')) return 'CANCELED';
  if (steps.every((s) => s.status === 'SKIPPED')) return 'SKIPPED';
  return 'SUCCESS';
}

/** Orders `a[2][0]` before `a[10]`: by the numeric indexes of a step key. */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const ia = indexes(a);
  const ib = indexes(b);
  for (let i = 0; i < Math.min(ia.length, ib.length); i++) if (ia[i] !== ib[i]) return ia[i]! - ib[i]!;
  return ia.length - ib.length;
}

function indexes(key: string): number[] {
  const out: number[] = [];
  for (const m of key.matchAll(/\[(\d+)\]/g)) out.push(Number(m[1]));
  return out;
}
