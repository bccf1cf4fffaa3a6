import { freeze } from 'immer';
import type { Subscriber, Subscription } from 'rxjs';
import { RunCanceledError, InvalidDefinitionError, TypeCheckError } from './errors.ts';
import { serializeError, type RunEvent, type SerializedError } from './events.ts';
import type { ExecutorInstance } from './executor.ts';
import { attempt, andThen } from './maybe-async.ts';
import { filled, type ExecutionPlan, type PlanNode } from './plan.ts';
import { ReadyQueue } from './ready-queue.ts';
import type { Prepared } from './prepare.ts';
import { openRunLogger, type LogRecord, type RunLogger } from './run-logger.ts';
import { declaredResources, StepContext } from './step-context.ts';
import { originalError, rememberError } from './error-registry.ts';
import { comparePaths, fanPaths, ROOT, stepKeyOf, type Path } from '../operators/fan-out.ts';
import { InputJoin, NO_INPUTS, type Arrival, type Combination, type SkipReason } from '../operators/join-inputs.ts';
import { ResourceScope, type ScopeReport } from '../operators/resource-scope.ts';
import { retryDecision } from '../operators/retry-step.ts';
import { invokeCompute, type ComputeSink } from '../operators/run-step.ts';

/** How long running computes get to settle after a cancel before resources go. */
export const DEFAULT_CANCEL_GRACE_MS = 1000;

/** One step instance: an invocation at a fan-out path. */
class Step {
  readonly key: string;
  readonly priority: number;
  attempt = 1;
  startedAt = 0;
  /** Values per output name, this attempt. */
  outputs: Record<string, unknown[]> = {};
  /** Changes per attempt; callbacks from an older attempt are ignored. */
  token: object = {};
  cancel: (() => void) | undefined;
  settled: Promise<void> | undefined;
  inputs: Record<string, unknown> | undefined;

  readonly node: PlanNode;
  readonly path: Path;
  readonly arrivals: readonly Arrival[];

  constructor(node: PlanNode, path: Path, arrivals: readonly Arrival[]) {
    this.node = node;
    this.path = path;
    this.arrivals = arrivals;
    this.key = stepKeyOf(node.name, path);
    this.priority = node.priority;
  }
}

/** Per-invocation bookkeeping. */
interface NodeState {
  /** Upstream invocations not yet finished. */
  upstreamLeft: number;
  /** Instances created and not yet done. */
  active: number;
  finished: boolean;
  /** An instance failed, or was skipped because something upstream failed. */
  failed: boolean;
  conflictReported: boolean;
  /** Values kept for `collect()` consumers, per output, with their paths. */
  collected: Map<string, { path: Path; values: unknown[] }[]> | undefined;
  resources: Readonly<Record<string, unknown>> | undefined;
}

type Terminal = 'SUCCESS' | 'FAILURE' | 'CANCELED';

const NONE: readonly unknown[] = Object.freeze([]);

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

class RunEngine {
  private readonly plan: ExecutionPlan;
  private readonly controller = new AbortController();
  private startedAt = Date.now();
  private logger!: RunLogger;
  private executor!: ExecutorInstance;
  private scope: ResourceScope | undefined;
  private readonly nodes: NodeState[];
  private readonly joins: (InputJoin | undefined)[];
  private readonly ready: ReadyQueue<Step>;
  private readonly running = new Set<Step>();
  private readonly skipQueue: { step: Step; reason: SkipReason }[] = [];
  private readonly finishQueue: number[] = [];
  private unfinished: number;
  private inflight = 0;
  private maxConcurrent = 1;
  private driving = false;
  private driveScheduled = false;
  private settling = false;
  /** No more steps start: the run is finishing, failed to start, or was canceled. */
  private stopped = false;
  private finalizing = false;
  private unsubscribed = false;
  private canceled = false;
  private readonly failedSteps: string[] = [];
  private firstError: { stepKey: string | undefined; error: SerializedError } | undefined;
  private externalAbort: (() => void) | undefined;
  private readonly runId: string;
  private readonly pipelineName: string;
  private readonly modeName: string;

  private readonly p: Prepared;
  private readonly subscriber: Subscriber<RunEvent>;

  constructor(p: Prepared, subscriber: Subscriber<RunEvent>) {
    this.p = p;
    this.subscriber = subscriber;
    this.runId = p.runId;
    this.pipelineName = p.pipeline.name;
    this.modeName = p.mode.name;
    this.plan = p.plan;
    this.nodes = p.plan.nodes.map((n) => ({
      upstreamLeft: n.upstream.length,
      active: 0,
      finished: false,
      failed: false,
      conflictReported: false,
      collected: undefined,
      resources: undefined,
    }));
    this.joins = filled<InputJoin | undefined>(p.plan.nodes.length, undefined);
    this.ready = new ReadyQueue<Step>(p.plan.prioritized);
    this.unfinished = p.plan.nodes.length;
  }

