import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import { Observable, type Subscriber } from 'rxjs';
import { ModeflowError, WorkerCrashedError } from '../../../../lib/errors.ts';
import { originalError } from '../../../../lib/events/error-registry.ts';
import type { ResourceReport } from '../../../../lib/define/executor.ts';
import type { StepMessage, StepRequest } from '../../../../lib/define/step-request.ts';
import { isStackOverflow, lostClassOf, lostClassWarning, nestingDepth, tooDeep, uncloneableValue } from '../crossing.ts';
import type { RunBroadcast, TaskResult, ThreadReport, WorkerStepRequest } from '../protocol.ts';
import type { PoolHolder, SharedPool } from './shared-pool.ts';
import { HostLedger } from '../../step-host/host-ledger.ts';

/** What one run on a shared pool works with. */
export interface PoolRunOptions {
  readonly runId: string;
  /** How long a canceled attempt, and a resource init pending at the run's end, get before they are given up on. */
  readonly cancelGraceMs: number;
  /** How long the pool stays up once no run holds it (0: destroyed when this run ends). */
  readonly idleTimeoutMs: number;
  /** Where the threads' resource reports go: the executor's `report`, so they become run events. */
  readonly report: (report: ResourceReport) => void;
}

/**
 * One run on a shared worker pool: holds the pool from the run's start to its end, sends
 * each step attempt to a free thread as one piscina task, and at the end has every thread
 * that keeps something of the run tear it down (in reverse order of init) before letting
 * go of the pool, which then stays warm for the next run (see {@link SharedPool}).
 */
export class PoolRun implements PoolHolder {
  readonly runId: string;
  private readonly shared: SharedPool;
  /** The run's broadcast channel: teardown out, resource reports and acks in. */
  private readonly channel: BroadcastChannel;
  private readonly ledger: HostLedger<number>;
  /** Piscina tasks not settled yet (a canceled one settles when its thread is terminated). */
  private readonly tasks = new Set<Promise<void>>();
  /** Threads that ran a step of this run. */
  private readonly used = new Set<number>();
  private idleCrash: unknown;
  /** The longest the threads' end-of-run teardown may take: every resource's teardownTimeoutMs. */
  private teardownBudgetMs = 0;
  private readonly options: PoolRunOptions;

  constructor(shared: SharedPool, options: PoolRunOptions) {
    this.shared = shared;
    this.options = options;
    this.runId = options.runId;
    this.ledger = new HostLedger<number>(options.report, (threadId) => `worker thread ${threadId}`, 'the thread was terminated');
    this.channel = new BroadcastChannel(`modeflow:${options.runId}:${randomUUID()}`);
    this.channel.onmessage = (event: unknown) => {
      const message = (event as { data: RunBroadcast }).data;
      if (message.type === 'report') this.ledger.report(message.threadId, message.report);
      else if (message.type === 'closed') this.ledger.closed(message.threadId);
    };
    unref(this.channel);
    shared.hold(this);
  }

  report(message: ThreadReport): void {
    this.ledger.report(message.threadId, message.report);
  }

  threadExited(threadId: number): void {
    this.ledger.died(threadId);
  }

  threadCrashed(threadId: number | undefined, error: unknown): void {
    // A thread this run never ran a step on died of another run's leftovers.
    if (threadId !== undefined && !this.used.has(threadId)) return;
    this.idleCrash ??= new WorkerCrashedError(`a worker thread died between steps: ${messageOf(error)}`, { cause: error });
  }

  /** Runs one step attempt on a free thread. */
  runStep(request: StepRequest): Observable<StepMessage> {
    return new Observable<StepMessage>((subscriber) => this.dispatch(request, subscriber));
  }

