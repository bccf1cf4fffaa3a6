/**
 * One run's events as the run view holds them: every event in order (the log reads them by
 * index), the library's run state kept with its own reducer step (`applyEvent`, the same
 * state the CLI's live view and `GET /api/runs/:id` use), and per-solid step counts for the
 * graph. Ingesting is O(1) per event; the page ingests a frame's worth at a time.
 */
import { isTerminal, type RunEvent, type TerminalEvent } from '../../../lib/events/events.ts';
import { applyEvent, initialRunState, type RunState, type StepStatus } from '../../../lib/events/run-state.ts';
import type { Tone } from '../ui/status.ts';

/** How a solid's steps stand; a fanned-out solid has many. */
export interface SolidProgress {
  total: number;
  running: number;
  success: number;
  failure: number;
  skipped: number;
  canceled: number;
}

const COUNTER: Readonly<Record<StepStatus, keyof SolidProgress>> = {
  RUNNING: 'running',
  SUCCESS: 'success',
  FAILURE: 'failure',
  SKIPPED: 'skipped',
  CANCELED: 'canceled',
};

export class RunStore {
  readonly events: RunEvent[] = [];
  readonly state: RunState = initialRunState();
  readonly solids = new Map<string, SolidProgress>();
  /** The terminal event, once it has come. */
  terminal: TerminalEvent | undefined;
  /** Step keys that failed (not canceled), in order, for the errors panel. */
  readonly failedSteps: string[] = [];
  private readonly counted = new Map<string, StepStatus>();

  /**
   * Takes the next events of the run, in order.
   *
   * @example
   * store.ingest(batch); store.state.counts.succeeded; // steps done so far
   */
  ingest(batch: readonly RunEvent[]): void {
    for (const event of batch) {
      this.events.push(event);
      applyEvent(this.state, event);
      if ('stepKey' in event && event.stepKey !== undefined && event.type !== 'LOG') this.count(event.stepKey);
      if (event.type === 'STEP_FAILURE' && !event.canceled) this.failedSteps.push(event.stepKey);
      if (isTerminal(event)) this.terminal = event;
    }
  }

  private count(stepKey: string): void {
    const step = this.state.steps[stepKey];
    if (!step) return;
    const before = this.counted.get(stepKey);
    if (before === step.status) return;
    let progress = this.solids.get(step.solid);
    if (!progress) {
      progress = { total: 0, running: 0, success: 0, failure: 0, skipped: 0, canceled: 0 };
      this.solids.set(step.solid, progress);
    }
    if (before === undefined) progress.total++;
    else progress[COUNTER[before]]--;
    progress[COUNTER[step.status]]++;
    this.counted.set(stepKey, step.status);
  }

  /**
   * The tone a solid's node shows: running while any step runs, then failure, canceled,
   * success; skipped when every step was; pending before its first step.
   */
  solidTone(solid: string): Tone {
    const p = this.solids.get(solid);
    if (!p || p.total === 0) return this.terminal && this.terminal.type !== 'RUN_SUCCESS' ? 'skipped' : 'pending';
    if (p.running > 0) return 'running';
    if (p.failure > 0) return 'failure';
    if (p.canceled > 0) return 'canceled';
    if (p.success > 0) return 'success';
    return 'skipped';
  }
}
