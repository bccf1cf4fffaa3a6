/**
 * One run, from subscribe to its terminal event: the logger sinks opened, RUN_START, the
 * executor created, the resource scope opened; then the drive loop runs the steps; at the
 * end (success, failure or cancel) the executor is disposed, the resources are torn down
 * and the terminal event goes out.
 */
import { setMaxListeners } from 'node:events';
import type { Subscriber } from 'rxjs';
import type { ExecutorInstance } from '../define/executor.ts';
import { ModeflowError, RunCanceledError, type SerializedError } from '../errors.ts';
import { originalError } from '../events/error-registry.ts';
import type { RunEvent } from '../events/events.ts';
import type { ResourceReport } from '../define/executor.ts';
import { openRunLogger } from '../logging/run-logger.ts';
import type { Prepared } from '../plan/prepare.ts';
import { andThen, attempt, settledWithin, type MaybePromise } from '../support/maybe-async.ts';
import { watchAbort } from './abort-watch.ts';
import { DriveLoop, type DriveHost } from './drive-loop.ts';
import { HookRunner, type HookHost } from './hook-runner.ts';
import { ResourceScope } from './resource-scope.ts';
import { RunClock } from './run-clock.ts';
import { RunEvents, type RunIds } from './run-events.ts';
import { RunFailures } from './run-failures.ts';
import { StepRunner, type StepRunnerHost } from './step-runner.ts';

/** How long running computes get to settle after a cancel before resources go. */
export const DEFAULT_CANCEL_GRACE_MS = 1000;

type Terminal = 'SUCCESS' | 'FAILURE' | 'CANCELED';

// Where a run is. It only moves forward: starting (sinks, executor, resources) → running
// (steps) → canceling (no step starts; running ones get the grace period) → finalizing
// (executor disposed, resources torn down) → finished (the terminal event is out). A run
// that fails to start, or ends on its own, goes straight to finalizing.
const STARTING = 0;
const RUNNING = 1;
const CANCELING = 2;
const FINALIZING = 3;
const FINISHED = 4;
type Phase = typeof STARTING | typeof RUNNING | typeof CANCELING | typeof FINALIZING | typeof FINISHED;

/**
 * Executes one prepared run, pushing its events into `subscriber`. Returns the teardown
 * for unsubscribe (which cancels the run unless it is already ending).
 */
export function startRun(prepared: Prepared, subscriber: Subscriber<RunEvent>): () => void {
  const engine = new RunEngine(prepared, subscriber);
  engine.start();
  return () => engine.unsubscribe();
}

class RunEngine implements RunIds, DriveHost, StepRunnerHost, HookHost {
  readonly runId: string;
  readonly pipelineName: string;
  readonly modeName: string;
  readonly prepared: Prepared;
  readonly clock = new RunClock();
  readonly events: RunEvents;
  readonly failures: RunFailures;
  /** Made only when some hook watches the run. */
  readonly hooks: HookRunner | undefined;
  private phase: Phase = STARTING;
  private readonly controller = new AbortController();
  private executor: ExecutorInstance | undefined;
  private scope: ResourceScope | undefined;
  private readonly loop: DriveLoop;
  private readonly steps: StepRunner;
  private startedAt = Date.now();
  /** Stops listening to `options.signal`. */
  private externalAbort: (() => void) | undefined;
  /** `ctx.signal` has had its listener limit lifted. */
  private signalShared = false;

  constructor(p: Prepared, subscriber: Subscriber<RunEvent>) {
    this.prepared = p;
    this.runId = p.runId;
    this.pipelineName = p.pipeline.name;
    this.modeName = p.mode.name;
    this.events = new RunEvents(this, subscriber, this.clock, p.redact);
    this.failures = new RunFailures(p.redact);
    this.hooks = p.plan.hooked ? new HookRunner(this) : undefined;
    this.loop = new DriveLoop(p.plan, this);
    this.steps = new StepRunner(this, this.loop);
  }

  /** No more steps start or report: the run is canceling or ending. */
  get stopped(): boolean {
    return this.phase >= CANCELING;
  }

  /** `ctx.signal` of every step: the run's signal, with no listener limit (set on first use). */
  get signal(): AbortSignal {
    const signal = this.controller.signal;
    if (!this.signalShared) {
      // Every step's ctx.signal is this one signal: many concurrent computes listening to it
      // (a fetch each, say) are no leak, so Node's warning past ten listeners does not apply.
      // Set on first use: setMaxListeners costs as much as a small run.
      this.signalShared = true;
      setMaxListeners(0, signal);
    }
    return signal;
  }

