/**
 * A scheduler of tasks whose order comes from a list of picks, so that fast-check can
 * shrink it: fewer and smaller picks mean an order closer to first come, first served.
 * fast-check's own `fc.scheduler()` draws its order from a random source it cannot
 * shrink; with this one a failing interleaving shrinks to the fewest departures from the
 * natural order.
 */
import fc from 'fast-check';
import type { TaskScheduler } from './scheduled-executor.ts';

/** One task of a {@link PickScheduler}, as `report()` lists it. */
export interface ScheduledTask {
  /** 1 for the first task scheduled, 2 for the next, … */
  readonly id: number;
  readonly label: string;
  /** `released` once the scheduler has let it settle. */
  readonly status: 'released' | 'pending';
  /** When released: its place among the pending tasks (0: the oldest, first come first served). */
  readonly position?: number;
  /** When released: how many tasks were pending. */
  readonly among?: number;
}

interface Pending {
  readonly id: number;
  readonly label: string;
  readonly release: () => void;
}

/** Microtask turns without a new task before the run is taken to wait on a task. */
const IDLE_TURNS = 50;

/**
 * A task scheduler (for {@link scheduledExecutor}, and the `fc.Scheduler` calls
 * `schedule`, `waitFor`, `waitIdle`, `report`, `count`) that releases, at each step, the
 * pending task `picks[k] % pending` — the oldest when the picks run out or are 0.
 * Get them from {@link shrinkableScheduler}.
 */
export class PickScheduler implements TaskScheduler {
  readonly picks: readonly number[];
  private pending: Pending[] = [];
  private readonly released: ScheduledTask[] = [];
  private nextId = 0;
  /** Picks used so far: one per release. */
  private used = 0;
  private wake: (() => void) | undefined;

  constructor(picks: readonly number[]) {
    this.picks = picks;
  }

  /** Holds `task` until the scheduler releases it; the returned promise then settles like it. */
  schedule<T>(task: Promise<T>, label = ''): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = ++this.nextId;
      this.pending.push({ id, label, release: () => void task.then(resolve, reject) });
      this.wake?.();
    });
  }

  /** Pending tasks. */
  count(): number {
    return this.pending.length;
  }

  /** Releases tasks one at a time, in the order the picks give, until `promise` settles. */
  async waitFor<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    const done = promise.then(
      () => void (settled = true),
      () => void (settled = true),
    );
    while (!settled) {
      await this.quiet(() => settled);
      if (settled) break;
      if (this.pending.length > 0) this.releaseOne();
      // Nothing to release: something outside the scheduler (a real timer) must move first.
      else await Promise.race([done, new Promise<void>((resolve) => (this.wake = resolve))]);
      this.wake = undefined;
    }
    return promise;
  }

  /** Releases tasks until none is pending, nor scheduled within a few turns. */
  async waitIdle(): Promise<void> {
    for (;;) {
      await this.quiet(() => false);
      if (this.pending.length === 0) return;
      this.releaseOne();
    }
  }

  /** Released tasks in release order, then pending ones. */
  report(): ScheduledTask[] {
    return [...this.released, ...this.pending.map((p) => ({ id: p.id, label: p.label, status: 'pending' as const }))];
  }

  /** The released tasks, one per line; those taken out of first come, first served say so. */
  toString(): string {
    const lines = this.report().map((t, i) => {
      const older = t.position === 1 ? '1 older task' : `${t.position} older tasks`;
      const note = t.status === 'pending' ? ' (pending)' : t.position ? `  <- released ahead of ${older}` : '';
      return `  ${i + 1}. ${t.label || `task ${t.id}`}${note}`;
    });
    const departures = this.released.filter((t) => t.position).length;
    return `schedule, first come first served but for ${departures} task${departures === 1 ? '' : 's'} released early:\n${lines.join('\n')}`;
  }

  [fc.toStringMethod](): string {
    return this.toString();
  }

  /** A fresh scheduler with the same picks: fast-check replays a value with it. */
  [fc.cloneMethod](): PickScheduler {
    return new PickScheduler(this.picks);
  }

  private releaseOne(): void {
    const pick = this.used < this.picks.length ? this.picks[this.used]! : 0;
    this.used++;
    const among = this.pending.length;
    const position = pick % among;
    const [task] = this.pending.splice(position, 1);
    this.released.push({ id: task!.id, label: task!.label, status: 'released', position, among });
    task!.release();
  }

  /** Lets pending callbacks run, until `stop()` or a number of turns passes. */
  private async quiet(stop: () => boolean): Promise<void> {
    for (let turn = 0; turn < IDLE_TURNS && !stop(); turn++) await Promise.resolve();
  }
}

/** What {@link shrinkableScheduler} takes. */
export interface ShrinkableSchedulerOptions {
  /** How many release decisions are drawn (default 200); later ones are first come, first served. */
  readonly maxPicks?: number;
}

/**
 * An arbitrary of task schedulers for {@link scheduledExecutor} whose release order
 * shrinks: a failing interleaving shrinks to the fewest, smallest departures from first
 * come, first served, and prints as the list of released tasks. Use it where you would
 * use `fc.scheduler()`.
 *
 * @example
 * test.prop([shrinkableScheduler()])('never loses an increment', async (s) => {
 *   const result = await s.waitFor(execute(counting(scheduledExecutor(s)), { raiseOnError: false }));
 *   expect(result.output('total')).toBe(2);
 * });
 */
export function shrinkableScheduler(options: ShrinkableSchedulerOptions = {}): fc.Arbitrary<PickScheduler> {
  return fc.array(fc.nat({ max: 0xffff }), { maxLength: options.maxPicks ?? 200, size: 'max' }).map(
    (picks) => new PickScheduler(picks),
    (scheduler) => [...(scheduler as PickScheduler).picks],
  );
}
