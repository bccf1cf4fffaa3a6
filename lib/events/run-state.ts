import { produce } from 'immer';
import type { SerializedError } from '../errors.ts';
import type { HookErroredEvent, LogEvent, RunEvent } from './events.ts';

/** Where one step stands. */
export type StepStatus = 'RUNNING' | 'SUCCESS' | 'FAILURE' | 'SKIPPED' | 'CANCELED';

export interface StepState {
  readonly stepKey: string;
  /** Invocation name. */
  readonly solid: string;
  status: StepStatus;
  /** The current (or last) attempt. */
  attempt: number;
  startedAt: number | undefined;
  endedAt: number | undefined;
  error: SerializedError | undefined;
  /** Values emitted so far per output, this attempt (counts; the values stay in the events). A null-prototype object. */
  outputCounts: Record<string, number>;
}

export type RunStatus = 'NOT_STARTED' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELED';

export type ResourceStatus = 'INITIALIZING' | 'READY' | 'FAILED' | 'TORN_DOWN' | 'TEARDOWN_FAILED';

/** Everything a live view needs to know about a run, kept from its events. */
export interface RunState {
  runId: string | undefined;
  pipelineName: string | undefined;
  mode: string | undefined;
  status: RunStatus;
  startedAt: number | undefined;
  endedAt: number | undefined;
  /** By step key; a null-prototype object, so that any step key (`constructor`, `__proto__`) is just a key. */
  steps: Record<string, StepState>;
  /** Step keys in the order they first appeared. */
  stepOrder: string[];
  /** By resource key; a null-prototype object, like `steps`. */
  resources: Record<string, ResourceStatus>;
  counts: { running: number; succeeded: number; failed: number; skipped: number; canceled: number; retries: number };
  /** The last few LOG events. */
  recentLogs: LogEvent[];
  /** Hooks that ran to the end and hooks that threw, with the last few HOOK_ERRORED events. */
  hooks: { completed: number; errored: number; recentErrors: HookErroredEvent[] };
  eventCount: number;
  /** The first error of a failed run. */
  error: SerializedError | undefined;
}

/** How many LOG (and HOOK_ERRORED) events a run state keeps. */
export const RECENT_LOGS = 20;

/** An empty object keyed by user-chosen names: no prototype, so no name is taken already. */
function byName<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A run state before any event. */
export function initialRunState(): RunState {
  return {
    runId: undefined,
    pipelineName: undefined,
    mode: undefined,
    status: 'NOT_STARTED',
    startedAt: undefined,
    endedAt: undefined,
    steps: byName(),
    stepOrder: [],
    resources: byName(),
    counts: { running: 0, succeeded: 0, failed: 0, skipped: 0, canceled: 0, retries: 0 },
    recentLogs: [],
    hooks: { completed: 0, errored: 0, recentErrors: [] },
    eventCount: 0,
    error: undefined,
  };
}

/**
 * Applies one event to a run state in place, in O(1). Used directly on a mutable
 * accumulator, and inside immer's `produce` for frozen snapshots.
 */
export function applyEvent(state: RunState, event: RunEvent): void {
  state.eventCount++;
  switch (event.type) {
    case 'RUN_START':
      state.runId = event.runId;
      state.pipelineName = event.pipelineName;
      state.mode = event.mode;
      state.status = 'STARTED';
      state.startedAt = event.timestamp;
      return;
    case 'RESOURCE_INIT_START':
      state.resources[event.resource] = 'INITIALIZING';
      return;
    case 'RESOURCE_INIT_SUCCESS':
      state.resources[event.resource] = 'READY';
      return;
    case 'RESOURCE_INIT_FAILURE':
      state.resources[event.resource] = 'FAILED';
      return;
    case 'RESOURCE_TEARDOWN':
      state.resources[event.resource] = event.error ? 'TEARDOWN_FAILED' : 'TORN_DOWN';
      return;
    case 'STEP_START': {
      state.steps[event.stepKey] = {
        stepKey: event.stepKey,
        solid: event.solid,
        status: 'RUNNING',
        attempt: 1,
        startedAt: event.timestamp,
        endedAt: undefined,
        error: undefined,
        outputCounts: byName(),
      };
      state.stepOrder.push(event.stepKey);
      state.counts.running++;
      return;
    }
    case 'STEP_OUTPUT': {
      const step = state.steps[event.stepKey];
      if (step) step.outputCounts[event.output] = event.index + 1;
      return;
    }
    case 'STEP_RETRY': {
      const step = state.steps[event.stepKey];
      if (step) {
        step.attempt = event.attempt + 1;
        step.outputCounts = byName();
      }
      state.counts.retries++;
      return;
    }
    case 'STEP_SUCCESS':
    case 'STEP_FAILURE': {
      const step = state.steps[event.stepKey];
      if (!step) return;
      if (step.status === 'RUNNING') state.counts.running--;
      step.endedAt = event.timestamp;
      step.attempt = event.attempt;
      if (event.type === 'STEP_SUCCESS') {
        step.status = 'SUCCESS';
        state.counts.succeeded++;
      } else {
        step.status = event.canceled ? 'CANCELED' : 'FAILURE';
        step.error = event.error;
        if (event.canceled) state.counts.canceled++;
        else state.counts.failed++;
      }
      return;
    }
    case 'STEP_SKIPPED':
      state.steps[event.stepKey] = {
        stepKey: event.stepKey,
        solid: event.solid,
        status: 'SKIPPED',
        attempt: 0,
        startedAt: undefined,
        endedAt: event.timestamp,
        error: undefined,
        outputCounts: byName(),
      };
      state.stepOrder.push(event.stepKey);
      state.counts.skipped++;
      return;
    case 'LOG':
      state.recentLogs.push(event);
      if (state.recentLogs.length > RECENT_LOGS) state.recentLogs.shift();
      return;
    case 'HOOK_COMPLETED':
      state.hooks.completed++;
      return;
    case 'HOOK_ERRORED':
      state.hooks.errored++;
      state.hooks.recentErrors.push(event);
      if (state.hooks.recentErrors.length > RECENT_LOGS) state.hooks.recentErrors.shift();
      return;
    case 'STEP_INPUT':
      return;
    case 'RUN_SUCCESS':
    case 'RUN_CANCELED':
    case 'RUN_FAILURE':
      state.status = event.type === 'RUN_SUCCESS' ? 'SUCCESS' : event.type === 'RUN_CANCELED' ? 'CANCELED' : 'FAILURE';
      state.endedAt = event.timestamp;
      if (event.type === 'RUN_FAILURE') state.error = event.error;
      return;
  }
}

/**
 * The immer reducer over run events: applies a batch of events to a frozen run state and
 * returns the next frozen state, sharing what did not change. Feed it batches (a render
 * tick's worth), not one event at a time.
 *
 * @example
 * let state = initialRunState();
 * run(p).pipe(bufferTime(100)).subscribe((batch) => { state = reduceRunState(state, batch); render(state); });
 */
export function reduceRunState(state: RunState, events: readonly RunEvent[]): RunState {
  if (events.length === 0) return state;
  return produce(state, (draft) => {
    for (const event of events) applyEvent(draft as RunState, event);
  });
}