  // ---- starting ----------------------------------------------------------------------

  start(): void {
    const p = this.prepared;
    const opened = attempt(
      () =>
        andThen(openRunLogger(p.mode, p.config, { runId: p.runId, pipeline: p.pipeline.name, mode: p.mode.name }, p.redact), (logger) => {
          this.events.logger = logger;
          return true;
        }),
      (error) => {
        this.failures.other(error);
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
        tags: p.redact(p.tags),
        preset: p.preset,
      };
      if (!ok) return this.finishWithoutLogger(runStart);
      this.events.emit(runStart);
      this.watchExternalSignal();
      // Canceled before anything ran: nothing to stop, only to end.
      if (this.phase === CANCELING) return this.finalize('CANCELED');
      this.boot();
    });
  }

  private boot(): void {
    const p = this.prepared;
    let executor: ExecutorInstance;
    try {
      executor = this.executor = p.config.execution.executor.create({
        config: p.config.execution.config,
        signal: this.controller.signal,
        runId: p.runId,
        pipelineName: p.pipeline.name,
        mode: p.mode.name,
        secrets: p.config.secrets,
        report: (report) => {
          if (this.phase !== FINISHED) this.onScopeReport(report);
        },
      });
      this.clock.attach(executor.scheduler);
      this.startedAt = this.clock.now();
    } catch (error) {
      this.failures.other(error);
      this.finalize('FAILURE');
      return;
    }
    const scope = new ResourceScope({
      mode: p.mode,
      configs: p.config.resources,
      runId: p.runId,
      signal: this.controller.signal,
      log: (key) => this.events.resourceLog(key),
      report: (report) => this.onScopeReport(report),
      hold: executor.hold,
    });
    this.scope = scope;
    this.hooks?.begin(scope.values);
    // An executor that runs steps elsewhere initialises their resources there; hooks run
    // here, so theirs are initialised here too.
    andThen(scope.open(executor.runStep ? p.plan.hookResources : p.plan.resources), (failure) => {
      if (this.stopped) return;
      if (failure !== undefined) {
        this.finalize('FAILURE');
        return;
      }
      this.phase = RUNNING;
      this.steps.begin(executor, scope.values);
      this.loop.begin(this.steps, executor.scheduler, Math.max(1, executor.maxConcurrent));
    });
  }

  /**
   * A resource report, from the scope here or from where the executor runs steps: a failed
   * one fails the run — unless it is `redelivered` (its process died and the executor
   * delivered that process's work again elsewhere): then the loss is logged at `warn` and
   * the run's steps decide its status. The one place that rule lives, for every executor.
   */
  private onScopeReport(report: ResourceReport & { readonly cause?: unknown }): void {
    const error = report.type === 'RESOURCE_INIT_FAILURE' || report.type === 'RESOURCE_TEARDOWN' ? report.error : undefined;
    const redelivered = error !== undefined && 'redelivered' in report && report.redelivered === true;
    if (error && !redelivered) this.failures.other(report.cause ?? originalError(error));
    this.events.emitResource(report);
    if (error && redelivered) this.lostWithItsProcess(report.resource, report.type === 'RESOURCE_TEARDOWN' ? 'teardown' : 'init', error);
  }

  /** Says at `warn` what a dead process's loss left behind (the run goes on without failing for it). */
  private lostWithItsProcess(resource: string, lost: 'init' | 'teardown', error: SerializedError): void {
    const what = lost === 'teardown' ? 'was not torn down' : 'did not finish initialising';
    this.events
      .resourceLog(resource)
      .warn(
        { lost, redelivered: true },
        `resource "${resource}" ${what}: ${error.message}; the run does not fail for it (the executor delivered ` +
          `that process's work again elsewhere), but what the resource held there was not closed`,
      );
  }

  /** A logger sink threw while writing an event (told once): the run goes on, and fails (its log is incomplete). */
  sinkFailed(error: unknown): void {
    this.failures.other(
      new ModeflowError(
        `a logger sink of mode "${this.modeName}" threw while writing an event: ${error instanceof Error ? error.message : String(error)}; ` +
          `the run went on without that record, and fails since its log is incomplete`,
        { cause: error },
      ),
    );
  }

  // ---- ending ------------------------------------------------------------------------

  /** Every step is done: the run ends, failed if a step failed. */
  stepsDone(): void {
    this.finalize(this.failures.steps.length ? 'FAILURE' : 'SUCCESS');
  }

  /**
   * Stops starting steps, lets the hooks finish (and fires the run hooks), disposes the
   * executor, tears resources down, emits the terminal event.
   */
  private finalize(status: Terminal): void {
    if (this.phase >= FINALIZING) return;
    this.phase = FINALIZING;
    const hooksDone = this.hooks ? this.finishHooks(this.hooks, status) : undefined;
    const disposed = andThen(hooksDone, () =>
      attempt(
        () => this.executor?.dispose?.(),
        (error) => {
          this.failures.other(error);
        },
      ),
    );
    // Canceled: an init still pending gets the grace period, then the run ends without it.
    const closed = andThen(disposed, () => (this.scope ? this.scope.close(status === 'CANCELED' ? this.cancelGraceMs : Infinity) : []));
    andThen(closed, (teardownErrors: readonly unknown[]) => {
      let final = status;
      if (final === 'SUCCESS' && (teardownErrors.length > 0 || this.failures.first)) final = 'FAILURE';
      this.terminate(final);
    });
  }

  /**
   * The step hooks still running settle (a canceled run gives them the grace period); then,
   * unless the run was canceled, the run hooks fire — after the last step, before teardown.
   * A run that failed before its resources (its executor could not be made) has none.
   */
  private finishHooks(hooks: HookRunner, status: Terminal): MaybePromise<void> {
    if (status === 'CANCELED') return hooks.settled(this.cancelGraceMs);
    return andThen(hooks.settled(Infinity), () => {
      if (!this.scope) return undefined;
      const failed = status === 'FAILURE' || this.failures.first !== undefined;
      return hooks.runEnded(failed ? 'FAILURE' : 'SUCCESS', this.failures.steps, this.failures.first?.error);
    });
  }

  private terminate(status: Terminal): void {
    this.phase = FINISHED;
    const durationMs = this.clock.now() - this.startedAt;
    if (status === 'SUCCESS') this.events.emit({ type: 'RUN_SUCCESS', ...this.events.base(), durationMs });
    else if (status === 'CANCELED') this.events.emit({ type: 'RUN_CANCELED', ...this.events.base(), durationMs });
    else {
      this.events.emit({
        type: 'RUN_FAILURE',
        ...this.events.base(),
        durationMs,
        error: this.failures.first?.error,
        failedSteps: [...this.failures.steps],
      });
    }
    this.externalAbort?.();
    this.events.complete();
  }

  /** The sinks could not be opened: the run ends at once, reported to the subscriber only. */
  private finishWithoutLogger(start: RunEvent): void {
    this.phase = FINALIZING;
    this.events.deliver(start);
    this.events.deliver({
      type: 'RUN_FAILURE',
      ...this.events.base(),
      durationMs: Date.now() - this.startedAt,
      error: this.failures.first?.error,
      failedSteps: [],
    });
    this.phase = FINISHED;
    this.events.complete();
  }

  // ---- cancel ------------------------------------------------------------------------

  /** Wires `options.signal`: aborting it cancels the run but the stream still ends with RUN_CANCELED. */
  private watchExternalSignal(): void {
    const signal = this.prepared.signal;
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
    if (this.phase >= FINALIZING) return;
    this.requestCancel();
  }

  /**
   * Stops new steps at once and cancels in a microtask. An unsubscribe or abort usually
   * arrives from inside `emit()` (a subscriber reacting to an event): the engine code that
   * emitted must finish its bookkeeping first, so that RUN_CANCELED is the last event the
   * loggers see and no step gets two terminal events.
   */
  private requestCancel(): void {
    if (this.phase >= CANCELING) return;
    this.phase = CANCELING;
    queueMicrotask(() => this.cancel());
  }

  /**
   * Cancels: aborts `ctx.signal`, stops running computes, gives them a grace period to
   * settle, then tears resources down and ends with RUN_CANCELED.
   */
  private cancel(): void {
    // Already finalizing: start() found the cancel before anything ran.
    if (this.phase !== CANCELING) return;
    this.controller.abort(new RunCanceledError('the run was canceled'));
    const settling: Promise<void>[] = [];
    for (const step of this.loop.running.toArray()) {
      step.cancel?.();
      if (step.settled) settling.push(step.settled);
      this.steps.fail(step, new RunCanceledError(`step ${step.key} was canceled with its run`), true);
    }
    this.loop.clear();
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
