import { randomUUID } from 'node:crypto';
import { BroadcastChannel, receiveMessageOnPort, type MessagePort, type ResourceLimits, type Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import type { ControlMessage, PortAnnouncement, TaskResult, ThreadPortMessage, ThreadReport, WorkerTask } from '../protocol.ts';
import type { StepMessage } from '../../../../lib/define/step-request.ts';
import { threadExecArgv } from './thread-exec-argv.ts';

/** What makes two runs' pools interchangeable: same threads, same bootstrap. */
export interface PoolSettings {
  readonly maxWorkers: number;
  readonly resourceLimits: ResourceLimits | undefined;
  /** The bootstrap piscina starts in each thread (a path). */
  readonly entry: string;
  /** The worker runtime the bootstrap loads (a file URL). */
  readonly runtime: string;
  /** modeflow's public entry (a file URL), loaded by the bootstrap before tsx's hooks when a pipeline module is TypeScript. */
  readonly library: string;
}

/** What a pool needs of a run that holds it. */
export interface PoolHolder {
  readonly runId: string;
  /** A resource report of this run from a thread (on a thread port, outside any attempt). */
  report(message: ThreadReport): void;
  /** A thread of the pool exited. */
  threadExited(threadId: number): void;
  /** A thread this run may have used died between steps with `error`. */
  threadCrashed(threadId: number | undefined, error: unknown): void;
}

/** Where one attempt's streamed messages go. */
export type AttemptSink = (message: StepMessage) => void;

/** Timers longer than this fire at once in Node: such an idle timeout means "never". */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long an answer waits for its thread's port to be announced (it is already on its way). */
const PORT_WAIT_MS = 5000;
/** After the grace period, how often a canceled attempt not running anywhere yet is looked for again. */
const RECHECK_MS = 100;
/** Attempt ids are Int32 (shared memory), never 0. */
const MAX_ID = 2 ** 31 - 1;

/** What the main thread knows of one live thread. */
interface Thread {
  readonly port: MessagePort;
  /** The attempt it runs (0: none), written by the thread. */
  readonly current: Int32Array;
  /**
   * Why a message it sent could not be received here (a value nested deeper than this
   * thread's stack lets it deserialise), until its next answer takes it: that attempt fails.
   */
  lost: unknown;
}

/**
 * A piscina pool shared by every run with the same {@link PoolSettings}: started by the
 * first run that needs it, held by each run from `create` to `dispose`, and destroyed
 * `idleTimeoutMs` after the last run let go of it (or, as a run's private pool, when
 * that run lets go). It never keeps the process alive on its own: piscina unrefs idle
 * threads and their ports, the thread ports and the control channel here are unref'd,
 * and so is the idle timer.
 */
export class SharedPool {
  readonly pool: Piscina;
  private readonly control: BroadcastChannel;
  /** Each live thread's port (worker → main) and current attempt, by thread id. */
  private readonly threads = new Map<number, Thread>();
  private readonly portWaiters = new Map<number, Array<() => void>>();
  private readonly attempts = new Map<number, AttemptSink>();
  private readonly holders = new Map<string, PoolHolder>();
  private readonly watched = new WeakSet<Worker>();
  /** Errors of threads that died, by error, to tell which thread an idle crash came from. */
  private readonly crashedThreads = new WeakMap<object, number>();
  private nextId = 1;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private destroying: Promise<void> | undefined;
  private readonly forget: () => void;

  constructor(settings: PoolSettings, forget: () => void) {
    this.forget = forget;
    const control = `modeflow:pool:${randomUUID()}`;
    this.pool = new (piscina())({
      filename: settings.entry,
      minThreads: settings.maxWorkers,
      maxThreads: settings.maxWorkers,
      idleTimeout: Infinity,
      // Threads wait for tasks on their event loop, so that they hear cancels and teardowns between steps.
      atomics: 'async',
      workerData: { runtime: settings.runtime, library: settings.library, control },
      // Not tsx's loader, inherited from a process started under tsx: the bootstrap registers it when needed.
      ...execArgvOption(),
      ...(settings.resourceLimits ? { resourceLimits: settings.resourceLimits } : {}),
    });
    this.control = new BroadcastChannel(control);
    unref(this.control);
    // A thread that throws while no task runs on it: the runs that used it fail.
    this.pool.on('error', (error: unknown) => {
      // The thread's own 'error' listener (below) runs right after this one, in the same emit.
      queueMicrotask(() => {
        const threadId = typeof error === 'object' && error !== null ? this.crashedThreads.get(error) : undefined;
        for (const holder of [...this.holders.values()]) holder.threadCrashed(threadId, error);
      });
    });
    // piscina's workerDestroy reports a dead thread's id as -1: watch each thread's exit instead.
    this.pool.on('workerCreate', () => this.watchThreads());
    this.pool.on('message', (message: unknown) => {
      if (isAnnouncement(message)) this.addThread(message);
    });
  }

  /** A run starts using the pool: it stays up at least until the run lets go. */
  hold(holder: PoolHolder): void {
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    this.holders.set(holder.runId, holder);
  }

  /**
   * A run is done with the pool. When no run holds it any more it is destroyed after
   * `idleTimeoutMs` (unref'd), at once for 0 (the promise is then the destruction).
   */
  release(holder: PoolHolder, idleTimeoutMs: number): Promise<void> | undefined {
    this.holders.delete(holder.runId);
    if (this.holders.size > 0 || this.destroying) return undefined;
    if (idleTimeoutMs <= 0) return this.destroy();
    if (idleTimeoutMs <= MAX_TIMER_MS) {
      this.idleTimer = setTimeout(() => void this.destroy(), idleTimeoutMs);
      this.idleTimer.unref();
    }
    return undefined;
  }

  /** True once destroyed (or being destroyed): a new run gets a new pool. */
  get destroyed(): boolean {
    return this.destroying !== undefined;
  }

  /** Destroys the threads (failing the tasks on them) and forgets the pool. */
  destroy(): Promise<void> {
    if (this.destroying) return this.destroying;
    this.forget();
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.destroying = this.pool.destroy().then(() => {
      this.control.close();
      for (const thread of this.threads.values()) thread.port.close();
      this.threads.clear();
    });
    return this.destroying;
  }

  /**
   * Starts an attempt: its streamed messages go to `sink` until {@link end}. (No
   * AbortSignal: piscina's adds listeners and timers to every task, and a canceled
   * attempt's thread is found through shared memory instead, see {@link terminateAfter}.)
   */
  start(task: Omit<WorkerTask, 'id'>, sink: AttemptSink): { readonly id: number; readonly result: Promise<TaskResult> } {
    const id = this.nextId;
    this.nextId = id === MAX_ID ? 1 : id + 1;
    this.attempts.set(id, sink);
    const result = this.pool.run({ id, request: task.request } satisfies WorkerTask) as Promise<TaskResult>;
    return { id, result };
  }

  /** Stops routing attempt `id`'s messages. */
  end(id: number): void {
    this.attempts.delete(id);
  }

  /** True when `error` is what a thread of this pool died of (its 'error' event), not an error raised on the main thread. */
  threadDiedOf(error: unknown): boolean {
    return typeof error === 'object' && error !== null && this.crashedThreads.has(error);
  }

  /** Asks the thread running attempt `id` (whichever it is, or will be) to cancel it. */
  cancel(id: number, abort: boolean): void {
    this.control.postMessage({ type: 'cancel', id, abort } satisfies ControlMessage);
  }

  /**
   * Terminates the thread running canceled attempt `id` if the attempt has not ended
   * `graceMs` from now (the pool replaces the thread). An attempt still queued then is
   * looked for again until `ended` settles: a thread drops it when it gets to it, having
   * heard the cancel, or else (a thread started after the cancel) runs it and is
   * terminated in turn.
   */
  terminateAfter(id: number, graceMs: number, abort: boolean, ended: Promise<unknown>): void {
    let told = false;
    const check = (): void => {
      const worker = this.runningOn(id);
      if (worker) {
        void worker.terminate();
        return;
      }
      if (!told) {
        // Threads started since the cancel have not heard it.
        told = true;
        this.cancel(id, abort);
      }
      timer = setTimeout(check, RECHECK_MS);
    };
    let timer = setTimeout(check, graceMs);
    void ended.finally(() => clearTimeout(timer));
  }

  /** Terminates thread `threadId` (stuck); resolves once it is gone (the pool replaces it). */
  async terminateThread(threadId: number): Promise<void> {
    await this.pool.threads.find((w) => w.threadId === threadId)?.terminate();
  }

  /** The thread running attempt `id` now, if any. */
  private runningOn(id: number): Worker | undefined {
    for (const [threadId, thread] of this.threads) {
      if (Atomics.load(thread.current, 0) === id) return this.pool.threads.find((w) => w.threadId === threadId);
    }
    return undefined;
  }

  /**
   * Delivers what the thread that answered `result` sent on its port before answering:
   * at once when its port is known (the common case), or once its announcement, already
   * on its way, arrives.
   */
  collect(result: TaskResult): Promise<void> | undefined {
    if (result.sent === 0) return undefined;
    const thread = this.threads.get(result.threadId);
    if (thread) {
      this.drain(thread);
      return undefined;
    }
    return new Promise<void>((resolve) => {
      // A run is waiting on this: keep the process up meanwhile.
      const timer = setTimeout(done, PORT_WAIT_MS);
      const waiters = this.portWaiters.get(result.threadId) ?? [];
      waiters.push(done);
      this.portWaiters.set(result.threadId, waiters);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      const announced = this.threads.get(result.threadId);
      if (announced) this.drain(announced);
    });
  }

  /** Delivers what every thread sent (a task failed without saying which thread ran it). */
  collectAll(): void {
    for (const thread of this.threads.values()) this.drain(thread);
  }

  /**
   * Why a message thread `threadId` sent since its last answer could not be received (see
   * {@link collect}), once; undefined when every one arrived.
   */
  takeLost(threadId: number): unknown {
    const thread = this.threads.get(threadId);
    if (!thread) return undefined;
    const lost = thread.lost;
    thread.lost = undefined;
    return lost;
  }

  private addThread({ threadId, port, current }: PortAnnouncement): void {
    const thread: Thread = { port, current, lost: undefined };
    this.threads.set(threadId, thread);
    port.on('message', (message: ThreadPortMessage) => this.route(message));
    // A message that cannot be deserialised here is dropped by Node: its attempt must not end as if it had arrived.
    port.on('messageerror', (error: unknown) => (thread.lost ??= error));
    port.unref();
    const waiters = this.portWaiters.get(threadId);
    this.portWaiters.delete(threadId);
    for (const waiter of waiters ?? []) waiter();
  }

  private drain(thread: Thread): void {
    for (;;) {
      let received: { message: unknown } | undefined;
      try {
        received = receiveMessageOnPort(thread.port);
      } catch (error) {
        // Node dropped that message (it could not be deserialised); the next one is still there.
        thread.lost ??= error;
        continue;
      }
      if (received === undefined) return;
      this.route(received.message as ThreadPortMessage);
    }
  }

  private route(message: ThreadPortMessage): void {
    const sink = this.attempts.get(message.id);
    for (const m of message.messages) {
      // Reports belong to the run, whether or not the attempt is still listening.
      if (m.type === 'report') this.holders.get(m.runId)?.report(m);
      else sink?.(m);
    }
  }

  private watchThreads(): void {
    for (const worker of this.pool.threads) {
      if (this.watched.has(worker)) continue;
      this.watched.add(worker);
      const id = worker.threadId;
      worker.on('error', (error: unknown) => {
        if (typeof error === 'object' && error !== null) this.crashedThreads.set(error, id);
      });
      worker.once('exit', () => {
        for (const holder of [...this.holders.values()]) holder.threadExited(id);
        // Its answers have been handled (a task on it fails on this same event); what it
        // sent before dying was drained then. Now the port goes.
        setImmediate(() => {
          const thread = this.threads.get(id);
          if (!thread) return;
          this.drain(thread);
          thread.port.close();
          this.threads.delete(id);
        });
      });
    }
  }
}

let loaded: typeof Piscina | undefined;
/** piscina, loaded on the first pool: importing modeflow should not pay for it. */
function piscina(): typeof Piscina {
  return (loaded ??= (createRequire(import.meta.url)('piscina') as { Piscina: typeof Piscina }).Piscina);
}

function execArgvOption(): { execArgv?: string[] } {
  const execArgv = threadExecArgv();
  return execArgv ? { execArgv } : {};
}

function isAnnouncement(message: unknown): message is PortAnnouncement {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'modeflow:thread-port';
}

/** Node's BroadcastChannel has ref()/unref(), which its types leave out. */
function unref(channel: BroadcastChannel): void {
  (channel as unknown as { unref?: () => void }).unref?.();
}
