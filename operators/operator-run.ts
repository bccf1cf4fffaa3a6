/**
 * One subscription of an {@link asOperator} stream: config resolved, logger sinks and
 * resources opened before the source is subscribed, source values started as steps (at
 * most `concurrency` at once, the rest queued in order), and everything closed once —
 * on complete, on error, or on unsubscribe.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Observable, Subscriber, Subscription } from 'rxjs';
import type { Log } from '../lib/define/log.ts';
import type { Mode } from '../lib/define/mode.ts';
import type { Pipeline } from '../lib/define/pipeline.ts';
import type { AnySolid } from '../lib/define/solid-types.ts';
import { makeRedactor, type Redactor } from '../lib/config/redact.ts';
import { resolveRunConfig, type ResolvedRunConfig } from '../lib/config/run-config.ts';
import { ResourceScope, type ScopeReport } from '../lib/engine/resource-scope.ts';
import { declaredResources } from '../lib/engine/step-context.ts';
import { InvalidConfigError, RunCanceledError, StepExecutionError, type ConfigIssue } from '../lib/errors.ts';
import { recordLog } from '../lib/logging/log-record.ts';
import { openRunLogger, type RunLogger } from '../lib/logging/run-logger.ts';
import type { TypeCheck } from '../lib/plan/plan.ts';
import { OperatorStep, type StepHost } from './operator-step.ts';

/** What every subscription of one asOperator() shares (see as-operator.ts). */
export interface OperatorSetup {
  readonly solid: AnySolid;
  /** The solid's invocation name. */
  readonly name: string;
  /** The one-solid pipeline run config is resolved against. */
  readonly pipeline: Pipeline;
  /** Its mode: the resources (given and `mode`'s) and `mode`'s logger sinks. */
  readonly mode: Mode;
  readonly concurrency: number;
  readonly inputs: readonly { readonly name: string; readonly check: TypeCheck | undefined }[];
  readonly outputChecks: ReadonlyMap<string, TypeCheck>;
  readonly runConfig: Readonly<Record<string, unknown>> | undefined;
  readonly config: unknown;
  /** The mode has logger sinks (else `ctx.log` goes nowhere). */
  readonly logs: boolean;
}

/** How long running computes (and a pending resource init) get after the stream stops. */
const GRACE_MS = 1000;

const silent: Log = recordLog(() => undefined, 'silent');
const ignore = (): void => undefined;

export class OperatorRun implements StepHost {
  readonly runId = randomUUID();
  readonly name: string;
  readonly definition: AnySolid;
  readonly multipleOutputs: boolean;
  readonly inputs: OperatorSetup['inputs'];
  readonly outputChecks: ReadonlyMap<string, TypeCheck>;
  readonly pipelineName: string;
  readonly modeName: string;
  config: unknown;
  /** No step starts or reports any more. */
  stopped = false;

  private readonly setup: OperatorSetup;
  private readonly subscriber: Subscriber<unknown>;
  private readonly concurrency: number;
  private readonly controller = new AbortController();
  private signalShared = false;
  private redact: Redactor = (value) => value;
  private logger: RunLogger | undefined;
  private scope: ResourceScope | undefined;
  private resources: Readonly<Record<string, unknown>> = {};
  private source: Subscription | undefined;
  private sourceDone = false;
  /** Steps started and not ended. */
  private active = 0;
  /** Steps started so far: the next one's index. */
  private started = 0;
  /** Source values waiting for a free slot, from `head` on. */
  private readonly queue: unknown[] = [];
  private head = 0;
  private pumping = false;
  /** Steps waiting on something (an async compute, a retry's delay): canceled if the stream stops. */
  private readonly waiting = new Set<OperatorStep>();
  /** The last resource whose init or teardown failed, for the error's message. */
  private failedResource: string | undefined;

  constructor(setup: OperatorSetup, subscriber: Subscriber<unknown>) {
    this.setup = setup;
    this.subscriber = subscriber;
    this.name = setup.name;
    this.definition = setup.solid;
    this.multipleOutputs = setup.solid.multipleOutputs;
    this.inputs = setup.inputs;
    this.outputChecks = setup.outputChecks;
    this.pipelineName = setup.pipeline.name;
    this.modeName = setup.mode.name;
    this.concurrency = setup.concurrency;
  }

  /** `ctx.signal` of every step: aborted when the stream stops early (error or unsubscribe). */
  get signal(): AbortSignal {
    const signal = this.controller.signal;
    if (!this.signalShared) {
      // One signal for every step of the subscription: many listeners are no leak (see run-engine.ts).
      this.signalShared = true;
      setMaxListeners(0, signal);
    }
    return signal;
  }

  // ---- starting ----------------------------------------------------------------------

