import { setMaxListeners } from 'node:events';
import { freeze } from 'immer';
import type { SchedulerLike, Subscriber, Subscription } from 'rxjs';
import type { z } from 'zod';
import { RunCanceledError, InvalidDefinitionError, ModeflowError } from '../errors.ts';
import { serializeError, type RunEvent, type SerializedError } from '../events/events.ts';
import type { ExecutorInstance } from '../define/executor.ts';
import { Frontier, type FrontierHost } from './frontier.ts';
import { jsonSafe, withOriginal } from '../events/json-safe.ts';
import type { Log } from '../define/log.ts';
import { attempt, andThen, settledWithin } from '../support/maybe-async.ts';
import type { ExecutionPlan, PlanNode } from '../plan/plan.ts';
import { ReadyQueue } from './ready-queue.ts';
import type { Prepared } from '../plan/prepare.ts';
import type { StepMessage } from '../define/step-request.ts';
import { watchAbort } from './abort-watch.ts';
import { RunClock } from './run-clock.ts';
import { RunEvents } from './run-events.ts';
import { openRunLogger, type RunLogger } from '../logging/run-logger.ts';
import { Attempt, RunningSteps, Step, typeError, type AttemptHost } from './step.ts';
import { declaredResources, StepContext } from './step-context.ts';
import type { StepRequest } from '../define/step-request.ts';
import { originalError, rememberError } from '../events/error-registry.ts';
import { ROOT, type Path } from './fan-out.ts';
import { NO_INPUTS, type Arrival, type SkipReason } from './input-join.ts';
import { ResourceScope, type ScopeReport } from './resource-scope.ts';
import { retryDecision } from './retry.ts';
import { invokeCompute } from './compute.ts';

/** How long running computes get to settle after a cancel before resources go. */
export const DEFAULT_CANCEL_GRACE_MS = 1000;

type SolidEntry = Prepared['config']['solids'][string];

type Terminal = 'SUCCESS' | 'FAILURE' | 'CANCELED';

const MANY_INPUTS = 16;

/**
 * Executes one prepared run, pushing its events into `subscriber`. The plan's steps are
 * driven by one loop scheduled on the executor's scheduler: ready steps start while fewer
 * than `maxConcurrent` are in flight; synchronous completions feed the same loop, so a
 * chain of any length runs at constant stack depth. Returns the teardown for unsubscribe.
 */
export function startRun(prepared: Prepared, subscriber: Subscriber<RunEvent>): () => void {
  const engine = new RunEngine(prepared, subscriber);
  engine.start();
  return () => engine.unsubscribe();
}

/**
 * `schema.safeParse(value)`, or what a refinement or transform of the user's threw: that
 * error fails the step like a throw from its compute, instead of escaping from the engine.
 */
function checked(
  schema: z.ZodType,
  value: unknown,
): { success: true; data: unknown } | { success: false; thrown: false; error: z.ZodError } | { success: false; thrown: true; error: unknown } {
  try {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed : { success: false, thrown: false, error: parsed.error };
  } catch (error) {
    return { success: false, thrown: true, error };
  }
}

class RunEngine implements FrontierHost, AttemptHost {
  private readonly plan: ExecutionPlan;
  private readonly controller = new AbortController();
  private startedAt = Date.now();
  private readonly clock = new RunClock();
  private readonly events: RunEvents;
  private executor!: ExecutorInstance;
  private scope: ResourceScope | undefined;
  private readonly frontier: Frontier;
  private readonly resourceViews = new Map<number, Readonly<Record<string, unknown>>>();
  private readonly ready: ReadyQueue<Step>;
  private readonly running = new RunningSteps();
  private readonly skipQueue: { step: Step; reason: SkipReason }[] = [];
  private inflight = 0;
  private maxConcurrent = 1;
  private driving = false;
  private driveScheduled = false;
  private settling = false;
  /** No more steps start: the run is finishing, failed to start, or was canceled. */
  stopped = false;
  private finalizing = false;
  private canceled = false;
  private readonly failedSteps: string[] = [];
  private firstError: { stepKey: string | undefined; error: SerializedError } | undefined;
  private externalAbort: (() => void) | undefined;
  readonly runId: string;
  readonly pipelineName: string;
  readonly modeName: string;

