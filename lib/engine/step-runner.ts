/**
 * A step's life, from its start to its end: inputs checked, attempts run here (the
 * compute called with its `ctx`) or elsewhere (the executor's `runStep`), outputs checked,
 * frozen and recorded, retries decided, and the step's events emitted. Which step runs
 * when is the drive loop's business; the runner tells it when a step has ended.
 */
import { freeze } from 'immer';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { ExecutorInstance } from '../define/executor.ts';
import type { Log } from '../define/log.ts';
import { type RunEvent } from '../events/events.ts';
import { serializeError } from '../errors.ts';
import { jsonSafe, withOriginal } from '../events/json-safe.ts';
import type { PlanNode } from '../plan/plan.ts';
import type { Prepared } from '../plan/prepare.ts';
import { Attempt, type AttemptHost } from './attempt.ts';
import type { HookRunner } from './hook-runner.ts';
import { invokeCompute } from './compute.ts';
import { HeldSink } from './held-sink.ts';
import type { StepStarter } from './drive-loop.ts';
import type { SkipReason } from './input-join.ts';
import { retryDecision } from './retry.ts';
import type { RunClock } from './run-clock.ts';
import type { RunEvents } from './run-events.ts';
import type { RunFailures } from './run-failures.ts';
import type { Step } from './step.ts';
import { StepRequests } from './step-requests.ts';
import { declaredResources, StepContext } from './step-context.ts';
import { checked, typeError } from './type-check.ts';

type SolidEntry = Prepared['config']['solids'][string];

/** Past this many inputs, a step's inputs object is filled as a dictionary first. */
const MANY_INPUTS = 16;

/** What the runner needs of its run. */
export interface StepRunnerHost {
  readonly prepared: Prepared;
  readonly events: RunEvents;
  readonly clock: RunClock;
  readonly failures: RunFailures;
  /** No more steps start or report: the run is canceling or ending. */
  readonly stopped: boolean;
  /** The run's signal: `ctx.signal` of every step. */
  readonly signal: AbortSignal;
  /** The run's hooks, when some hook watches it (undefined: none, and no step pays for hooks). */
  readonly hooks: HookRunner | undefined;
}

/** Where the runner reports a step's end: the drive loop. */
export interface StepEnds {
  /** The step is no longer in flight. */
  release(step: Step): void;
  succeeded(step: Step): void;
  failed(step: Step): void;
}

export class StepRunner implements StepStarter, AttemptHost {
  readonly runId: string;
  readonly pipelineName: string;
  readonly modeName: string;
  private readonly host: StepRunnerHost;
  private readonly prepared: Prepared;
  private readonly events: RunEvents;
  private readonly clock: RunClock;
  private readonly ends: StepEnds;
  private executor!: ExecutorInstance;
  private resourceValues: Readonly<Record<string, unknown>> = {};
  /** `ctx.resources` per plan node, built on first use. */
  private readonly resourceViews = new Map<number, Readonly<Record<string, unknown>>>();
  /**
   * The run config's `solids` entries, or undefined when there are none. A Map: most steps
   * have no entry, and a missing key on a plain object is looked up along its prototype
   * chain (bench: overhead-chain-10,000).
   */
  private readonly solidConfig: Map<string, SolidEntry> | undefined;
  /** Made for the first attempt sent to the executor's `runStep`. */
  private requests: StepRequests | undefined;
  private readonly hooks: HookRunner | undefined;

  constructor(host: StepRunnerHost, ends: StepEnds) {
    const p = host.prepared;
    this.host = host;
    this.prepared = p;
    this.events = host.events;
    this.clock = host.clock;
    this.ends = ends;
    this.runId = p.runId;
    this.pipelineName = p.pipeline.name;
    this.modeName = p.mode.name;
    this.hooks = host.hooks;
    const entries = Object.entries(p.config.solids);
    this.solidConfig = entries.length > 0 ? new Map(entries) : undefined;
  }

  /** Steps run on `executor`, with the resources initialised in this process. */
  begin(executor: ExecutorInstance, resourceValues: Readonly<Record<string, unknown>>): void {
    this.executor = executor;
    this.resourceValues = resourceValues;
  }

  get stopped(): boolean {
    return this.host.stopped;
  }

