import { randomUUID } from 'node:crypto';
import { BroadcastChannel, MessageChannel, receiveMessageOnPort, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import { Observable, type Subscriber } from 'rxjs';
import { ModeflowError, WorkerCrashedError } from '../../lib/errors.ts';
import { originalError } from '../../lib/error-registry.ts';
import type { ResourceReport } from '../../lib/events.ts';
import type { StepMessage, StepRequest } from '../../lib/step-request.ts';
import { uncloneableValue } from './worker-crossing.ts';
import type { FromWorker, RunBroadcast, ToWorker, WorkerStepRequest, WorkerTask } from './worker-protocol.ts';
import { ThreadLedger } from './worker-threads.ts';

export interface PoolRunOptions {
  readonly runId: string;
  readonly maxWorkers: number;
  readonly cancelGraceMs: number;
  readonly resourceLimits: ResourceLimits | undefined;
  /** The bootstrap piscina starts in each thread (a path). */
  readonly entry: string;
  /** The worker runtime the bootstrap loads (a file URL). */
  readonly runtime: string;
  readonly report: (report: ResourceReport) => void;
}

/**
 * One run's worker pool: piscina threads started when the run starts and destroyed when
 * it finalises, each step attempt sent to a free thread over its own MessageChannel.
 */
export class PoolRun {
  private readonly pool: Piscina;
  /** The run's broadcast channel: teardown out, resource reports and acks in. */
  private readonly channel: BroadcastChannel;
  private readonly ledger: ThreadLedger;
  /** Piscina tasks not settled yet (a canceled one settles when its thread is terminated). */
  private readonly tasks = new Set<Promise<void>>();
  private idleCrash: unknown;
  private readonly options: PoolRunOptions;

  constructor(options: PoolRunOptions) {
    this.options = options;
    this.ledger = new ThreadLedger(options.report);
    this.pool = new (piscina())({
      filename: options.entry,
      minThreads: options.maxWorkers,
      maxThreads: options.maxWorkers,
      idleTimeout: Infinity,
      // Threads wait for tasks on their event loop, so that they hear a teardown between steps.
      atomics: 'disabled',
      workerData: { runtime: options.runtime },
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    // A thread that throws while no task runs on it: nothing to fail but the run.
    this.pool.on('error', (error: unknown) => {
      this.idleCrash ??= new WorkerCrashedError(`a worker thread died between steps: ${messageOf(error)}`, { cause: error });
    });
    // piscina's workerDestroy reports a dead thread's id as -1: watch each thread's exit instead.
    this.pool.on('workerCreate', () => this.watchThreads());
    this.channel = new BroadcastChannel(`modeflow:${options.runId}:${randomUUID()}`);
    this.channel.onmessage = (event: unknown) => {
      const message = (event as { data: RunBroadcast }).data;
      if (message.type === 'report') this.ledger.report(message.threadId, message.report);
      else if (message.type === 'closed') this.ledger.closed(message.threadId);
    };
    unref(this.channel);
  }

  private readonly watched = new WeakSet<object>();

  private watchThreads(): void {
    for (const worker of this.pool.threads) {
      if (this.watched.has(worker)) continue;
      this.watched.add(worker);
      const id = worker.threadId;
      worker.once('exit', () => this.ledger.died(id));
    }
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
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(this.workerRequest(request, request.pipelineModule));
    } catch (error) {
      port1.close();
      port2.close();
      subscriber.error(uncloneableInput(request, where, error));
      return undefined;
    }
    let finished = false;
    const finish = (): void => {
      finished = true;
      port1.close();
    };
    const handle = (message: FromWorker): void => {
      if (finished) return;
      switch (message.type) {
        case 'output':
        case 'log':
          subscriber.next(message);
          return;
        case 'report':
          this.ledger.report(message.threadId, message.report);
          return;
        case 'done':
          finish();
          subscriber.complete();
          return;
        case 'fail':
          finish();
          subscriber.error(originalError(message.error));
          return;
      }
    };
    port1.on('message', handle);
    const terminate = new AbortController();
    const task: WorkerTask = { port: port2 };
    const settled = this.pool.run(task, { transferList: [port2] as never, signal: terminate.signal }).then(
      () => {
        drain(port1, handle);
        if (!finished) {
          finish();
          subscriber.error(new ModeflowError(`step ${request.stepKey}: its worker thread ended the task without an answer`));
        }
      },
      (error: unknown) => {
        drain(port1, handle);
        if (finished) return;
        finish();
        subscriber.error(crashed(where, error));
      },
    );
    this.track(settled);
    return () => {
      if (finished) return;
      port1.postMessage({ type: 'cancel', abort: request.signal.aborted } satisfies ToWorker);
      // A compute that does not settle within the grace period loses its thread.
      const timer = setTimeout(() => terminate.abort(), this.options.cancelGraceMs);
      void settled.finally(() => {
        clearTimeout(timer);
        finish();
      });
    };
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
    };
  }

  private track(task: Promise<void>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  /**
   * Ends the run's pool: waits for running tasks (canceled ones settle or are terminated
   * after the grace period), has every thread tear down its resources in reverse order
   * of init, then destroys the threads. Rejects when a thread died between steps.
   */
  async dispose(): Promise<void> {
    await Promise.allSettled([...this.tasks]);
    if (this.ledger.holding) {
      const released = this.ledger.whenReleased();
      ref(this.channel);
      this.channel.postMessage({ type: 'teardown' } satisfies RunBroadcast);
      await released;
    }
    await this.pool.destroy();
    this.channel.close();
    if (this.idleCrash !== undefined) throw this.idleCrash;
  }
}

let loaded: typeof Piscina | undefined;
/** piscina, loaded on the first pool: importing modeflow should not pay for it. */
function piscina(): typeof Piscina {
  return (loaded ??= (createRequire(import.meta.url)('piscina') as { Piscina: typeof Piscina }).Piscina);
}

/** Handles messages already queued on `port` (they may have arrived before the task settled). */
function drain(port: MessagePort, handle: (message: FromWorker) => void): void {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) handle(m.message as FromWorker);
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
function uncloneableInput(request: StepRequest, where: { readonly solid: string; readonly stepKey: string }, error: unknown): ModeflowError {
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
