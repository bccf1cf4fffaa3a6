import { VirtualAction, VirtualTimeScheduler, type SchedulerAction, type Subscription } from 'rxjs';
import { dateTimestampProvider } from 'rxjs/internal/scheduler/dateTimestampProvider';
import { z } from 'zod';
import { executor } from '../../lib/define/executor.ts';

// Captured at load, so that fake timers installed later (vi.useFakeTimers) cannot stall runs.
const realSetImmediate = globalThis.setImmediate;

/**
 * A VirtualTimeScheduler that flushes itself: whenever work is queued it runs, on a
 * macrotask, every action due at the earliest virtual frame (and what those schedule for
 * the same frame), then comes back for the next frame. Virtual time only moves forward
 * once pending Promise callbacks have run, so work that awaits before scheduling a timer
 * still lands on the right frame. Nobody has to call `flush()`.
 */
export class AutoFlushScheduler extends VirtualTimeScheduler {
  private requested = false;
  private running = false;

  constructor() {
    super(VirtualAction, Infinity);
  }

  override schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    const subscription = super.schedule(work, delay, state);
    this.request();
    return subscription;
  }

  /** Runs every queued action now, through all of virtual time (as VirtualTimeScheduler does). */
  override flush(): void {
    while (this.actions.length > 0) this.runFrame();
  }

  private request(): void {
    if (this.requested || this.running) return;
    this.requested = true;
    realSetImmediate(() => {
      this.requested = false;
      this.runFrame();
      if (this.actions.length > 0) this.request();
    });
  }

  /** Runs the actions due at the earliest frame, including those they queue for that frame. */
  private runFrame(): void {
    const actions = this.actions as VirtualAction<unknown>[];
    const first = actions[0];
    if (!first) return;
    const frame = first.delay;
    this.running = true;
    let error: unknown;
    try {
      for (let action = actions[0]; action && action.delay <= frame; action = actions[0]) {
        actions.shift();
        this.frame = action.delay;
        if ((error = action.execute(action.state, action.delay))) break;
      }
    } finally {
      this.running = false;
    }
    if (error) {
      for (let action = actions.shift(); action; action = actions.shift()) action.unsubscribe();
      throw error;
    }
  }
}

/** The TestScheduler of an enclosing `testScheduler.run(...)`, if there is one. */
function activeTestScheduler(): VirtualTimeScheduler | undefined {
  const delegate = (dateTimestampProvider as { delegate?: unknown }).delegate;
  return delegate instanceof VirtualTimeScheduler ? delegate : undefined;
}

/**
 * Runs steps in virtual time, for deterministic tests of retries, delays, timers and
 * cancellation: retry delays, `ctx.scheduler` timers (`timer(100, ctx.scheduler)`) and
 * event timestamps (which start at 0) are virtual, so a one-hour backoff takes no time.
 *
 * Called inside `testScheduler.run(...)` it runs on that TestScheduler, so a run can be
 * asserted with marble diagrams (`expectObservable(run(p))`; there computes must be
 * synchronous or Observables on `ctx.scheduler`: a Promise settles outside virtual time).
 * Elsewhere each run gets its own VirtualTimeScheduler that flushes itself, so `execute`
 * just resolves. At most `maxConcurrent` steps (default 1) are in flight.
 *
 * @example
 * const result = await execute(p, { runConfig: { execution: { virtualTime: {} } } });
 */
export const virtualTimeExecutor = executor({
  name: 'virtualTime',
  description: 'steps in virtual time (RxJS VirtualTimeScheduler / TestScheduler), for deterministic tests',
  config: z.object({
    maxConcurrent: z.number().int().positive().default(1),
    /** Real milliseconds a canceled compute gets to settle (default 0: it only gets pending callbacks). */
    cancelGraceMs: z.number().int().nonnegative().default(0),
  }),
  create: ({ config }) => ({
    scheduler: activeTestScheduler() ?? new AutoFlushScheduler(),
    maxConcurrent: config.maxConcurrent,
    cancelGraceMs: config.cancelGraceMs,
  }),
});