  // ---- lifecycle -------------------------------------------------------------------

  start(): void {
    const p = this.p;
    const opened = attempt(
      () => andThen(openRunLogger(p.mode, p.config, { runId: p.runId, pipeline: p.pipeline.name, mode: p.mode.name }, p.redact), (logger) => {
        this.logger = logger;
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
        ...this.base(),
        executor: p.config.execution.executor.name,
        runConfig: p.runConfigShown,
        select: p.select,
        tags: p.tags,
        preset: p.preset,
      };
      if (!ok) return this.finishWithoutLogger(runStart);
      this.emit(runStart);
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
      this.startedAt = this.executor.scheduler.now();
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
      log: (key) => this.logger.bind({ resource: key }, (record) => this.emitLog(record, undefined)),
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
    if (this.unfinished === 0) {
      this.finalize('SUCCESS');
      return;
    }
    for (const node of this.plan.nodes) {
      if (node.upstream.length === 0) this.createStep(node, NO_INPUTS);
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
    if (!this.stopped && this.unfinished === 0 && this.inflight === 0) this.finalize(this.failedSteps.length ? 'FAILURE' : 'SUCCESS');
  }

  /** Processes skips and finished invocations iteratively: a long chain must not recurse. */
  private settle(): void {
    if (this.settling) return;
    this.settling = true;
    try {
      while (this.skipQueue.length || this.finishQueue.length) {
        const skip = this.skipQueue.pop();
        if (skip) {
          this.skipStep(skip.step, skip.reason);
          continue;
        }
        this.checkFinished(this.finishQueue.pop()!);
      }
    } finally {
      this.settling = false;
    }
  }

  // ---- steps -----------------------------------------------------------------------------

  private createStep(node: PlanNode, combination: Combination): void {
    const step = new Step(node, combination.path, combination.arrivals);
    for (const a of combination.arrivals) {
      // A value broadcast beside a fanned input reaches every mapped step: share it frozen.
      if (a.path.length < combination.path.length && a.skip === undefined) freeze(a.value, true);
    }
    this.nodes[node.index]!.active++;
    let reason: SkipReason | undefined;
    for (const a of combination.arrivals) {
      if (a.skip === 'UPSTREAM_FAILED') reason = 'UPSTREAM_FAILED';
      else if (a.skip && !reason) reason = a.skip;
    }
    if (reason) this.skipQueue.push({ step, reason });
    else this.ready.push(step);
  }

  private startStep(step: Step): void {
    const node = step.node;
    const timestamp = (step.startedAt = this.now());
    const { runId, pipelineName, modeName: mode } = this;
    const stepKey = step.key;
    const solid = node.name;
    this.running.add(step);
    this.emit({ type: 'STEP_START', runId, pipelineName, mode, timestamp, stepKey, solid });
    const inputs: Record<string, unknown> = {};
    for (const input of node.inputs) {
      if (input.slot < 0) {
        this.emit({ type: 'STEP_INPUT', runId, pipelineName, mode, timestamp, stepKey, solid, input: input.name, source: 'config' });
        inputs[input.name] = this.p.config.solids[solid]?.inputs[input.name];
        continue;
      }
      const arrival = step.arrivals[input.slot]!;
      this.emit({ type: 'STEP_INPUT', runId, pipelineName, mode, timestamp, stepKey, solid, input: input.name, source: arrival.source });
      let value = arrival.value;
      const check = input.check;
      if (check && !check.accepts?.(value)) {
        const parsed = check.schema.safeParse(value);
        if (!parsed.success) {
          this.stepFailed(step, typeError(step, 'input', input.name, parsed.error.issues), false);
          return;
        }
        value = parsed.data;
      }
      inputs[input.name] = value;
    }
    step.inputs = inputs;
    this.runAttempt(step);
  }

  private runAttempt(step: Step): void {
    if (this.stopped) return;
    const node = step.node;
    const token = (step.token = {});
    step.outputs = {};
    const live = () => step.token === token && !this.stopped;
    const sink: ComputeSink = {
      output: (name, value) => {
        if (live()) this.recordOutput(step, name, value);
      },
      done: () => {
        if (live()) this.stepSucceeded(step);
      },
      fail: (error) => {
        if (live()) this.attemptFailed(step, error);
      },
    };
    const runStep = this.executor.runStep;
    if (runStep) {
      let subscription: Subscription | undefined;
      subscription = runStep(this.stepRequest(step)).subscribe({
        next: (message) => {
          if (!live()) return;
          if (message.type === 'output') this.recordOutput(step, message.output, message.value);
          else this.emitLog({ level: message.level, message: message.message, fields: { ...message.fields } }, step);
        },
        error: sink.fail,
        complete: sink.done,
      });
      step.cancel = () => subscription?.unsubscribe();
      return;
    }
    const ctx = new StepContext({
      config: this.p.config.solids[node.name]?.config,
      resources: () => this.resourcesOf(node),
      runId: this.p.runId,
      pipelineName: this.p.pipeline.name,
      mode: this.p.mode.name,
      solid: node.name,
      stepKey: step.key,
      signal: this.controller.signal,
      attempt: step.attempt,
      scheduler: this.executor.scheduler,
      makeLog: () => this.logger.bind({ solid: node.name, stepKey: step.key }, (record) => this.emitLog(record, step)),
    });
    const running = invokeCompute(node.solid, ctx, step.inputs!, sink);
    if (running && step.token === token) {
      step.cancel = running.cancel;
      step.settled = running.settled;
    }
  }

  private stepRequest(step: Step) {
    const p = this.p;
    return {
      runId: p.runId,
      pipelineName: p.pipeline.name,
      pipelineModule: p.pipeline.module,
      mode: p.mode.name,
      solid: step.node.name,
      stepKey: step.key,
      attempt: step.attempt,
      config: this.p.config.solids[step.node.name]?.config,
      inputs: step.inputs!,
      resources: step.node.solid.resources,
      resourceConfigs: Object.fromEntries(Object.entries(p.config.resources).map(([k, v]) => [k, v.config])),
      signal: this.controller.signal,
    };
  }

  private resourcesOf(node: PlanNode): Readonly<Record<string, unknown>> {
    const state = this.nodes[node.index]!;
    return (state.resources ??= declaredResources(node.name, node.solid.resources, this.resourceValues));
  }

  private recordOutput(step: Step, name: string, raw: unknown): void {
    const node = step.node;
    let value = raw;
    const check = node.outputChecks[name];
    if (check && !check.accepts?.(value)) {
      const parsed = check.schema.safeParse(value);
      if (!parsed.success) {
        step.cancel?.();
        this.attemptFailed(step, typeError(step, 'output', name, parsed.error.issues));
        return;
      }
      value = parsed.data;
    }
    if (node.shared.has(name)) value = freeze(value, true);
    const list = (step.outputs[name] ??= []);
    list.push(value);
    this.emit({
      type: 'STEP_OUTPUT',
      runId: this.runId,
      pipelineName: this.pipelineName,
      mode: this.modeName,
      timestamp: this.now(),
      stepKey: step.key,
      solid: node.name,
      output: name,
      value: this.p.redact(value),
      index: list.length - 1,
      attempt: step.attempt,
    });
  }

  private stepSucceeded(step: Step): void {
    step.token = {};
    this.running.delete(step);
    this.inflight--;
    const timestamp = this.now();
    this.emit({
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
    const node = step.node;
    for (const [output, edges] of node.edgeList) {
      const values = step.outputs[output] ?? NONE;
      const source = `${step.key}.${output}`;
      for (const edge of edges) {
        if (edge.collected) {
          const state = this.nodes[node.index]!;
          const kept = (state.collected ??= new Map());
          const list = kept.get(output) ?? [];
          list.push({ path: step.path, values });
          kept.set(output, list);
          continue;
        }
        if (values.length === 0) {
          this.arrive(edge.node, edge.slot, { path: step.path, value: undefined, skip: 'OUTPUT_NOT_PRODUCED', source });
          continue;
        }
        if (values.length === 1) {
          this.arrive(edge.node, edge.slot, { path: step.path, value: values[0], skip: undefined, source });
          continue;
        }
        const paths = fanPaths(step.path, node.index, values.length);
        for (let i = 0; i < paths.length; i++) {
          this.arrive(edge.node, edge.slot, { path: paths[i]!, value: values[i], skip: undefined, source });
        }
      }
    }
    this.stepDone(step);
  }

  private attemptFailed(step: Step, error: unknown): void {
    step.token = {};
    step.cancel = undefined;
    const decision = retryDecision(step.node.solid.retry, error, step.attempt);
    if (!decision.retry || this.stopped) {
      this.stepFailed(step, error, false);
      return;
    }
    this.emit({
      type: 'STEP_RETRY',
      ...this.base(),
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
    step.token = {};
    this.running.delete(step);
    this.inflight--;
    const serialized = this.p.redact(serializeError(error));
    rememberError(serialized, error);
    if (!canceled) {
      this.failedSteps.push(step.key);
      this.firstError ??= { stepKey: step.key, error: serialized };
    }
    this.emit({
      type: 'STEP_FAILURE',
      ...this.base(),
      stepKey: step.key,
      solid: step.node.name,
      error: serialized,
      attempt: step.attempt,
      durationMs: this.now() - step.startedAt,
      canceled,
    });
    if (canceled) return;
    this.nodes[step.node.index]!.failed = true;
    this.propagateSkip(step, 'UPSTREAM_FAILED');
    this.stepDone(step);
  }

  private skipStep(step: Step, reason: SkipReason): void {
    this.emit({ type: 'STEP_SKIPPED', ...this.base(), stepKey: step.key, solid: step.node.name, reason });
    if (reason === 'UPSTREAM_FAILED') this.nodes[step.node.index]!.failed = true;
    this.propagateSkip(step, reason);
    this.stepDone(step);
  }

  private propagateSkip(step: Step, reason: SkipReason): void {
    const node = step.node;
    for (const [output, edges] of node.edgeList) {
      for (const edge of edges) {
        if (edge.collected) continue;
        this.arrive(edge.node, edge.slot, { path: step.path, value: undefined, skip: reason, source: `${step.key}.${output}` });
      }
    }
  }

  private stepDone(step: Step): void {
    this.nodes[step.node.index]!.active--;
    this.finishQueue.push(step.node.index);
    if (!this.driving) {
      this.settle();
      if (this.stopped) return;
      if (this.unfinished === 0 && this.inflight === 0) this.finalize(this.failedSteps.length ? 'FAILURE' : 'SUCCESS');
      else this.scheduleDrive();
    }
  }

  private arrive(target: number, slot: number, arrival: Arrival): void {
    const node = this.plan.nodes[target]!;
    if (node.slots.length === 1) {
      // One wired input: every arrival is a complete combination.
      this.createStep(node, { path: arrival.path, arrivals: [arrival] });
      return;
    }
    const join = (this.joins[target] ??= new InputJoin(node.slots.length));
    const combinations = join.arrive(slot, arrival);
    // A join complete without fan-out gets no further arrivals: let its values go.
    if (join.done) this.joins[target] = undefined;
    for (const c of combinations) this.createStep(this.plan.nodes[target]!, c);
    if (join.conflict && !this.nodes[target]!.conflictReported) this.reportConflict(target, join.conflict);
  }

  /** Two inputs fanned out from different origins: the invocation fails once, at the root. */
  private reportConflict(target: number, [a, b]: [number, number]): void {
    const state = this.nodes[target]!;
    state.conflictReported = true;
    const node = this.plan.nodes[target]!;
    const slot = (i: number) => node.slots[i]!;
    const origin = (i: number) => this.plan.nodes[slot(i).from]!.name;
    const error = new InvalidDefinitionError(
      `solid "${node.name}" joins input "${slot(a).input}" (from "${origin(a)}") and input "${slot(b).input}" ` +
        `(from "${origin(b)}"), which fan out from different origins; collect() one of them first`,
    );
    const step = new Step(node, ROOT, []);
    state.active++;
    this.inflight++;
    step.startedAt = this.now();
    this.running.add(step);
    this.emit({ type: 'STEP_START', ...this.base(), stepKey: step.key, solid: node.name });
    this.stepFailed(step, error, false);
  }

  private checkFinished(index: number): void {
    const state = this.nodes[index]!;
    if (state.finished || state.upstreamLeft > 0 || state.active > 0) return;
    state.finished = true;
    this.unfinished--;
    const node = this.plan.nodes[index]!;
    for (const [output, edges] of node.edgeList) {
      for (const edge of edges) {
        if (!edge.collected) continue;
        const source = `${node.name}.${output}`;
        if (state.failed) {
          this.arrive(edge.node, edge.slot, { path: ROOT, value: undefined, skip: 'UPSTREAM_FAILED', source });
          continue;
        }
        const parts = [...(state.collected?.get(output) ?? [])].sort((x, y) => comparePaths(x.path, y.path));
        const values = parts.flatMap((part) => part.values);
        this.arrive(edge.node, edge.slot, { path: ROOT, value: values, skip: undefined, source });
      }
    }
    for (const d of node.downstream) {
      this.nodes[d]!.upstreamLeft--;
      this.finishQueue.push(d);
    }
  }

  // ---- events, logs ------------------------------------------------------------------------

  private base() {
    return { runId: this.runId, pipelineName: this.pipelineName, mode: this.modeName, timestamp: this.now() };
  }

  /** The executor's clock (virtual under the virtualTime executor), else the wall clock. */
  private now(): number {
    return this.executor ? this.executor.scheduler.now() : Date.now();
  }

  /** Emits to the subscriber (until it unsubscribes) and to the sinks. */
  private emit(event: RunEvent): void {
    this.logger.writeEvent(event);
    if (!this.unsubscribed) this.subscriber.next(event);
  }

  /** A `ctx.log` record that some sink took (and wrote) becomes a LOG event. */
  private emitLog(record: LogRecord, step: Step | undefined): void {
    const event: RunEvent = step
      ? { type: 'LOG', ...this.base(), level: record.level, message: record.message, fields: record.fields, stepKey: step.key, solid: step.node.name }
      : { type: 'LOG', ...this.base(), level: record.level, message: record.message, fields: record.fields };
    if (!this.unsubscribed) this.subscriber.next(event);
  }

  private onScopeReport(report: ScopeReport): void {
    if (report.type === 'RESOURCE_INIT_FAILURE') {
      this.recordError(undefined, report.cause ?? originalError(report.error));
      this.emit({ type: report.type, ...this.base(), resource: report.resource, error: this.p.redact(report.error) });
      return;
    }
    if (report.type === 'RESOURCE_TEARDOWN') {
      if (report.error) {
        this.recordError(undefined, report.cause ?? originalError(report.error));
        this.emit({ type: report.type, ...this.base(), resource: report.resource, error: this.p.redact(report.error) });
      } else {
        this.emit({ type: report.type, ...this.base(), resource: report.resource });
      }
      return;
    }
    this.emit({ type: report.type, resource: report.resource, ...this.base(), ...(report.type === 'RESOURCE_INIT_SUCCESS' ? { durationMs: report.durationMs } : {}) } as RunEvent);
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
    const closed = andThen(disposed, () => (this.scope ? this.scope.close() : []));
    andThen(closed, (teardownErrors: readonly unknown[]) => {
      let final = status;
      if (final === 'SUCCESS' && (teardownErrors.length > 0 || this.firstError)) final = 'FAILURE';
      this.terminate(final);
    });
  }

  private finished = false;

  private terminate(status: Terminal): void {
    this.finished = true;
    const durationMs = this.now() - this.startedAt;
    if (status === 'SUCCESS') this.emit({ type: 'RUN_SUCCESS', ...this.base(), durationMs });
    else if (status === 'CANCELED') this.emit({ type: 'RUN_CANCELED', ...this.base(), durationMs });
    else {
      this.emit({
        type: 'RUN_FAILURE',
        ...this.base(),
        durationMs,
        error: this.firstError?.error,
        failedSteps: [...this.failedSteps],
      });
    }
    this.logger.flush();
    this.externalAbort?.();
    if (!this.unsubscribed) this.subscriber.complete();
  }

  /** The sinks could not be opened: the run ends at once, reported to the subscriber only. */
  private finishWithoutLogger(start: RunEvent): void {
    this.stopped = true;
    this.finalizing = true;
    if (this.unsubscribed) return;
    this.subscriber.next(start);
    this.subscriber.next({
      type: 'RUN_FAILURE',
      ...this.base(),
      durationMs: Date.now() - this.startedAt,
      error: this.firstError?.error,
      failedSteps: [],
    });
    this.subscriber.complete();
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
    const onAbort = () => this.requestCancel();
    signal.addEventListener('abort', onAbort, { once: true });
    this.externalAbort = () => signal.removeEventListener('abort', onAbort);
  }

  unsubscribe(): void {
    this.unsubscribed = true;
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
    for (const step of [...this.running]) {
      step.cancel?.();
      if (step.settled) settling.push(step.settled);
      this.stepFailed(step, new RunCanceledError(`step ${step.key} was canceled with its run`), true);
    }
    this.ready.drain();
    const proceed = () => this.finalize('CANCELED');
    // Sinks still opening: start() finalizes once they are there.
    if (!this.logger) return;
    if (settling.length === 0) {
      proceed();
      return;
    }
    const grace = this.executor?.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, grace);
    });
    void Promise.race([Promise.allSettled(settling), timeout]).then(() => {
      clearTimeout(timer);
      proceed();
    });
  }
}

function typeError(step: Step, direction: 'input' | 'output', port: string, issues: readonly { path: PropertyKey[]; message: string }[]): TypeCheckError {
  return new TypeCheckError({
    solid: step.node.name,
    stepKey: step.key,
    direction,
    port,
    issues: issues.map((i) => ({ path: i.path.filter((k): k is string | number => typeof k !== 'symbol'), message: i.message })),
  });
}