  /** Resolves config, opens the sinks and resources, then subscribes to `source`. */
  start(source: Observable<unknown>): void {
    let resolved: ResolvedRunConfig;
    try {
      resolved = this.resolveConfig();
    } catch (error) {
      this.subscriber.error(error);
      return;
    }
    this.config = resolved.solids[this.name]?.config;
    this.redact = makeRedactor(resolved.secrets);
    const bindings = { runId: this.runId, pipeline: this.pipelineName, mode: this.modeName };
    let opening;
    try {
      opening = this.setup.logs ? openRunLogger(this.setup.mode, resolved, bindings, this.redact) : undefined;
    } catch (error) {
      this.subscriber.error(error);
      return;
    }
    then(
      opening,
      (logger) => {
        this.logger = logger;
        if (this.stopped) return;
        this.openResources(resolved, source);
      },
      (error) => this.subscriber.error(error),
    );
  }

  private openResources(resolved: ResolvedRunConfig, source: Observable<unknown>): void {
    const scope = new ResourceScope({
      mode: this.setup.mode,
      configs: resolved.resources,
      runId: this.runId,
      signal: this.controller.signal,
      log: (key) => this.resourceLog(key),
      report: (report) => this.onReport(report),
    });
    this.scope = scope;
    then(
      scope.open(this.definition.resources),
      (failure) => this.subscribeSource(scope, failure, source),
      (error) => this.end(error),
    );
  }

  /** The resources are open (or failed to): subscribe to the source, unless the stream is over. */
  private subscribeSource(scope: ResourceScope, failure: unknown, source: Observable<unknown>): void {
    if (this.stopped) return;
    if (failure !== undefined) {
      this.end(this.resourceError('failed to initialise', failure));
      return;
    }
    this.resources = declaredResources(this.name, this.definition.resources, scope.values);
    const subscription = source.subscribe({
      next: (value) => this.next(value),
      error: (error: unknown) => this.end(error),
      complete: () => {
        this.sourceDone = true;
        this.finishIfDone();
      },
    });
    // Ended while subscribe() ran (a synchronous source): stop it now that it can be stopped.
    if (this.stopped) subscription.unsubscribe();
    else this.source = subscription;
  }