  private dispatch(request: StepRequest, subscriber: Subscriber<StepMessage>): (() => void) | undefined {
    const where = { solid: request.solid, stepKey: request.stepKey };
    if (request.pipelineModule === undefined) {
      subscriber.error(
        new ModeflowError(
          `pipeline "${request.pipelineName}" does not know the module that defines it, so the workerPool executor ` +
            `cannot load it in a worker thread; pass module: import.meta.url to pipeline()`,
        ),
      );
      return undefined;
    }
    if (this.shared.destroyed) {
      subscriber.error(
        Object.assign(
          new WorkerCrashedError(
            `step ${request.stepKey} (solid "${request.solid}") cannot start: the worker pool of this run was destroyed ` +
              `(destroyWorkerPools) while the run was using it`,
          ),
          where,
        ),
      );
      return undefined;
    }
    this.teardownBudgetMs = Math.max(this.teardownBudgetMs, sum(Object.values(request.resourceTeardownTimeoutsMs)));
    this.warnLostClasses(request, subscriber);
    let finished = false;
    const { id, result } = this.shared.start({ request: this.workerRequest(request, request.pipelineModule) }, (message) => {
      if (!finished) subscriber.next(message);
    });
    const finish = (): void => {
      finished = true;
      this.shared.end(id);
    };
    const answer = (outcome: TaskResult): void => {
      if (finished) return;
      for (const message of outcome.outputs) subscriber.next(message);
      const end = outcome.end;
      finish();
      if (end.type === 'done') subscriber.complete();
      else if (end.type === 'fail') subscriber.error(originalError(end.error));
      else subscriber.error(new ModeflowError(`step ${request.stepKey}: its worker thread canceled it unasked`));
    };
    // A message of the attempt that could not be received here fails it, whatever it answered.
    const answerOrLost = (outcome: TaskResult): void => {
      const lost = this.shared.takeLost(outcome.threadId);
      if (lost === undefined) answer(outcome);
      else if (!finished) {
        finish();
        subscriber.error(unreceivable(where, lost));
      }
    };
    const settled = result.then(
      (outcome) => {
        this.used.add(outcome.threadId);
        if (outcome.holds) this.ledger.touch(outcome.threadId);
        const collecting = this.shared.collect(outcome);
        if (collecting) return collecting.then(() => answerOrLost(outcome));
        answerOrLost(outcome);
        return undefined;
      },
      (error: unknown) => {
        this.shared.collectAll();
        if (finished) return;
        finish();
        subscriber.error(this.didNotCross(error) ? uncloneableInput(request, where, error) : crashed(where, error));
      },
    );
    this.track(settled);
    return () => {
      if (finished) return;
      const abort = request.signal.aborted;
      this.shared.cancel(id, abort);
      // A compute that does not settle within the grace period loses its thread.
      this.shared.terminateAfter(id, this.options.cancelGraceMs, abort, settled);
      void settled.finally(finish);
    };
  }

  /**
   * True when a task failed because its request could not be cloned on the main thread
   * (piscina's postTask rejects the task with the clone's error; the thread never got it):
   * a DataCloneError, or the RangeError of a value nested too deeply, unless a thread died
   * of that RangeError (a compute's runaway recursion outside any attempt, say).
   */
  private didNotCross(error: unknown): boolean {
    return isCloneError(error) || (isStackOverflow(error) && !this.shared.threadDiedOf(error));
  }

  /** Lost-class warnings given in this run, by solid, input and class. */
  private readonly warned = new Set<string>();