  get signal(): AbortSignal {
    return this.host.signal;
  }

  get scheduler(): SchedulerLike {
    return this.executor.scheduler;
  }

  /** Starts a step: STEP_START, its inputs (checked against their schemas), then its first attempt. */
  start(step: Step): void {
    const node = step.node;
    const timestamp = (step.startedAt = this.clock.now());
    const { runId, pipelineName, modeName: mode } = this;
    const stepKey = step.key;
    const solid = node.name;
    this.events.emitDebug({ type: 'STEP_START', runId, pipelineName, mode, timestamp, stepKey, solid });
    const planned = node.inputs;
    // Many inputs: filled as a dictionary first (a fast-mode object pays a shape change per
    // key), then given the usual prototype.
    const many = planned.length > MANY_INPUTS;
    const inputs: Record<string, unknown> = many ? Object.create(null) : {};
    for (let i = 0; i < planned.length; i++) {
      const input = planned[i]!;
      if (input.slot < 0) {
        this.events.emitDebug({
          type: 'STEP_INPUT',
          runId,
          pipelineName,
          mode,
          timestamp,
          stepKey,
          solid,
          input: input.name,
          source: 'config',
        });
        inputs[input.name] = this.solidConfig?.get(solid)?.inputs[input.name];
        continue;
      }
      const arrival = step.arrivals[input.slot]!;
      this.events.emitDebug({
        type: 'STEP_INPUT',
        runId,
        pipelineName,
        mode,
        timestamp,
        stepKey,
        solid,
        input: input.name,
        source: arrival.source,
      });
      let value = arrival.value;
      const check = input.check;
      if (check && !check.accepts?.(value)) {
        const parsed = checked(check.schema, value);
        if (!parsed.success) {
          this.fail(step, parsed.thrown ? parsed.error : typeError(step, 'input', input.name, parsed.error.issues), false);
          return;
        }
        value = parsed.data;
      }
      inputs[input.name] = value;
    }
    if (many) Object.setPrototypeOf(inputs, Object.prototype);
    step.inputs = inputs;
    this.runAttempt(step);
  }

  /** One attempt: the compute called here, or the step sent to the executor's `runStep`. */
  private runAttempt(step: Step): void {
    if (this.host.stopped) return;
    const node = step.node;
    const config = this.solidConfig?.get(node.name)?.config;
    const attempt = new Attempt(this, step, config);
    step.token = attempt;
    step.clearValues();
    const runStep = this.executor.runStep;
    if (runStep) {
      let subscription: Subscription | undefined;
      const requests = (this.requests ??= new StepRequests(this.prepared, this.host.signal));
      const request = requests.of(step, config, this.events.logger!.lowestLevel);
      subscription = runStep(request).subscribe({
        next: (message) => {
          if (!attempt.live) return;
          if (message.type === 'output') this.recordOutput(step, message.output, message.value);
          else this.events.remoteLog(step, message);
        },
        error: (error: unknown) => attempt.fail(error),
        complete: () => attempt.done(),
      });
      step.cancel = () => subscription?.unsubscribe();
      return;
    }
    const hold = this.executor.hold;
    const sink = hold ? new HeldSink(attempt, hold, step.key, attempt.attempt) : attempt;
    this.clock.begin(step);
    const running = invokeCompute(node.solid, new StepContext(attempt), step.inputs!, sink);
    this.clock.end();
    if (running && step.token === attempt) {
      step.cancel = running.cancel;
      step.settled = running.settled;
    }
  }

  /** `ctx.resources` of a step: the resources its solid declared (built on first use). */
  resourcesOf(node: PlanNode): Readonly<Record<string, unknown>> {
    let view = this.resourceViews.get(node.index);
    if (!view) this.resourceViews.set(node.index, (view = declaredResources(node.name, node.solid.resources, this.resourceValues)));
    return view;
  }

  /** `ctx.log` of a step. */
  stepLog(step: Step): Log {
    return this.events.stepLog(step);
  }