  private readonly p: Prepared;

  constructor(p: Prepared, subscriber: Subscriber<RunEvent>) {
    this.p = p;
    this.runId = p.runId;
    this.pipelineName = p.pipeline.name;
    this.modeName = p.mode.name;
    this.events = new RunEvents(this, subscriber, this.clock);
    this.plan = p.plan;
    this.frontier = new Frontier(p.plan, this);
    this.ready = new ReadyQueue<Step>(p.plan.prioritized);
    const entries = Object.entries(p.config.solids);
    this.solidConfig = entries.length > 0 ? new Map(entries) : undefined;
  }

  /**
   * The run config's `solids` entries, or undefined when there are none. A Map: most steps
   * have no entry, and a missing key on a plain object is looked up along its prototype
   * chain (chain of 10,000 steps: 1.06 → 0.65 µs per step without that lookup).
   */
  private readonly solidConfig: Map<string, SolidEntry> | undefined;

  // ---- lifecycle -------------------------------------------------------------------

  start(): void {
    const p = this.p;
    const opened = attempt(
      () => andThen(openRunLogger(p.mode, p.config, { runId: p.runId, pipeline: p.pipeline.name, mode: p.mode.name }, p.redact), (logger) => {
        this.events.logger = logger;
        return true;
      }),
      (error) => {
        this.recordError(undefined, error);
        return false;
      },
    );
    andThen(opened, (ok) => {
      const runStart: RunEvent = {
        type: 'RUN_START',
        ...this.events.base(),
        executor: p.config.execution.executor.name,
        runConfig: p.redact(p.runConfigShown),
        select: p.select,
        tags: p.tags,
        preset: p.preset,
      };
      if (!ok) return this.finishWithoutLogger(runStart);
      this.events.emit(runStart);
      this.watchExternalSignal();
      if (this.cancelRequested) {
        // Canceled before anything ran: nothing to stop, only to end.
        this.canceled = true;
        return this.finalize('CANCELED');
      }
      this.boot();
    });
  }

  private boot(): void {
    const p = this.p;
    try {
      this.executor = p.config.execution.executor.create({
        config: p.config.execution.config,
        signal: this.controller.signal,
        runId: p.runId,
        pipelineName: p.pipeline.name,
        mode: p.mode.name,
        report: (report) => {
          if (!this.finished) this.onScopeReport(report);
        },
      });
      this.maxConcurrent = Math.max(1, this.executor.maxConcurrent);
      this.clock.attach(this.executor.scheduler);
      this.startedAt = this.clock.now();
    } catch (error) {
      this.recordError(undefined, error);
      this.finalize('FAILURE');
      return;
    }
    const scope = new ResourceScope({
      mode: p.mode,
      // An executor that runs steps elsewhere initialises their resources there.
      keys: this.executor.runStep ? [] : this.plan.resources,
      configs: p.config.resources,
      runId: p.runId,
      signal: this.controller.signal,
      log: (key) => this.sinks.bind({ resource: key }, (record) => this.events.emitLog(record, undefined, key)),
      report: (report) => this.onScopeReport(report),
    });
    this.scope = scope;
    andThen(scope.open(), (failure) => {
      if (this.stopped) return;
      if (failure !== undefined) {
        this.finalize('FAILURE');
        return;
      }
      this.beginSteps(scope.values);
    });
  }

  private beginSteps(resourceValues: Record<string, unknown>): void {
    this.resourceValues = resourceValues;
    if (this.frontier.unfinished === 0) {
      this.finalize('SUCCESS');
      return;
    }
    for (const node of this.plan.nodes) {
      if (node.upstream.length === 0) this.createStep(node, node.index, ROOT, NO_INPUTS.arrivals, undefined);
    }
    this.scheduleDrive();
  }

  private resourceValues: Record<string, unknown> = {};

  // ---- the drive loop ------------------------------------------------------------------

