import type { ResourceReport } from '../../../lib/define/executor.ts';
import { serializeError } from '../../../lib/errors.ts';
import { WorkerCrashedError } from '../../../lib/errors.ts';

/** What one step host holds of a run's resources, as its reports tell it. */
interface Held {
  readonly initialising: Set<string>;
  /** Initialised and not torn down yet, in init order. */
  readonly open: string[];
  /** Acknowledged the end-of-run teardown. */
  done: boolean;
}

/**
 * The run's ledger of the resources each step host (a worker thread, a queue worker)
 * holds for one run, keyed by the host's id: it forwards the hosts' reports as the run's
 * resource events, knows which hosts must acknowledge the end-of-run teardown (every live
 * host that holds anything of the run, even just a failed init: the host outlives the run,
 * and what it keeps for the run is freed by that teardown), and reports the resources of a
 * host that died as not torn down (a `RESOURCE_TEARDOWN` with a `WorkerCrashedError`: its
 * teardown code never ran, which may mean lost writes).
 *
 * Whether that loss fails the run is the executor's fault model, given as `redelivers`:
 * the queue re-delivers a dead worker's step to another worker (at-least-once), so its
 * losses are reported `redelivered` and the run's steps decide its status; in the worker
 * pool a thread's death fails its step and is not re-run, so the loss fails the run as a
 * teardown that throws does.
 */
export class HostLedger<K extends string | number> {
  private readonly hosts = new Map<K, Held>();
  /** Hosts known to be gone; what they reported late (messages in flight) is lost too. */
  private readonly dead = new Set<K>();
  private readonly losing = new Set<K>();
  private settle: (() => void) | undefined;
  private readonly forward: (report: ResourceReport) => void;
  /** A host, as messages name it: `worker thread 3`. */
  private readonly describe: (id: K) => string;
  /** What happens to a host that overstays the teardown: `the thread was terminated`. */
  private readonly fate: string;
  /** The executor delivers a dead host's work again elsewhere: its losses are reported `redelivered`. */
  private readonly redelivers: boolean;

  constructor(forward: (report: ResourceReport) => void, describe: (id: K) => string, fate: string, redelivers = false) {
    this.forward = forward;
    this.describe = describe;
    this.fate = fate;
    this.redelivers = redelivers;
  }

  /** A report from host `host`. */
  report(host: K, report: ResourceReport): void {
    const held = this.held(host);
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
    if (this.dead.has(host)) this.loseLater(host);
  }

  /** Host `host` keeps something of this run (it said so with a step's result). */
  touch(host: K): void {
    if (!this.dead.has(host)) this.held(host);
  }

  private held(host: K): Held {
    let held = this.hosts.get(host);
    if (!held) this.hosts.set(host, (held = { initialising: new Set(), open: [], done: false }));
    return held;
  }

  /** Host `host` tore down everything it held. */
  closed(host: K): void {
    const held = this.hosts.get(host);
    if (held) held.done = true;
    this.check();
  }

  /** Host `host` is gone (crashed, terminated after a cancel, or destroyed). */
  died(host: K): void {
    this.dead.add(host);
    this.loseLater(host);
  }

  /**
   * Reports what a dead host held, once the messages it sent before dying (drained
   * when its task settles) have been counted.
   */
  private loseLater(host: K): void {
    if (this.losing.has(host)) return;
    this.losing.add(host);
    setImmediate(() => {
      this.losing.delete(host);
      const held = this.hosts.get(host);
      if (held) this.lose(host, held);
      this.check();
    });
  }

  private lose(host: K, held: Held): void {
    const flag = this.redelivers ? { redelivered: true as const } : {};
    for (const key of held.initialising) {
      const error = lost(`resource "${key}" was being initialised in ${this.describe(host)}, which died`);
      this.forward({ type: 'RESOURCE_INIT_FAILURE', resource: key, error, ...flag });
    }
    held.initialising.clear();
    for (const key of held.open.reverse()) {
      const error = lost(`resource "${key}" lived in ${this.describe(host)}, which died before its teardown could run`);
      this.forward({ type: 'RESOURCE_TEARDOWN', resource: key, error, ...flag });
    }
    held.open.length = 0;
  }

  /** Live hosts that have not acknowledged the teardown. */
  stuck(): K[] {
    const out: K[] = [];
    for (const [host, held] of this.hosts) if (!held.done && !this.dead.has(host)) out.push(host);
    return out;
  }

  /**
   * Host `host` did not finish the run's teardown within `ms`: what it still holds is
   * reported as not torn down (`timedOut`), and it no longer counts as holding anything.
   */
  timedOut(host: K, ms: number): void {
    const held = this.hosts.get(host);
    if (!held) return;
    for (const key of held.initialising) {
      const error = lost(
        `resource "${key}" was still being initialised in ${this.describe(host)} ${ms} ms after the run ended; ${this.fate}`,
      );
      this.forward({ type: 'RESOURCE_INIT_FAILURE', resource: key, error });
    }
    held.initialising.clear();
    for (const key of held.open.reverse()) {
      const error = lost(
        `resource "${key}" in ${this.describe(host)}: teardown timed out after ${ms} ms (its teardowns ` +
          `had not finished by then); ${this.fate}`,
      );
      this.forward({ type: 'RESOURCE_TEARDOWN', resource: key, error, timedOut: true });
    }
    held.open.length = 0;
    held.done = true;
    this.check();
  }

  /**
   * True while some host holds something of the run: a live one must acknowledge a
   * teardown, a dead one's resources are about to be reported lost.
   */
  get holding(): boolean {
    for (const [host, held] of this.hosts) {
      if (held.done) continue;
      if (!this.dead.has(host) || held.open.length > 0 || held.initialising.size > 0) return true;
    }
    return false;
  }

  /** Resolves once no live host holds resources. */
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
