/**
 * The clock of one run: the executor's scheduler once there is one (virtual under the
 * virtualTime executor), the wall clock before, always read as epoch milliseconds.
 */
import type { SchedulerLike } from 'rxjs';

export class RunClock {
  private scheduler: SchedulerLike | undefined;
  /**
   * Maps the scheduler's clock onto epoch milliseconds (DESIGN: `timestamp` is epoch ms):
   * 0 for a wall-clock scheduler; for a virtual one (starting at frame 0), the wall-clock
   * time the run started at, so that virtual time runs on from there.
   */
  private offset = 0;
  /** Who is being called synchronously right now (a step attempt's compute), if anyone. */
  private caller: object | undefined;
  /** The reading taken for that caller, or -1. */
  private stamp = -1;

  /** Reads `scheduler` from now on. */
  attach(scheduler: SchedulerLike): void {
    this.scheduler = scheduler;
    const offset = Date.now() - scheduler.now();
    this.offset = Math.abs(offset) < 1000 ? 0 : offset;
  }

  now(): number {
    return this.scheduler ? this.scheduler.now() + this.offset : Date.now();
  }

  /** `caller` (a compute) is being called; `end()` when it returns. */
  begin(caller: object): void {
    this.caller = caller;
    this.stamp = -1;
  }

  end(): void {
    this.caller = undefined;
    this.stamp = -1;
  }

  /**
   * The time of something `caller` reports: what it reports while being called (a
   * synchronous compute: all of it) shares one reading, taken at the first report, after
   * its work: reading the clock per report was a visible part of a trivial step's cost
   * (bench: overhead-chain-10,000).
   */
  stampFor(caller: object): number {
    if (this.caller !== caller) return this.now();
    if (this.stamp < 0) this.stamp = this.now();
    return this.stamp;
  }
}