  private scheduleDrive(): void {
    if (this.driving || this.driveScheduled || this.stopped) return;
    this.driveScheduled = true;
    this.executor.scheduler.schedule(() => {
      this.driveScheduled = false;
      this.drive();
    });
  }

  private drive(): void {
    if (this.driving) return;
    this.driving = true;
    try {
      while (!this.stopped) {
        this.settle();
        if (this.inflight >= this.maxConcurrent || this.ready.size === 0) break;
        const step = this.ready.pop()!;
        this.inflight++;
        this.startStep(step);
      }
    } finally {
      this.driving = false;
    }
    if (!this.stopped && this.frontier.unfinished === 0 && this.inflight === 0) this.finalize(this.failedSteps.length ? 'FAILURE' : 'SUCCESS');
  }

  /** Processes skips and finished invocations iteratively: a long chain must not recurse. */
  private settle(): void {
    if (this.settling) return;
    this.settling = true;
    try {
      while (this.skipQueue.length || this.frontier.unsettled) {
        const skip = this.skipQueue.pop();
        if (skip) {
          this.skipStep(skip.step, skip.reason);
          continue;
        }
        this.frontier.settleNext();
      }
    } finally {
      this.settling = false;
    }
  }

  // ---- steps -----------------------------------------------------------------------------

  createStep(node: PlanNode, index: number, path: Path, arrivals: readonly Arrival[], skip: SkipReason | undefined): void {
    const step = new Step(node, path, arrivals);
    this.frontier.created(index);
    if (skip) this.skipQueue.push({ step, reason: skip });
    else this.ready.push(step);
  }

