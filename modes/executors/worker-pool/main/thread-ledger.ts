import type { ResourceReport } from '../../../../lib/define/executor.ts';
import { serializeError } from '../../../../lib/errors.ts';
import { WorkerCrashedError } from '../../../../lib/errors.ts';

/** What one worker thread holds of a run's resources, as its reports tell it. */
interface Held {
  readonly initialising: Set<string>;
  /** Initialised and not torn down yet, in init order. */
  readonly open: string[];
  /** Acknowledged the end-of-run teardown. */
  done: boolean;
}

/**
 * The main thread's ledger of the resources each worker thread holds for one run: it
 * forwards the threads' reports as the run's resource events, knows which threads must
 * acknowledge the end-of-run teardown (every live thread that holds anything of the run,
 * even just a failed init: the thread outlives the run, and what it keeps for the run is
 * freed by that teardown), and reports the resources of a thread that died as not torn
 * down (a `RESOURCE_TEARDOWN` with a `WorkerCrashedError`: its teardown code never ran,
 * which may mean lost writes, so the run fails as for a teardown that throws).
 */
export class ThreadLedger {
  private readonly threads = new Map<number, Held>();
  /** Threads known to be gone; what they reported late (messages in flight) is lost too. */
  private readonly dead = new Set<number>();
  private readonly losing = new Set<number>();
  private settle: (() => void) | undefined;
  private readonly forward: (report: ResourceReport) => void;

  constructor(forward: (report: ResourceReport) => void) {
    this.forward = forward;
  }

  /** A report from thread `threadId`. */
  report(threadId: number, report: ResourceReport): void {
    const held = this.held(threadId);
    const key = report.resource;
    if (report.type === 'RESOURCE_INIT_START') held.initialising.add(key);
    else if (report.type === 'RESOURCE_INIT_SUCCESS') {
      held.initialising.delete(key);
      held.open.push(key);
    } else if (report.type === 'RESOURCE_INIT_FAILURE') held.initialising.delete(key);
    else {
      const at = held.open.lastIndexOf(key);
      if (at >= 0) held.open.splice(at, 1);
    }
    this.forward(report);
    if (this.dead.has(threadId)) this.loseLater(threadId);
  }

  /** Thread `threadId` keeps something of this run (it said so with a step's result). */
  touch(threadId: number): void {
    if (!this.dead.has(threadId)) this.held(threadId);
  }

  private held(threadId: number): Held {
    let held = this.threads.get(threadId);
    if (!held) this.threads.set(threadId, (held = { initialising: new Set(), open: [], done: false }));
    return held;
  }

  /** Thread `threadId` tore down everything it held. */
  closed(threadId: number): void {
    const held = this.threads.get(threadId);
    if (held) held.done = true;
    this.check();
  }

  /** Thread `threadId` is gone (crashed, terminated after a cancel, or destroyed). */
  died(threadId: number): void {
    this.dead.add(threadId);
    this.loseLater(threadId);
  }

  /**
   * Reports what a dead thread held, once the messages it sent before dying (drained
   * when its task settles) have been counted.
   */
  private loseLater(threadId: number): void {
    if (this.losing.has(threadId)) return;
    this.losing.add(threadId);
    setImmediate(() => {
      this.losing.delete(threadId);
      const held = this.threads.get(threadId);
      if (held) this.lose(threadId, held);
      this.check();
    });
  }

  private lose(threadId: number, held: Held): void {
    for (const key of held.initialising) {
      const error = lost(`resource "${key}" was being initialised in worker thread ${threadId}, which died`);
      this.forward({ type: 'RESOURCE_INIT_FAILURE', resource: key, error });
    }
    held.initialising.clear();
    for (const key of held.open.reverse()) {
      const error = lost(`resource "${key}" lived in worker thread ${threadId}, which died before its teardown could run`);
      this.forward({ type: 'RESOURCE_TEARDOWN', resource: key, error });
    }
    held.open.length = 0;
  }

  /** Live threads that have not acknowledged the teardown. */
  stuck(): number[] {
    const out: number[] = [];
    for (const [threadId, held] of this.threads) if (!held.done && !this.dead.has(threadId)) out.push(threadId);
    return out;
  }

  /**
   * Thread `threadId` did not finish the run's teardown within `ms`: what it still holds is
   * reported as not torn down (`timedOut`), and it no longer counts as holding anything.
   */
  timedOut(threadId: number, ms: number): void {
    const held = this.threads.get(threadId);
    if (!held) return;
    for (const key of held.initialising) {
      const error = lost(
        `resource "${key}" was still being initialised in worker thread ${threadId} ${ms} ms after the run ended; the thread was terminated`,
      );
      this.forward({ type: 'RESOURCE_INIT_FAILURE', resource: key, error });
    }
    held.initialising.clear();
    for (const key of held.open.reverse()) {
      const error = lost(
        `resource "${key}" in worker thread ${threadId}: teardown timed out after ${ms} ms (the thread's teardowns ` +
          `had not finished by then); the thread was terminated`,
      );
      this.forward({ type: 'RESOURCE_TEARDOWN', resource: key, error, timedOut: true });
    }
    held.open.length = 0;
    held.done = true;
    this.check();
  }

  /**
   * True while some thread holds something of the run: a live one must acknowledge a
   * teardown, a dead one's resources are about to be reported lost.
   */
  get holding(): boolean {
    for (const [threadId, held] of this.threads) {
      if (held.done) continue;
      if (!this.dead.has(threadId) || held.open.length > 0 || held.initialising.size > 0) return true;
    }
    return false;
  }

  /** Resolves once no live thread holds resources. */
  whenReleased(): Promise<void> {
    if (!this.holding) return Promise.resolve();
    return new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  private check(): void {
    if (this.settle && !this.holding) {
      const settle = this.settle;
      this.settle = undefined;
      settle();
    }
  }
}

function lost(message: string) {
  return serializeError(new WorkerCrashedError(message));
}
