/** One attempt of a step run in this process: its compute's sink and the source of its `ctx`. */
import type { SchedulerLike } from 'rxjs';
import type { Log } from '../define/log.ts';
import type { PlanNode } from '../plan/plan.ts';
import type { ComputeSink } from './compute.ts';
import type { Step } from './step.ts';
import type { StepContextSource } from './step-context.ts';

/** What an attempt reports to and reads from: the step runner. */
export interface AttemptHost {
  readonly runId: string;
  readonly pipelineName: string;
  readonly modeName: string;
  readonly signal: AbortSignal;
  readonly scheduler: SchedulerLike;
  /** No more steps start or report. */
  readonly stopped: boolean;
  recordOutput(step: Step, name: string, value: unknown): void;
  stepSucceeded(step: Step): void;
  attemptFailed(step: Step, error: unknown): void;
  resourcesOf(node: PlanNode): Readonly<Record<string, unknown>>;
  stepLog(step: Step): Log;
}

/**
 * One attempt of one step: the sink its compute reports to and the source of its `ctx`
 * fields. One object per attempt instead of a closure per callback; what it reports
 * after the step has moved on (a later attempt, an end, a canceled run) is ignored.
 */
export class Attempt implements ComputeSink, StepContextSource {
  private readonly host: AttemptHost;
  readonly step: Step;
  readonly config: unknown;
  readonly attempt: number;

  constructor(host: AttemptHost, step: Step, config: unknown) {
    this.host = host;
    this.step = step;
    this.config = config;
    this.attempt = step.attempt;
  }

  // Read once, by the StepContext built from this attempt.
  get runId(): string {
    return this.host.runId;
  }
  get pipelineName(): string {
    return this.host.pipelineName;
  }
  get mode(): string {
    return this.host.modeName;
  }
  get solid(): string {
    return this.step.node.name;
  }
  get stepKey(): string {
    return this.step.key;
  }
  get signal(): AbortSignal {
    return this.host.signal;
  }
  get scheduler(): SchedulerLike {
    return this.host.scheduler;
  }

  get live(): boolean {
    return this.step.token === this && !this.host.stopped;
  }

  output(name: string, value: unknown): void {
    if (this.live) this.host.recordOutput(this.step, name, value);
  }

  done(): void {
    if (this.live) this.host.stepSucceeded(this.step);
  }

  fail(error: unknown): void {
    if (this.live) this.host.attemptFailed(this.step, error);
  }

  resources(): Readonly<Record<string, unknown>> {
    return this.host.resourcesOf(this.step.node);
  }

  makeLog(): Log {
    return this.host.stepLog(this.step);
  }
}