  private startStep(step: Step): void {
    const node = step.node;
    const timestamp = (step.startedAt = this.clock.now());
    const { runId, pipelineName, modeName: mode } = this;
    const stepKey = step.key;
    const solid = node.name;
    this.running.add(step);
    this.events.emitDebug({ type: 'STEP_START', runId, pipelineName, mode, timestamp, stepKey, solid });
    const planned = node.inputs;
    // Many inputs: filled as a dictionary first (a fast-mode object pays a shape change per
    // key, ~0.2 µs each at 1,000 keys), then given the usual prototype.
    const many = planned.length > MANY_INPUTS;
    const inputs: Record<string, unknown> = many ? Object.create(null) : {};
    for (let i = 0; i < planned.length; i++) {
      const input = planned[i]!;
      if (input.slot < 0) {
        this.events.emitDebug({ type: 'STEP_INPUT', runId, pipelineName, mode, timestamp, stepKey, solid, input: input.name, source: 'config' });
        inputs[input.name] = this.solidConfig?.get(solid)?.inputs[input.name];
        continue;
      }
      const arrival = step.arrivals[input.slot]!;
      this.events.emitDebug({ type: 'STEP_INPUT', runId, pipelineName, mode, timestamp, stepKey, solid, input: input.name, source: arrival.source });
      let value = arrival.value;
      const check = input.check;
      if (check && !check.accepts?.(value)) {
        const parsed = checked(check.schema, value);
        if (!parsed.success) {
          this.stepFailed(step, parsed.thrown ? parsed.error : typeError(step, 'input', input.name, parsed.error.issues), false);
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

  private runAttempt(step: Step): void {
    if (this.stopped) return;
    const node = step.node;
    const config = this.solidConfig?.get(node.name)?.config;
    const attempt = new Attempt(this, step, config);
    step.token = attempt;
    step.clearValues();
    const runStep = this.executor.runStep;
    if (runStep) {
      let subscription: Subscription | undefined;
      subscription = runStep(this.stepRequest(step)).subscribe({
        next: (message) => {
          if (!attempt.live) return;
          if (message.type === 'output') this.recordOutput(step, message.output, message.value);
          else this.remoteLog(step, message);
        },
        error: (error: unknown) => attempt.fail(error),
        complete: () => attempt.done(),
      });
      step.cancel = () => subscription?.unsubscribe();
      return;
    }
    this.clock.begin(step);
    const running = invokeCompute(node.solid, new StepContext(attempt), step.inputs!, attempt);
    this.clock.end();
    if (running && step.token === attempt) {
      step.cancel = running.cancel;
      step.settled = running.settled;
    }
  }

  private stepRequest(step: Step): StepRequest {
    const p = this.p;
    return {
      runId: p.runId,
      pipelineName: p.pipeline.name,
      pipelineModule: p.pipeline.module,
      mode: p.mode.name,
      solid: step.node.name,
      stepKey: step.key,
      attempt: step.attempt,
      config: this.solidConfig?.get(step.node.name)?.config,
      inputs: step.inputs!,
      resources: step.node.solid.resources,
      ...this.resourceSettings(),
      logLevel: this.sinks.lowestLevel,
      signal: this.controller.signal,
    };
  }

  private resourceSettingsCache: Pick<StepRequest, 'resourceConfigs' | 'resourceTeardownTimeoutsMs'> | undefined;

  /** What every step request carries of the resources' run config, built once per run. */
  private resourceSettings(): Pick<StepRequest, 'resourceConfigs' | 'resourceTeardownTimeoutsMs'> {
    if (this.resourceSettingsCache) return this.resourceSettingsCache;
    const entries = Object.entries(this.p.config.resources);
    return (this.resourceSettingsCache = {
      resourceConfigs: Object.fromEntries(entries.map(([k, v]) => [k, v.config])),
      resourceTeardownTimeoutsMs: Object.fromEntries(entries.map(([k, v]) => [k, v.teardownTimeoutMs])),
    });
  }

  /** `ctx.signal` of every step: the run's signal, with no listener limit (set on first use). */
  get signal(): AbortSignal {
    const signal = this.controller.signal;
    if (!this.signalShared) {
      // Every step's ctx.signal is this one signal: many concurrent computes listening to it
      // (a fetch each, say) are no leak, so Node's warning past ten listeners does not apply.
      // Set on first use: it costs ~25 µs, as much as a small run.
      this.signalShared = true;
      setMaxListeners(0, signal);
    }
    return signal;
  }

  private signalShared = false;

  get scheduler(): SchedulerLike {
    return this.executor.scheduler;
  }

  /** `ctx.resources` of a step: the resources its solid declared (built on first use). */
  resourcesOf(node: PlanNode): Readonly<Record<string, unknown>> {
    let view = this.resourceViews.get(node.index);
    if (!view) this.resourceViews.set(node.index, (view = declaredResources(node.name, node.solid.resources, this.resourceValues)));
    return view;
  }

  /** The mode's logger sinks (open once the run has started). */
  private get sinks(): RunLogger {
    return this.events.logger!;
  }

  /** `ctx.log` of a step. */
  stepLog(step: Step): Log {
    return this.sinks.bind({ solid: step.node.name, stepKey: step.key }, (record) => this.events.emitLog(record, step));
  }

  /** A record a step (or a resource init it caused) wrote where it ran: the same path as `ctx.log` here. */
  private remoteLog(step: Step, message: Extract<StepMessage, { type: 'log' }>): void {
    const { resource } = message;
    const source = { solid: step.node.name, stepKey: step.key, ...(resource === undefined ? {} : { resource }) };
    const record = { level: message.level, message: message.message, fields: message.fields as Record<string, unknown> };
    this.sinks.write(record, source, (shown) => this.events.emitLog(shown, step, resource));
  }

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
      kept = this.p.redact(value);
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
    this.running.delete(step);
    this.inflight--;
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
    this.frontier.deliver(step);
    this.stepDone(step);
  }

  attemptFailed(step: Step, error: unknown): void {
    step.token = undefined;
    step.cancel = undefined;
    const decision = retryDecision(step.node.solid.retry, error, step.attempt);
    if (!decision.retry || this.stopped) {
      this.stepFailed(step, error, false);
      return;
    }
    this.events.emit({
      type: 'STEP_RETRY',
      ...this.events.base(),
      stepKey: step.key,
      solid: step.node.name,
      attempt: step.attempt,
      error: this.p.redact(serializeError(error)),
      delayMs: decision.delayMs,
    });
    step.attempt++;
    const retry = () => {
      if (!this.stopped) this.runAttempt(step);
    };
    if (decision.delayMs > 0) this.executor.scheduler.schedule(retry, decision.delayMs);
    else this.executor.scheduler.schedule(retry);
  }

  private stepFailed(step: Step, error: unknown, canceled: boolean): void {
    step.token = undefined;
    this.running.delete(step);
    this.inflight--;
    const serialized = this.p.redact(serializeError(error));
    rememberError(serialized, error);
    if (!canceled) {
      this.failedSteps.push(step.key);
      this.firstError ??= { stepKey: step.key, error: serialized };
    }
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
    this.frontier.failed(step.node.index);
    this.frontier.skipDownstream(step, 'UPSTREAM_FAILED');
    this.stepDone(step);
  }

  private skipStep(step: Step, reason: SkipReason): void {
    this.events.emit({ type: 'STEP_SKIPPED', ...this.events.base(), stepKey: step.key, solid: step.node.name, reason });
    if (reason === 'UPSTREAM_FAILED') this.frontier.failed(step.node.index);
    this.frontier.skipDownstream(step, reason);
    this.stepDone(step);
  }

  private stepDone(step: Step): void {
    this.frontier.done(step.node.index);
    if (!this.driving) {
      this.settle();
      if (this.stopped) return;
      if (this.frontier.unfinished === 0 && this.inflight === 0) this.finalize(this.failedSteps.length ? 'FAILURE' : 'SUCCESS');
      else this.scheduleDrive();
    }
  }

  reportConflict(target: number, [a, b]: [number, number]): void {
    const node = this.plan.nodes[target]!;
    const slot = (i: number) => node.slots[i]!;
    const origin = (i: number) => this.plan.nodes[slot(i).from]!.name;
    const error = new InvalidDefinitionError(
      `solid "${node.name}" joins input "${slot(a).input}" (from "${origin(a)}") and input "${slot(b).input}" ` +
        `(from "${origin(b)}"), which fan out from different origins; collect() one of them first`,
    );
    const step = new Step(node, ROOT, []);
    this.frontier.created(target);
    this.inflight++;
    step.startedAt = this.clock.now();
    this.running.add(step);
    this.events.emit({ type: 'STEP_START', ...this.events.base(), stepKey: step.key, solid: node.name });
    this.stepFailed(step, error, false);
  }

  // ---- events, logs ------------------------------------------------------------------------

  private onScopeReport(report: ScopeReport): void {
    if (report.type === 'RESOURCE_INIT_FAILURE') {
      this.recordError(undefined, report.cause ?? originalError(report.error));
      this.events.emit({ type: report.type, ...this.events.base(), resource: report.resource, error: this.p.redact(report.error) });
      return;
    }
    if (report.type === 'RESOURCE_TEARDOWN') {
      if (report.error) {
        this.recordError(undefined, report.cause ?? originalError(report.error));
        const error = this.p.redact(report.error);
        const base = { type: report.type, ...this.events.base(), resource: report.resource, error };
        this.events.emit(report.timedOut ? { ...base, timedOut: true } : base);
      } else {
        this.events.emit({ type: report.type, ...this.events.base(), resource: report.resource });
      }
      return;
    }
    this.events.emit({ type: report.type, resource: report.resource, ...this.events.base(), ...(report.type === 'RESOURCE_INIT_SUCCESS' ? { durationMs: report.durationMs } : {}) } as RunEvent);
  }

  /** A logger sink threw while writing an event (told once): the run goes on, and fails (its log is incomplete). */
  sinkFailed(error: unknown): void {
    this.recordError(
      undefined,
      new ModeflowError(
        `a logger sink of mode "${this.modeName}" threw while writing an event: ${error instanceof Error ? error.message : String(error)}; ` +
          `the run went on without that record, and fails since its log is incomplete`,
        { cause: error },
      ),
    );
  }

  private recordError(stepKey: string | undefined, error: unknown): void {
    const serialized = this.p.redact(serializeError(error));
    rememberError(serialized, error);
    this.firstError ??= { stepKey, error: serialized };
  }

  // ---- ending ------------------------------------------------------------------------------

  /** Stops starting steps, disposes the executor, tears resources down, emits the terminal event. */
  private finalize(status: Terminal): void {
    if (this.finalizing) return;
    this.finalizing = true;
    this.stopped = true;
    const disposed = attempt(
      () => this.executor?.dispose?.(),
      (error) => {
        this.recordError(undefined, error);
      },
    );
    // Canceled: an init still pending gets the grace period, then the run ends without it.
    const closed = andThen(disposed, () => (this.scope ? this.scope.close(this.canceled ? this.cancelGraceMs : Infinity) : []));
    andThen(closed, (teardownErrors: readonly unknown[]) => {
      let final = status;
      if (final === 'SUCCESS' && (teardownErrors.length > 0 || this.firstError)) final = 'FAILURE';
      this.terminate(final);
    });
  }

  private finished = false;

  private terminate(status: Terminal): void {
    this.finished = true;
    const durationMs = this.clock.now() - this.startedAt;
    if (status === 'SUCCESS') this.events.emit({ type: 'RUN_SUCCESS', ...this.events.base(), durationMs });
    else if (status === 'CANCELED') this.events.emit({ type: 'RUN_CANCELED', ...this.events.base(), durationMs });
    else {
      this.events.emit({
        type: 'RUN_FAILURE',
        ...this.events.base(),
        durationMs,
        error: this.firstError?.error,
        failedSteps: [...this.failedSteps],
      });
    }
    this.externalAbort?.();
    this.events.complete();
  }

  /** The sinks could not be opened: the run ends at once, reported to the subscriber only. */
  private finishWithoutLogger(start: RunEvent): void {
    this.stopped = true;
    this.finalizing = true;
    this.events.deliver(start);
    this.events.deliver({
      type: 'RUN_FAILURE',
      ...this.events.base(),
      durationMs: Date.now() - this.startedAt,
      error: this.firstError?.error,
      failedSteps: [],
    });
    this.events.complete();
  }

  // ---- cancel ------------------------------------------------------------------------------

  /** Wires `options.signal`: aborting it cancels the run but the stream still ends with RUN_CANCELED. */
  private watchExternalSignal(): void {
    const signal = this.p.signal;
    if (!signal) return;
    if (signal.aborted) {
      this.requestCancel();
      return;
    }
    this.externalAbort = watchAbort(signal, () => this.requestCancel());
  }

  unsubscribe(): void {
    this.events.unsubscribed = true;
    // Already ending on its own: it finishes quietly, to the loggers only.
    if (this.finalizing) return;
    this.requestCancel();
  }

  private cancelRequested = false;

  /**
   * Stops new steps at once and cancels in a microtask. An unsubscribe or abort usually
   * arrives from inside `emit()` (a subscriber reacting to an event): the engine code that
   * emitted must finish its bookkeeping first, so that RUN_CANCELED is the last event the
   * loggers see and no step gets two terminal events.
   */
  private requestCancel(): void {
    if (this.cancelRequested || this.finalizing) return;
    this.cancelRequested = true;
    this.stopped = true;
    queueMicrotask(() => this.cancel());
  }

  /**
   * Cancels: aborts `ctx.signal`, stops running computes, gives them a grace period to
   * settle, then tears resources down and ends with RUN_CANCELED.
   */
  private cancel(): void {
    if (this.canceled || this.finalizing) return;
    this.canceled = true;
    this.stopped = true;
    this.controller.abort(new RunCanceledError('the run was canceled'));
    const settling: Promise<void>[] = [];
    for (const step of this.running.toArray()) {
      step.cancel?.();
      if (step.settled) settling.push(step.settled);
      this.stepFailed(step, new RunCanceledError(`step ${step.key} was canceled with its run`), true);
    }
    this.ready.drain();
    const proceed = () => this.finalize('CANCELED');
    // Sinks still opening: start() finalizes once they are there.
    if (!this.events.logger) return;
    if (settling.length === 0) {
      proceed();
      return;
    }
    void settledWithin(settling, this.cancelGraceMs).then(proceed);
  }

  /** How long running computes (and a pending resource init) get after a cancel. */
  private get cancelGraceMs(): number {
    return this.executor?.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
  }
}