  /**
   * Run config as a run resolves it, against the one-solid pipeline: `config` in place of
   * `solids.<name>.config` (its issues reported at `config`), no `execution`, no `inputs`.
   */
  private resolveConfig(): ResolvedRunConfig {
    const given = this.setup.runConfig ?? {};
    const issues: ConfigIssue[] = [];
    if (typeof given === 'object' && given !== null) {
      if (Object.hasOwn(given, 'execution')) {
        issues.push({
          path: ['execution'],
          message: 'asOperator calls the compute itself, in this process: there is no executor to choose; remove execution',
        });
      }
      const entry = (given as { solids?: Record<string, { inputs?: unknown } | undefined> }).solids?.[this.name];
      if (entry && typeof entry === 'object' && Object.hasOwn(entry, 'inputs')) {
        issues.push({
          path: ['solids', this.name, 'inputs'],
          message: "asOperator takes the solid's inputs from the stream's values; remove solids." + `${this.name}.inputs`,
        });
      }
    }
    let raw: Record<string, unknown> = { ...given };
    if (Object.hasOwn(raw, 'execution')) delete raw['execution'];
    const fromOption = this.setup.config !== undefined;
    if (fromOption) {
      const solids = (raw['solids'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
      raw = { ...raw, solids: { ...solids, [this.name]: { ...(solids[this.name] ?? {}), config: this.setup.config } } };
    }
    let resolved: ResolvedRunConfig | undefined;
    try {
      resolved = resolveRunConfig(this.setup.pipeline, this.setup.mode, raw, undefined);
    } catch (error) {
      if (!(error instanceof InvalidConfigError)) throw error;
      const at = ['solids', this.name, 'config'];
      const moved = error.issues.map((issue) =>
        fromOption && at.every((key, i) => issue.path[i] === key) ? { ...issue, path: ['config', ...issue.path.slice(3)] } : issue,
      );
      issues.push(...moved);
    }
    if (issues.length > 0 || !resolved) throw new InvalidConfigError(issues, `config of asOperator(solid "${this.name}")`);
    return resolved;
  }

  // ---- steps -------------------------------------------------------------------------

  private next(value: unknown): void {
    if (this.stopped) return;
    if (this.active < this.concurrency && this.head === this.queue.length) this.startStep(value);
    else this.queue.push(value);
  }

  private startStep(value: unknown): void {
    this.active++;
    new OperatorStep(this, value, this.started++).start();
  }

  /** Starts queued values while there are free slots (a loop: synchronous steps do not nest). */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && this.active < this.concurrency && this.head < this.queue.length) {
        const value = this.queue[this.head];
        this.queue[this.head++] = undefined;
        if (this.head === this.queue.length) this.queue.length = this.head = 0;
        this.startStep(value);
      }
    } finally {
      this.pumping = false;
    }
    this.finishIfDone();
  }

  resourceView(): Readonly<Record<string, unknown>> {
    return this.resources;
  }

  stepLog(step: OperatorStep): Log {
    return this.logger ? this.logger.bind({ solid: this.name, stepKey: step.stepKey }, ignore) : silent;
  }

  emit(value: unknown): void {
    if (!this.stopped) this.subscriber.next(value);
  }

  track(step: OperatorStep): void {
    this.waiting.add(step);
  }

  succeeded(step: OperatorStep): void {
    if (this.stopped) return;
    this.active--;
    if (this.waiting.size > 0) this.waiting.delete(step);
    if (this.head < this.queue.length) this.pump();
    else this.finishIfDone();
  }

  failed(step: OperatorStep, error: unknown): void {
    if (this.stopped) return;
    this.active--;
    this.waiting.delete(step);
    if (error instanceof Error && error.name === 'TypeCheckError') {
      this.end(error);
      return;
    }
    const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.end(
      new StepExecutionError(
        this.redact(
          `asOperator(solid "${this.name}"): step ${step.stepKey} failed` +
            (step.attempt > 1 ? ` after ${step.attempt} attempts` : '') +
            `: ${cause}`,
        ),
        { stepKey: step.stepKey, cause: error, result: undefined },
      ),
    );
  }

  // ---- ending ------------------------------------------------------------------------

  /** Every value has had its step: tear down, then complete (or error, if a teardown failed). */
  private finishIfDone(): void {
    if (this.stopped || !this.sourceDone || this.active > 0 || this.head < this.queue.length) return;
    this.stopped = true;
    then(this.close(Infinity), (errors) => {
      if (errors.length > 0) this.subscriber.error(this.resourceError('failed to tear down', errors[0]));
      else this.subscriber.complete();
    });
  }

  /** A step, the source or a resource failed: stop the rest, tear down, then error with it. */
  private end(error: unknown): void {
    if (this.stopped) return;
    this.stop(new RunCanceledError(`asOperator(solid "${this.name}") stopped: its stream failed`), (settled) => {
      then(settled, () => then(this.close(GRACE_MS), () => this.subscriber.error(error)));
    });
  }

  /** The subscriber is gone: stop, let running computes settle (up to the grace period), tear down. */
  unsubscribe(): void {
    if (this.stopped) return;
    this.stop(new RunCanceledError(`asOperator(solid "${this.name}") was unsubscribed`), (settled) => {
      then(settled, () => then(this.close(GRACE_MS), ignore));
    });
  }

  /** Stops the source and every waiting step; `next` gets what their computes settle by (within the grace period). */
  private stop(reason: unknown, next: (settled: Promise<void> | undefined) => void): void {
    this.stopped = true;
    this.source?.unsubscribe();
    this.queue.length = this.head = 0;
    this.controller.abort(reason);
    const settling: Promise<void>[] = [];
    for (const step of this.waiting) {
      const settled = step.cancel();
      if (settled) settling.push(settled);
    }
    this.waiting.clear();
    next(settling.length ? settledWithin(settling, GRACE_MS) : undefined);
  }

  /** Tears the resources down (once; a pending init gets `initGraceMs`); flushes the sinks. Resolves to teardown errors. */
  private close(initGraceMs: number): readonly unknown[] | Promise<readonly unknown[]> {
    const closing = this.scope ? this.scope.close(initGraceMs) : [];
    return then(closing, (errors) => {
      this.logger?.flush();
      return errors;
    });
  }

  private resourceLog(key: string): Log {
    return this.logger ? this.logger.bind({ resource: key }, ignore) : silent;
  }

  /** No events here: a failed init or teardown is written to the sinks, and remembered for the error. */
  private onReport(report: ScopeReport): void {
    if (report.type !== 'RESOURCE_INIT_FAILURE' && !(report.type === 'RESOURCE_TEARDOWN' && report.error)) return;
    this.failedResource = report.resource;
    const what = report.type === 'RESOURCE_INIT_FAILURE' ? 'init' : 'teardown';
    this.resourceLog(report.resource).error({ err: report.error }, `resource "${report.resource}": ${what} failed`);
  }

  private resourceError(what: string, error: unknown): StepExecutionError<undefined> {
    const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new StepExecutionError(
      this.redact(`asOperator(solid "${this.name}"): resource "${this.failedResource ?? '?'}" ${what}: ${cause}`),
      { stepKey: undefined, cause: error, result: undefined },
    );
  }
}

/** `next(value)` now if `value` is plain, once it resolves if it is a promise (errors to `onError`). */
function then<T, U>(value: T | PromiseLike<T>, next: (value: T) => U, onError?: (error: unknown) => void): U | Promise<U> {
  if (isThenable<T>(value)) {
    const chained = Promise.resolve(value).then(next);
    if (onError) chained.catch(onError);
    return chained;
  }
  return next(value);
}

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Resolves once every promise has settled, or after `ms`. */
function settledWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([Promise.allSettled(promises).then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}
