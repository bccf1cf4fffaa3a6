import type { Log } from '../../../lib/define/log.ts';
import type { Mode } from '../../../lib/define/mode.ts';
import { ResourceScope } from '../../../lib/engine/resource-scope.ts';
import { RunCanceledError } from '../../../lib/errors.ts';
import type { ResourceReport } from '../../../lib/define/executor.ts';
import type { AttemptTransport, RunLink } from './transport.ts';

/** One resource's run config, as a step request carries it. */
export interface ResourceConfig {
  readonly config: unknown;
  readonly teardownTimeoutMs: number | undefined;
}

/**
 * The resources of one run inside one step host. A step's resources (and what they depend
 * on) are initialised the first time a step of the run needs them here, in dependency
 * order, once; when the run ends it has them torn down in reverse order of init, and the
 * host says so on the run's link. The host outlives the run (a worker thread serves many
 * runs), so each run has its own RunResources, and two runs never see each other's.
 */
export class RunResources {
  private readonly runId: string;
  private readonly scope: ResourceScope;
  private readonly link: RunLink;
  private readonly controller = new AbortController();
  /** The attempt of this run running here now: its reports go with its logs. */
  private attempt: AttemptTransport | undefined;
  /** How resources log: through the step whose need started their init. */
  private log: (key: string) => Log = () => silentLog;
  private queue: Promise<unknown> = Promise.resolve();
  private closing = false;

  constructor(runId: string, mode: Mode, configs: Readonly<Record<string, ResourceConfig>>, link: RunLink) {
    this.runId = runId;
    this.link = link;
    this.scope = new ResourceScope({
      mode,
      configs,
      runId,
      signal: this.controller.signal,
      log: (key) => this.log(key),
      // The error as thrown stays here: it may not survive the trip.
      report: ({ cause: _cause, ...report }) => this.report(report),
    });
  }

  /** Initialised values by key. */
  get values(): Readonly<Record<string, unknown>> {
    return this.scope.values;
  }

  /** An attempt of this run starts here: reports go through it, and inits log through it. */
  attach(attempt: AttemptTransport, log: (key: string) => Log): void {
    this.attempt = attempt;
    this.log = log;
  }

  /** That attempt has ended: reports go on the run's link again. */
  detach(attempt: AttemptTransport): void {
    if (this.attempt === attempt) this.attempt = undefined;
  }

  /** Aborts the `signal` resources were given (the run was canceled). */
  abort(reason: unknown): void {
    this.controller.abort(reason);
  }

  /**
   * Initialises `keys` and their dependencies not held here yet, after any init under way.
   * Rejects with the init error (also for a key whose init failed earlier here).
   */
  ensure(keys: readonly string[]): Promise<void> {
    const next = this.queue.then(() => this.open(keys));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async open(keys: readonly string[]): Promise<void> {
    if (this.closing) throw new RunCanceledError(`run ${this.runId} is being torn down where this step runs; no resource starts now`);
    const failure = await this.scope.open(keys);
    if (failure !== undefined) throw failure;
  }

  private report(report: ResourceReport): void {
    if (this.closing || !this.attempt) this.link.report(report);
    else this.attempt.report(report);
  }

  /**
   * Tears everything down, last first, then says so on the link. An init still pending
   * gets `initGraceMs`, then is abandoned (what it yields later is torn down at once);
   * each teardown gets its `teardownTimeoutMs`.
   */
  async teardown(initGraceMs: number): Promise<void> {
    this.closing = true;
    this.controller.abort();
    await this.scope.close(initGraceMs);
    this.link.closed();
  }
}

const ignore = (): void => undefined;
const silentLog: Log = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore, fatal: ignore };