  /** One value of output `name`: checked, frozen when shared, recorded, and a STEP_OUTPUT. */
  recordOutput(step: Step, name: string, raw: unknown): void {
    const node = step.node;
    let value = raw;
    const check = node.outputChecks.size > 0 ? node.outputChecks.get(name) : undefined;
    if (check && !check.accepts?.(value)) {
      const parsed = checked(check.schema, value);
      if (!parsed.success) {
        step.cancel?.();
        this.attemptFailed(step, parsed.thrown ? parsed.error : typeError(step, 'output', name, parsed.error.issues));
        return;
      }
      value = parsed.data;
    }
    let kept: unknown;
    let shown: unknown;
    try {
      // Handed to several consumers: frozen, so that none can change another's input.
      if (typeof value === 'object' && value !== null && node.shared.size > 0 && node.shared.has(name)) value = freeze(value, true);
      kept = this.prepared.redact(value);
      shown = jsonSafe(kept);
    } catch (error) {
      // A getter of the value threw while it was frozen or copied: the attempt fails with it.
      step.cancel?.();
      this.attemptFailed(step, error);
      return;
    }
    const index = step.addValue(name, value);
    const event: RunEvent = {
      type: 'STEP_OUTPUT',
      runId: this.runId,
      pipelineName: this.pipelineName,
      mode: this.modeName,
      timestamp: this.clock.stampFor(step),
      stepKey: step.key,
      solid: node.name,
      output: name,
      value: shown,
      index,
      attempt: step.attempt,
    };
    this.events.emitDebug(shown === kept ? event : withOriginal(event, shown, kept));
  }

  stepSucceeded(step: Step): void {
    step.token = undefined;
    this.ends.release(step);
    const timestamp = this.clock.stampFor(step);
    this.events.emitDebug({
      type: 'STEP_SUCCESS',
      runId: this.runId,
      pipelineName: this.pipelineName,
      mode: this.modeName,
      timestamp,
      stepKey: step.key,
      solid: step.node.name,
      durationMs: timestamp - step.startedAt,
      attempt: step.attempt,
    });
    if (this.hooks !== undefined) this.hooks.stepEnded(step, 'success');
    this.ends.succeeded(step);
  }

  /** An attempt failed: another one (STEP_RETRY, after its delay) or the step's failure. */
  attemptFailed(step: Step, error: unknown): void {
    step.token = undefined;
    step.cancel = undefined;
    const decision = retryDecision(step.node.solid.retry, error, step.attempt);
    if (!decision.retry || this.host.stopped) {
      this.fail(step, error, false);
      return;
    }
    this.events.emit({
      type: 'STEP_RETRY',
      ...this.events.base(),
      stepKey: step.key,
      solid: step.node.name,
      attempt: step.attempt,
      error: this.prepared.redact(serializeError(error)),
      delayMs: decision.delayMs,
    });
    if (this.hooks !== undefined) this.hooks.stepEnded(step, 'retry', error);
    step.attempt++;
    const retry = () => {
      if (!this.host.stopped) this.runAttempt(step);
    };
    if (decision.delayMs > 0) this.executor.scheduler.schedule(retry, decision.delayMs);
    else this.executor.scheduler.schedule(retry);
  }

  /** The step fails with `error` (a canceled one is no failure of the run, and nothing downstream is decided). */
  fail(step: Step, error: unknown, canceled: boolean): void {
    step.token = undefined;
    this.ends.release(step);
    const failures = this.host.failures;
    const serialized = failures.serialize(error);
    if (!canceled) failures.step(step.key, serialized);
    this.events.emit({
      type: 'STEP_FAILURE',
      ...this.events.base(),
      stepKey: step.key,
      solid: step.node.name,
      error: serialized,
      attempt: step.attempt,
      durationMs: this.clock.now() - step.startedAt,
      canceled,
    });
    if (canceled) return;
    if (this.hooks !== undefined) this.hooks.stepEnded(step, 'failure', error);
    this.ends.failed(step);
  }

  skipped(step: Step, reason: SkipReason): void {
    this.events.emit({ type: 'STEP_SKIPPED', ...this.events.base(), stepKey: step.key, solid: step.node.name, reason });
    if (this.hooks !== undefined) this.hooks.stepEnded(step, 'skipped');
  }

  conflict(step: Step, error: unknown): void {
    step.startedAt = this.clock.now();
    this.events.emit({ type: 'STEP_START', ...this.events.base(), stepKey: step.key, solid: step.node.name });
    this.fail(step, error, false);
  }
}
