/**
 * The drive loop of one run: which steps start, and when. Ready steps wait in a queue;
 * one loop, scheduled on the executor's scheduler, starts them while fewer than
 * `maxConcurrent` are in flight. A step's end feeds the same loop (its outputs go
 * downstream through the frontier, skips are settled iteratively), so a chain of any
 * length runs at constant stack depth.
 */
import type { SchedulerLike } from 'rxjs';
import { InvalidDefinitionError } from '../errors.ts';
import type { ExecutionPlan, PlanNode } from '../plan/plan.ts';
import { ROOT, type Path } from './fan-out.ts';
import { Frontier, type FrontierHost } from './frontier.ts';
import { NO_INPUTS, type Arrival, type SkipReason } from './input-join.ts';
import { ReadyQueue } from './ready-queue.ts';
import { RunningSteps } from './running-steps.ts';
import { Step } from './step.ts';

/** What the loop needs of its run. */
export interface DriveHost {
  /** No more steps start: the run is canceling or ending. */
  readonly stopped: boolean;
  /** Every step is done and none is running. */
  stepsDone(): void;
}

/** What the loop asks of the step runner. */
export interface StepStarter {
  /** Starts `step` (already counted as running). */
  start(step: Step): void;
  /** `step` will not run, for `reason` (the event; the loop takes care of its downstream). */
  skipped(step: Step, reason: SkipReason): void;
  /** `step` (already counted as running) fails at once with `error`. */
  conflict(step: Step, error: unknown): void;
}

export class DriveLoop implements FrontierHost {
  readonly frontier: Frontier;
  /** Started steps not ended yet, in start order; its size is the count in flight. */
  readonly running = new RunningSteps();
  private readonly plan: ExecutionPlan;
  private readonly host: DriveHost;
  private readonly ready: ReadyQueue<Step>;
  private readonly skips: { step: Step; reason: SkipReason }[] = [];
  private steps!: StepStarter;
  private scheduler!: SchedulerLike;
  private maxConcurrent = 1;
  // Re-entrancy guards: the loop never runs inside itself or is scheduled twice, and
  // skips settle in a loop of their own, so that a long chain never recurses.
  private driving = false;
  private driveScheduled = false;
  private settling = false;

  constructor(plan: ExecutionPlan, host: DriveHost) {
    this.plan = plan;
    this.host = host;
    this.frontier = new Frontier(plan, this);
    this.ready = new ReadyQueue<Step>(plan.prioritized);
  }

  /** Starts driving: the steps with no upstream are ready, and run through `steps` on `scheduler`. */
  begin(steps: StepStarter, scheduler: SchedulerLike, maxConcurrent: number): void {
    this.steps = steps;
    this.scheduler = scheduler;
    this.maxConcurrent = maxConcurrent;
    if (this.frontier.unfinished === 0) {
      this.host.stepsDone();
      return;
    }
    for (const node of this.plan.nodes) {
      if (node.upstream.length === 0) this.createStep(node, node.index, ROOT, NO_INPUTS.arrivals, undefined);
    }
    this.scheduleDrive();
  }

  /** A step instance has all its inputs (or knows it lacks some: `skip`). */
  createStep(node: PlanNode, index: number, path: Path, arrivals: readonly Arrival[], skip: SkipReason | undefined): void {
    const step = new Step(node, path, arrivals);
    this.frontier.created(index);
    if (skip) this.skips.push({ step, reason: skip });
    else this.ready.push(step);
  }

  /** Inputs of invocation `target` fan out from different origins: one step for it, failed at once. */
  reportConflict(target: number, [a, b]: [number, number]): void {
    const node = this.plan.nodes[target]!;
    const slot = (i: number) => node.slots[i]!;
    const origin = (i: number) => this.plan.nodes[slot(i).from]!.name;
    const error = new InvalidDefinitionError(
      `solid "${node.name}" joins input "${slot(a).input}" (from "${origin(a)}") and input "${slot(b).input}" ` +
        `(from "${origin(b)}"), which fan out from different origins; collect() one of them first`,
    );
    const step = new Step(node, ROOT, []);
    this.frontier.created(target);
    this.running.add(step);
    this.steps.conflict(step, error);
  }

  /** A started step has ended (succeeded, failed or canceled): it is no longer in flight. */
  release(step: Step): void {
    this.running.delete(step);
  }

  /** A step succeeded: its outputs go downstream. */
  succeeded(step: Step): void {
    this.frontier.deliver(step);
    this.done(step);
  }

  /** A step failed: what depends on it is skipped. */
  failed(step: Step): void {
    this.frontier.failed(step.node.index);
    this.frontier.skipDownstream(step, 'UPSTREAM_FAILED');
    this.done(step);
  }

  /** The run is canceled: ready steps never start. */
  clear(): void {
    this.ready.drain();
  }

  private scheduleDrive(): void {
    if (this.driving || this.driveScheduled || this.host.stopped) return;
    this.driveScheduled = true;
    this.scheduler.schedule(() => {
      this.driveScheduled = false;
      this.drive();
    });
  }

  private drive(): void {
    if (this.driving) return;
    this.driving = true;
    try {
      while (!this.host.stopped) {
        this.settle();
        if (this.running.size >= this.maxConcurrent || this.ready.size === 0) break;
        const step = this.ready.pop()!;
        this.running.add(step);
        this.steps.start(step);
      }
    } finally {
      this.driving = false;
    }
    if (!this.host.stopped && this.frontier.unfinished === 0 && this.running.size === 0) this.host.stepsDone();
  }

  /** Processes skips and finished invocations iteratively: a long chain must not recurse. */
  private settle(): void {
    if (this.settling) return;
    this.settling = true;
    try {
      while (this.skips.length || this.frontier.unsettled) {
        const skip = this.skips.pop();
        if (skip) {
          this.skip(skip.step, skip.reason);
          continue;
        }
        this.frontier.settleNext();
      }
    } finally {
      this.settling = false;
    }
  }

  private skip(step: Step, reason: SkipReason): void {
    this.steps.skipped(step, reason);
    if (reason === 'UPSTREAM_FAILED') this.frontier.failed(step.node.index);
    this.frontier.skipDownstream(step, reason);
    this.done(step);
  }

  private done(step: Step): void {
    this.frontier.done(step.node.index);
    if (this.driving) return;
    this.settle();
    if (this.host.stopped) return;
    if (this.frontier.unfinished === 0 && this.running.size === 0) this.host.stepsDone();
    else this.scheduleDrive();
  }
}
