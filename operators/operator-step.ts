/**
 * One source value of an {@link asOperator} stream: its inputs checked, its attempts run
 * (the compute called with its `ctx`, through the engine's own `invokeCompute`), its
 * outputs checked and passed on, its retries decided.
 */
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { invokeCompute, type ComputeSink, type RunningCompute } from '../lib/engine/compute.ts';
import { StepContext, type StepContextSource } from '../lib/engine/step-context.ts';
import { checked } from '../lib/engine/type-check.ts';
import { retryDecision } from '../lib/engine/retry.ts';
import { TypeCheckError } from '../lib/errors.ts';
import type { Log } from '../lib/define/log.ts';
import type { AnySolid } from '../lib/define/solid-types.ts';
import type { TypeCheck } from '../lib/plan/plan.ts';

/** What a step reads of, and reports to, its subscription (an OperatorRun). */
export interface StepHost {
  /** The solid's invocation name. */
  readonly name: string;
  readonly definition: AnySolid;
  readonly multipleOutputs: boolean;
  readonly inputs: readonly { readonly name: string; readonly check: TypeCheck | undefined }[];
  readonly outputChecks: ReadonlyMap<string, TypeCheck>;
  readonly runId: string;
  readonly pipelineName: string;
  readonly modeName: string;
  readonly config: unknown;
  readonly signal: AbortSignal;
  readonly stopped: boolean;
  resourceView(): Readonly<Record<string, unknown>>;
  stepLog(step: OperatorStep): Log;
  /** A value the step emits, as the operator emits it. */
  emit(value: unknown): void;
  /** The step is waiting on something (a running compute, a retry's delay): cancel it if the stream stops. */
  track(step: OperatorStep): void;
  succeeded(step: OperatorStep): void;
  failed(step: OperatorStep, error: unknown): void;
}

/** The attempt has neither ended nor failed. */
const OPEN = 0;
/** It ended: every value has been given. */
const DONE = 1;
/** It failed (its error is in `failure`). */
const FAILED = 2;

export class OperatorStep implements ComputeSink, StepContextSource {
  attempt = 1;
  private readonly host: StepHost;
  private readonly value: unknown;
  private readonly index: number;
  private inputs: Record<string, unknown> | undefined;
  private key: string | undefined;
  private state: typeof OPEN | typeof DONE | typeof FAILED = OPEN;
  private failure: unknown;
  /** True while invokeCompute() runs: what the compute reports then is handled once it returns. */
  private invoking = false;
  private running: RunningCompute | undefined;
  private timer: Subscription | undefined;

  constructor(host: StepHost, value: unknown, index: number) {
    this.host = host;
    this.value = value;
    this.index = index;
  }

  // ---- ctx (read through by the StepContext of each attempt) ---------------------------

  get config(): unknown {
    return this.host.config;
  }
  get runId(): string {
    return this.host.runId;
  }
  get pipelineName(): string {
    return this.host.pipelineName;
  }
  get mode(): string {
    return this.host.modeName;
  }
  get solid(): string {
    return this.host.name;
  }
  /** `<solid>[<i>]`, made when first read. */
  get stepKey(): string {
    return (this.key ??= `${this.host.name}[${this.index}]`);
  }
  get signal(): AbortSignal {
    return this.host.signal;
  }
  get scheduler(): SchedulerLike {
    return asyncScheduler;
  }
  resources(): Readonly<Record<string, unknown>> {
    return this.host.resourceView();
  }
  makeLog(): Log {
    return this.host.stepLog(this);
  }

  // ---- the step ------------------------------------------------------------------------

  /** Checks the inputs, then runs attempts until one ends, the step fails, or one waits. */
  start(): void {
    const inputs = this.checkInputs();
    if (inputs === undefined) return;
    this.inputs = inputs;
    this.runAttempts();
  }

  /** Stops whatever the step waits on (the stream is stopping). */
  cancel(): Promise<void> | undefined {
    this.state = FAILED;
    this.timer?.unsubscribe();
    this.timer = undefined;
    const running = this.running;
    this.running = undefined;
    running?.cancel();
    return running?.settled;
  }

