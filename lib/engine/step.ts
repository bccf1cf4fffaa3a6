/** A step instance and one attempt of it, as the engine tracks them. */
import type { SchedulerLike } from 'rxjs';
import { TypeCheckError } from '../errors.ts';
import type { Log } from '../define/log.ts';
import type { PlanNode } from '../plan/plan.ts';
import type { StepContextFields } from './step-context.ts';
import { stepKeyOf, type Path } from './fan-out.ts';
import type { Arrival } from './input-join.ts';
import type { ComputeSink } from './compute.ts';

/** One step instance: an invocation at a fan-out path. */
export class Step {
  attempt = 1;
  startedAt = 0;
  // Values per output name, this attempt: the first output named inline (most steps have
  // one), any others in a Map.
  firstOutput: string | undefined;
  firstValues: unknown[] | undefined;
  moreOutputs: Map<string, unknown[]> | undefined;
  /** The live attempt; callbacks from an older attempt (or after the step ended) are ignored. */
  token: Attempt | undefined;
  cancel: (() => void) | undefined;
  settled: Promise<void> | undefined;
  inputs: Record<string, unknown> | undefined;
  /** Neighbours in the engine's list of running steps. */
  prev: Step | undefined;
  next: Step | undefined;

  readonly node: PlanNode;
  readonly path: Path;
  readonly arrivals: readonly Arrival[];

  private stepKey: string | undefined;

  /** Stores what it is given and nothing else: reading `node` now would be a cache miss. */
  constructor(node: PlanNode, path: Path, arrivals: readonly Arrival[]) {
    this.node = node;
    this.path = path;
    this.arrivals = arrivals;
  }

  /** `<invocation>` or `<invocation>[i]...` for mapped steps. */
  get key(): string {
    return (this.stepKey ??= stepKeyOf(this.node.name, this.path));
  }

  get priority(): number {
    return this.node.priority;
  }

  /** The values output `name` gave this attempt (undefined: none). */
  valuesOf(name: string): unknown[] | undefined {
    return name === this.firstOutput ? this.firstValues : this.moreOutputs?.get(name);
  }

  /** Records one value of output `name`; returns its index among that output's values. */
  addValue(name: string, value: unknown): number {
    if (this.firstOutput === undefined) {
      this.firstOutput = name;
      this.firstValues = [value];
      return 0;
    }
    let list = this.valuesOf(name);
    if (list === undefined) (this.moreOutputs ??= new Map()).set(name, (list = []));
    return list.push(value) - 1;
  }

  /** Forgets the values of an earlier attempt. */
  clearValues(): void {
    this.firstOutput = this.firstValues = this.moreOutputs = undefined;
  }
}

/** What an attempt reports to and reads from: the run engine. */
export interface AttemptHost {
  readonly runId: string;
  readonly pipelineName: string;
  readonly modeName: string;
  readonly signal: AbortSignal;
  readonly scheduler: SchedulerLike;
  /** No more steps start or report. */
  readonly stopped: boolean;
  recordOutput(step: Step, name: string, value: unknown): void;
  stepSucceeded(step: Step): void;
  attemptFailed(step: Step, error: unknown): void;
  resourcesOf(node: PlanNode): Readonly<Record<string, unknown>>;
  stepLog(step: Step): Log;
}

/**
 * One attempt of one step: the sink its compute reports to and the source of its `ctx`
 * fields. One object per attempt instead of a closure per callback.
 */
export class Attempt implements ComputeSink, StepContextFields {
  private readonly engine: AttemptHost;
  readonly step: Step;
  readonly config: unknown;
  readonly attempt: number;

  constructor(engine: AttemptHost, step: Step, config: unknown) {
    this.engine = engine;
    this.step = step;
    this.config = config;
    this.attempt = step.attempt;
  }

  // Read once, by the StepContext built from this attempt.
  get runId(): string {
    return this.engine.runId;
  }
  get pipelineName(): string {
    return this.engine.pipelineName;
  }
  get mode(): string {
    return this.engine.modeName;
  }
  get solid(): string {
    return this.step.node.name;
  }
  get stepKey(): string {
    return this.step.key;
  }
  get signal(): AbortSignal {
    return this.engine.signal;
  }
  get scheduler(): SchedulerLike {
    return this.engine.scheduler;
  }

  get live(): boolean {
    return this.step.token === this && !this.engine.stopped;
  }

  output(name: string, value: unknown): void {
    if (this.live) this.engine.recordOutput(this.step, name, value);
  }

  done(): void {
    if (this.live) this.engine.stepSucceeded(this.step);
  }

  fail(error: unknown): void {
    if (this.live) this.engine.attemptFailed(this.step, error);
  }

  resources(): Readonly<Record<string, unknown>> {
    return this.engine.resourcesOf(this.step.node);
  }

  makeLog(): Log {
    return this.engine.stepLog(this.step);
  }
}

/** A value that failed its input or output schema, as the step's error. */
export function typeError(step: Step, direction: 'input' | 'output', port: string, issues: readonly { path: PropertyKey[]; message: string }[]): TypeCheckError {
  return new TypeCheckError({
    solid: step.node.name,
    stepKey: step.key,
    direction,
    port,
    issues: issues.map((i) => ({ path: i.path.filter((k): k is string | number => typeof k !== 'symbol'), message: i.message })),
  });
}

/** The running steps of a run, in start order: a linked list through the steps themselves. */
export class RunningSteps {
  private first: Step | undefined;
  private last: Step | undefined;

  add(step: Step): void {
    step.prev = this.last;
    step.next = undefined;
    if (this.last) this.last.next = step;
    else this.first = step;
    this.last = step;
  }

  /** Removes `step` (no-op when it is not running). */
  delete(step: Step): void {
    const { prev, next } = step;
    if (prev) prev.next = next;
    else if (this.first === step) this.first = next;
    else return;
    if (next) next.prev = prev;
    else this.last = prev;
    step.prev = step.next = undefined;
  }

  toArray(): Step[] {
    const out: Step[] = [];
    for (let step = this.first; step; step = step.next) out.push(step);
    return out;
  }
}
