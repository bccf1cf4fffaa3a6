/**
 * An executor whose interleavings a fast-check scheduler picks: every ready step is in
 * flight at once, and each completion — a compute's value, end or failure, a resource
 * init, a retry's delay, a timer on `ctx.scheduler`, the engine's own next turn — is a
 * task of `fc.scheduler()`, released in the order it chooses.
 */
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { executor, type Executor } from '../define/executor.ts';

/**
 * What {@link scheduledExecutor} needs of a scheduler: fast-check's `fc.Scheduler`
 * (from `fc.scheduler()`, or `fc.schedulerFor(…)` to replay an order) is one.
 */
export interface TaskScheduler {
  schedule<T>(task: Promise<T>, label?: string): Promise<T>;
}

/** What {@link scheduledExecutor} takes besides the scheduler. */
export interface ScheduledExecutorOptions {
  /** The key under `execution` in run config (default `scheduled`). */
  readonly name?: string;
  /** Steps in flight at once (default: every ready step). */
  readonly maxConcurrent?: number;
}

/**
 * An executor definition (for `mode({ executors })`) that keeps every ready step in
 * flight together and releases their async completions — each value, end or failure of
 * a compute, each resource init, each retry's delay and each RxJS timer on
 * `ctx.scheduler` — in the order fast-check's scheduler picks. A property then explores
 * interleavings, and a failing one is reported as the scheduler's list of released
 * tasks (`n1: done`, `resource db: initialised`, `scheduler: after 5 ms`, …). Drive the
 * run with the scheduler: `await s.waitFor(execute(p, …))`. Time is virtual: `now()`
 * starts at 0 and moves to each timer's due time as it is released. Make one per run
 * (per scheduler); `solidGraph.withExecutor(scheduledExecutor(s))` does for generated graphs.
 *
 * @example
 * test.prop([fc.scheduler()])('never loses an increment', async (s) => {
 *   const p = counterPipeline(scheduledExecutor(s));
 *   const result = await s.waitFor(execute(p, { raiseOnError: false }));
 *   expect(result.output('total')).toBe(2);
 * });
 */
export function scheduledExecutor(scheduler: TaskScheduler, options: ScheduledExecutorOptions = {}): Executor {
  return executor({
    name: options.name ?? 'scheduled',
    description: 'ready steps in flight together; completions released in the order a fast-check scheduler picks',
    create: () => ({
      scheduler: new TaskSchedulerLike(scheduler),
      maxConcurrent: options.maxConcurrent ?? Infinity,
      cancelGraceMs: 0,
      hold: (label, release) => void scheduler.schedule(Promise.resolve(), label).then(release),
    }),
  });
}

/** An RxJS scheduler each of whose actions is a task of a fast-check scheduler, on a virtual clock. */
class TaskSchedulerLike implements SchedulerLike {
  readonly tasks: TaskScheduler;
  private clock = 0;

  constructor(tasks: TaskScheduler) {
    this.tasks = tasks;
  }

  now(): number {
    return this.clock;
  }

  /** Time moves forward (only) to what a released action was due at. */
  advanceTo(due: number): void {
    if (due > this.clock) this.clock = due;
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new TaskAction(this, work).schedule(state, delay);
  }
}

/** One scheduled piece of work; rescheduling it (as `interval` does) queues a new task. */
class TaskAction<T> extends Subscription implements SchedulerAction<T> {
  private readonly owner: TaskSchedulerLike;
  private readonly work: (this: SchedulerAction<T>, state?: T) => void;
  /** Only the latest schedule() of an action runs. */
  private pending = 0;

  constructor(owner: TaskSchedulerLike, work: (this: SchedulerAction<T>, state?: T) => void) {
    super();
    this.owner = owner;
    this.work = work;
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    const ticket = ++this.pending;
    const due = this.owner.now() + delay;
    const label = delay > 0 ? `scheduler: after ${delay} ms` : 'scheduler: next turn';
    void this.owner.tasks.schedule(Promise.resolve(), label).then(() => {
      if (this.closed || ticket !== this.pending) return;
      this.owner.advanceTo(due);
      this.work.call(this, state);
    });
    return this;
  }
}
