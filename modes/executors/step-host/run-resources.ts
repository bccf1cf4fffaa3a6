import { BroadcastChannel, threadId } from 'node:worker_threads';
import type { ResourceReport } from '../../../lib/events/events.ts';
import type { Log } from '../../../lib/define/log.ts';
import type { Mode } from '../../../lib/define/mode.ts';
import { RunCanceledError } from '../../../lib/errors.ts';
import { resourceOrder } from '../../../lib/plan/plan.ts';
import { ResourceScope } from '../../../lib/engine/resource-scope.ts';
import type { RunBroadcast, ThreadReport } from '../worker-pool/protocol.ts';

/**
 * The resources of one run inside one worker thread. A step's resources (and what they
 * depend on) are initialised on its first use in this thread, in dependency order, once;
 * at the end of the run the main thread broadcasts `teardown` and they are torn down in
 * reverse order of init, reported, and acknowledged with `closed`. The thread outlives
 * the run (its pool is shared across runs), so each run has its own WorkerRun, keyed by
 * run id, and two runs on one thread never see each other's resources.
 */
export class WorkerRun {
  /** Initialised values by key (no prototype: any key is only there once initialised). */
  readonly values: Record<string, unknown> = Object.create(null);
  /** Where reports go while a step of this run runs (the thread port, in order with its logs); undefined between steps. */
  send: ((message: ThreadReport) => void) | undefined;
  /** How resources log: through the step that initialises them (set per step). */
  log: (key: string) => Log = () => silentLog;

  private readonly scopes: ResourceScope[] = [];
  private readonly failed = new Map<string, unknown>();
  private readonly controller = new AbortController();
  private readonly channel: BroadcastChannel;
  private queue: Promise<unknown> = Promise.resolve();
  private closing = false;
  private readonly runId: string;

  constructor(runId: string, channelName: string, onClosed: () => void) {
    this.runId = runId;
    this.channel = new BroadcastChannel(channelName);
    this.channel.onmessage = (event: unknown) => {
      const message = (event as { data: RunBroadcast }).data;
      if (message.type !== 'teardown' || this.closing) return;
      void this.teardown(message.initGraceMs).then(onClosed);
    };
  }

  /** Aborts the `signal` resources were given (the run was canceled). */
  abort(reason: unknown): void {
    this.controller.abort(reason);
  }

  /**
   * Initialises `keys` and their dependencies that this thread does not hold yet.
   * Rejects with the init error (also for a key whose init failed earlier here).
   */
  ensure(mode: Mode, keys: readonly string[], configs: Readonly<Record<string, WorkerResourceConfig>>): Promise<void> {
    const next = this.queue.then(() => this.open(mode, keys, configs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async open(mode: Mode, keys: readonly string[], configs: Readonly<Record<string, WorkerResourceConfig>>): Promise<void> {
    if (this.closing) throw new RunCanceledError(`run ${this.runId} is being torn down in this thread; no resource starts now`);
    const needed = resourceOrder(mode, keys).filter((k) => !Object.hasOwn(this.values, k));
    for (const key of needed) if (this.failed.has(key)) throw this.failed.get(key);
    if (needed.length === 0) return;
    let failedKey: string | undefined;
    const scope = new ResourceScope({
      mode,
      keys: needed,
      configs,
      runId: this.runId,
      signal: this.controller.signal,
      log: (key) => this.log(key),
      report: ({ cause: _cause, ...report }) => {
        if (report.type === 'RESOURCE_INIT_FAILURE') failedKey = report.resource;
        this.report(report);
      },
    });
    // Dependencies opened by an earlier scope are handed to this one's inits.
    Object.assign(scope.values, this.values);
    this.scopes.push(scope);
    const failure = await scope.open();
    Object.assign(this.values, scope.values);
    if (failure !== undefined) {
      this.failed.set(failedKey ?? needed[0]!, failure);
      throw failure;
    }
  }

  private report(report: ResourceReport): void {
    const message: ThreadReport = { type: 'report', runId: this.runId, threadId, report };
    if (this.closing || !this.send) this.channel.postMessage(message);
    else this.send(message);
  }

  /**
   * Tears down every scope, last first, then acknowledges on the run's channel. An init
   * still pending gets `initGraceMs`, then is abandoned (its scope tears down what it
   * yields later); each teardown gets its `teardownTimeoutMs`.
   */
  private async teardown(initGraceMs: number): Promise<void> {
    this.closing = true;
    this.controller.abort();
    for (const scope of [...this.scopes].reverse()) await scope.close(initGraceMs);
    this.channel.postMessage({ type: 'closed', threadId } satisfies RunBroadcast);
    this.channel.close();
  }
}

/** One resource's run config, as a step request carries it to a thread. */
export interface WorkerResourceConfig {
  readonly config: unknown;
  readonly teardownTimeoutMs: number;
}

const ignore = (): void => undefined;
const silentLog: Log = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore, fatal: ignore };