  /** Warns (once per solid, input and class) of an input that would reach its thread without its class. */
  private warnLostClasses(request: StepRequest, subscriber: Subscriber<StepMessage>): void {
    for (const input in request.inputs) {
      const lostClass = lostClassOf(request.inputs[input]);
      if (lostClass === undefined) continue;
      const key = `${request.solid}\0${input}\0${lostClass}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      subscriber.next(lostClassWarning(request, 'input', input, lostClass));
    }
  }

  private workerRequest(request: StepRequest, pipelineModule: string): WorkerStepRequest {
    return {
      runId: request.runId,
      channel: this.channel.name,
      pipelineName: request.pipelineName,
      pipelineModule,
      mode: request.mode,
      solid: request.solid,
      stepKey: request.stepKey,
      attempt: request.attempt,
      config: request.config,
      inputs: request.inputs,
      resources: request.resources,
      resourceConfigs: request.resourceConfigs,
      logLevel: request.logLevel,
      resourceTeardownTimeoutsMs: request.resourceTeardownTimeoutsMs,
    };
  }

  private track(task: Promise<void>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  /**
   * Ends the run on the pool: waits for running tasks (canceled ones settle or are
   * terminated after the grace period), has every thread that keeps something of the run
   * tear it down in reverse order of init, then lets go of the pool (destroyed now if
   * `idleTimeoutMs` is 0 and no other run holds it, else kept warm that long). Rejects
   * when a thread this run used died between steps.
   */
  async dispose(): Promise<void> {
    try {
      await Promise.allSettled([...this.tasks]);
      if (this.ledger.holding) {
        const released = this.ledger.whenReleased();
        ref(this.channel);
        const initGraceMs = this.options.cancelGraceMs;
        this.channel.postMessage({ type: 'teardown', initGraceMs } satisfies RunBroadcast);
        // Each thread gives up on an init after the grace and on each teardown after its
        // timeout; a thread still silent after all of that is stuck (a teardown blocking its
        // event loop, say): it is terminated, and what it held reported as not torn down.
        const budgetMs = initGraceMs + this.teardownBudgetMs + TEARDOWN_ACK_SLACK_MS;
        let terminating: Promise<unknown> | undefined;
        const stuckAfter = setTimeout(() => {
          const stuck = this.ledger.stuck();
          // Reported as not torn down, they no longer count as holding: `released` resolves.
          for (const threadId of stuck) this.ledger.timedOut(threadId, budgetMs);
          terminating = Promise.all(stuck.map((threadId) => this.shared.terminateThread(threadId)));
        }, budgetMs);
        await released;
        clearTimeout(stuckAfter);
        await terminating;
      }
    } finally {
      this.channel.close();
      await this.shared.release(this, this.options.idleTimeoutMs);
    }
    if (this.idleCrash !== undefined) throw this.idleCrash;
  }
}

/** Beyond the sum of the teardown timeouts, how long a thread's teardown acknowledgement may take to arrive. */
const TEARDOWN_ACK_SLACK_MS = 1000;

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function isCloneError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'DataCloneError';
}

function crashed(where: { readonly solid: string; readonly stepKey: string }, cause: unknown): WorkerCrashedError {
  return Object.assign(
    new WorkerCrashedError(
      `step ${where.stepKey} (solid "${where.solid}") failed: the worker thread running it died (${messageOf(cause)}); ` +
        `the pool replaces the thread and the run goes on`,
      { cause },
    ),
    { solid: where.solid, stepKey: where.stepKey },
  );
}

/** Names the input that cannot be cloned, or else says it is the config. */
function uncloneableInput(
  request: StepRequest,
  where: { readonly solid: string; readonly stepKey: string },
  error: unknown,
): ModeflowError {
  if (isStackOverflow(error)) return tooDeepInput(request, where, error);
  for (const [name, value] of Object.entries(request.inputs)) {
    try {
      structuredClone(value);
    } catch (inputError) {
      return uncloneableValue(where, 'input', name, inputError);
    }
  }
  return Object.assign(
    new ModeflowError(
      `the config of solid "${where.solid}" (step ${where.stepKey}) or of its resources cannot be sent to a worker ` +
        `thread: ${messageOf(error)}; config must be plain data`,
      { cause: error },
    ),
    where,
  );
}

/** A message of a step's thread that the main thread could not deserialise (a value nested too deeply for its stack). */
function unreceivable(where: { readonly solid: string; readonly stepKey: string }, error: unknown): ModeflowError {
  const why = isStackOverflow(error)
    ? `${tooDeep()}: the worker thread's larger stack could clone it, the main thread's cannot. Send flatter data (a list, or keys like "a.b.c")`
    : `${messageOf(error)}. Send plain data`;
  return Object.assign(
    new ModeflowError(
      `an output or log record of solid "${where.solid}" (step ${where.stepKey}) sent from its worker thread could not be ` +
        `received on the main thread: ${why}, or run this solid with an in-process executor (sync, async)`,
      { cause: error },
    ),
    where,
  );
}

/**
 * The part of a request nested too deeply to clone: the deepest of its inputs, the solid's
 * config and its resources' configs (measured, not cloned again: a clone from here has
 * more stack to spare than postTask had, and could pass).
 */
function tooDeepInput(request: StepRequest, where: { readonly solid: string; readonly stepKey: string }, error: unknown): ModeflowError {
  const parts: Part[] = [
    ...Object.entries(request.inputs).map(([input, value]): Part => ({ value, input, what: '', field: { input } })),
    { value: request.config, what: `the config of solid "${where.solid}"`, field: { config: 'solid' } },
    ...Object.entries(request.resourceConfigs).map(([resource, value]): Part => ({
      value,
      what: `the config of resource "${resource}" of solid "${where.solid}"`,
      field: { resource },
    })),
  ];
  let deepest = parts[0]!;
  let deepestDepth = -1;
  for (const part of parts) {
    const depth = nestingDepth(part.value);
    if (depth > deepestDepth) [deepest, deepestDepth] = [part, depth];
  }
  if (deepest.input !== undefined) return uncloneableValue(where, 'input', deepest.input, error, deepest.value);
  return Object.assign(
    new ModeflowError(
      `${deepest.what} (step ${where.stepKey}) cannot be sent from the main thread to a worker thread: ${tooDeep(deepest.value)}. ` +
        `Give it flatter config (a list, or keys like "a.b.c"), or run this solid with an in-process executor (sync, async)`,
      { cause: error },
    ),
    { ...where, ...deepest.field },
  );
}

/** A part of a step request, as {@link tooDeepInput} weighs it. */
interface Part {
  readonly value: unknown;
  /** Set for an input. */
  readonly input?: string;
  /** The part, for a message (config only). */
  readonly what: string;
  /** What the error says besides solid and step. */
  readonly field: Readonly<Record<string, string>>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Node's BroadcastChannel has ref()/unref(), which its types leave out. */
function ref(channel: BroadcastChannel): void {
  (channel as unknown as { ref?: () => void }).ref?.();
}
function unref(channel: BroadcastChannel): void {
  (channel as unknown as { unref?: () => void }).unref?.();
}