  /** The inputs object of the compute, checked; undefined (after failing the step) when one fails its schema. */
  private checkInputs(): Record<string, unknown> | undefined {
    const declared = this.host.inputs;
    if (declared.length === 0) return {};
    if (declared.length === 1) {
      const input = declared[0]!;
      const inputs: Record<string, unknown> = {};
      return this.checkInput(input, this.value, inputs) ? inputs : undefined;
    }
    const given = this.value;
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      const names = declared.map((i) => i.name).join(', ');
      this.host.failed(
        this,
        this.typeError('input', declared[0]!.name, [
          {
            path: [],
            message: `solid "${this.host.name}" has several inputs (${names}), so each value must be an object keyed by input name; got ${
              given === null ? 'null' : Array.isArray(given) ? 'an array' : typeof given
            }`,
          },
        ]),
      );
      return undefined;
    }
    const inputs: Record<string, unknown> = {};
    for (const input of declared) if (!this.checkInput(input, (given as Record<string, unknown>)[input.name], inputs)) return undefined;
    return inputs;
  }

  private checkInput(input: StepHost['inputs'][number], value: unknown, into: Record<string, unknown>): boolean {
    const check = input.check;
    if (check && !check.accepts?.(value)) {
      const parsed = checked(check.schema, value);
      if (!parsed.success) {
        this.host.failed(this, parsed.thrown ? parsed.error : this.typeError('input', input.name, parsed.error.issues));
        return false;
      }
      value = parsed.data;
    }
    into[input.name] = value;
    return true;
  }

  /**
   * Runs attempts: one, and the next at once when it failed synchronously and is retried
   * without delay (a loop, not recursion, however many retries a policy allows).
   */
  private runAttempts(): void {
    for (;;) {
      this.state = OPEN;
      this.invoking = true;
      const running = invokeCompute(this.host.definition, new StepContext(this), this.inputs!, this);
      this.invoking = false;
      if (this.host.stopped) {
        running?.cancel();
        return;
      }
      // Set by the sink's callbacks during the call (TypeScript cannot see that).
      const state: number = this.state;
      if (state === DONE) {
        this.host.succeeded(this);
        return;
      }
      if (state === FAILED) {
        // A bad output of a synchronous Observable: it may still be emitting.
        running?.cancel();
        if (this.retries(this.failure)) continue;
        return;
      }
      this.running = running;
      this.host.track(this);
      return;
    }
  }

  /**
   * After a failed attempt: true to run the next one now; otherwise the next one is
   * scheduled after its delay, or the step has failed.
   */
  private retries(error: unknown): boolean {
    const decision = retryDecision(this.host.definition.retry, error, this.attempt);
    if (!decision.retry) {
      this.host.failed(this, error);
      return false;
    }
    this.attempt++;
    if (decision.delayMs <= 0) return true;
    this.timer = asyncScheduler.schedule(() => {
      this.timer = undefined;
      if (!this.host.stopped) this.runAttempts();
    }, decision.delayMs);
    this.host.track(this);
    return false;
  }

  // ---- the compute's sink ----------------------------------------------------------------

  output(name: string, raw: unknown): void {
    if (this.state !== OPEN) return;
    let value = raw;
    const check = this.host.outputChecks.size > 0 ? this.host.outputChecks.get(name) : undefined;
    if (check && !check.accepts?.(value)) {
      const parsed = checked(check.schema, value);
      if (!parsed.success) {
        this.fail(parsed.thrown ? parsed.error : this.typeError('output', name, parsed.error.issues));
        return;
      }
      value = parsed.data;
    }
    this.host.emit(this.host.multipleOutputs ? { [name]: value } : value);
  }

  done(): void {
    if (this.state !== OPEN) return;
    this.state = DONE;
    if (this.invoking) return;
    this.running = undefined;
    this.host.succeeded(this);
  }

  fail(error: unknown): void {
    if (this.state !== OPEN) return;
    this.state = FAILED;
    this.failure = error;
    if (this.invoking) return;
    const running = this.running;
    this.running = undefined;
    running?.cancel();
    if (this.host.stopped) return;
    if (this.retries(error)) this.runAttempts();
  }

  private typeError(
    direction: 'input' | 'output',
    port: string,
    issues: readonly { path: PropertyKey[]; message: string }[],
  ): TypeCheckError {
    return new TypeCheckError({
      solid: this.host.name,
      stepKey: this.stepKey,
      direction,
      port,
      issues: issues.map((i) => ({ path: i.path.filter((k): k is string | number => typeof k !== 'symbol'), message: i.message })),
    });
  }
}
