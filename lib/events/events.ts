import type { LevelName } from '../define/log.ts';
import type { SerializedError } from '../errors.ts';

/** Fields every event has. */
export interface EventBase {
  readonly runId: string;
  readonly pipelineName: string;
  readonly mode: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

/** Fields of events that belong to one step. */
export interface StepEventBase extends EventBase {
  readonly stepKey: string;
  /** Invocation name. */
  readonly solid: string;
}

export interface RunStartEvent extends EventBase {
  readonly type: 'RUN_START';
  readonly executor: string;
  /**
   * The run config as given; `{ env: NAME }` sources show their names, never values. Inputs
   * given in code (`RunOptions.inputs`) appear as `inputs: { [solid]: [input, …] }`: names
   * only (drop that key to run the config again).
   */
  readonly runConfig: unknown;
  readonly select: string | undefined;
  readonly tags: Readonly<Record<string, unknown>>;
  readonly preset: string | undefined;
}
export interface ResourceInitStartEvent extends EventBase {
  readonly type: 'RESOURCE_INIT_START';
  readonly resource: string;
}
export interface ResourceInitSuccessEvent extends EventBase {
  readonly type: 'RESOURCE_INIT_SUCCESS';
  readonly resource: string;
  readonly durationMs: number;
}
export interface ResourceInitFailureEvent extends EventBase {
  readonly type: 'RESOURCE_INIT_FAILURE';
  readonly resource: string;
  readonly error: SerializedError;
  /**
   * True when the init never finished because the process running it died, and the
   * executor delivered that process's work again elsewhere (a queue worker killed
   * mid-init): logged at `warn`, and it does not fail the run.
   */
  readonly redelivered?: true;
}
export interface ResourceTeardownEvent extends EventBase {
  readonly type: 'RESOURCE_TEARDOWN';
  readonly resource: string;
  /** Present when the teardown threw, did not settle within `teardownTimeoutMs`, or never ran (its process died). */
  readonly error?: SerializedError;
  /** True when the teardown did not settle within `teardownTimeoutMs` (and was given up on). */
  readonly timedOut?: true;
  /**
   * True when the teardown never ran because the process holding the resource died, and
   * the executor delivered that process's work again elsewhere (a queue worker killed
   * mid-step: its step completes on another worker): the loss is logged at `warn` and does
   * not fail the run. Without it, a teardown with an `error` fails the run.
   */
  readonly redelivered?: true;
}
export interface StepStartEvent extends StepEventBase {
  readonly type: 'STEP_START';
}
export interface StepInputEvent extends StepEventBase {
  readonly type: 'STEP_INPUT';
  readonly input: string;
  /** Where the value came from: `<stepKey>.<output>`, or `config`. */
  readonly source: string;
}
export interface StepOutputEvent extends StepEventBase {
  readonly type: 'STEP_OUTPUT';
  readonly output: string;
  readonly value: unknown;
  /** 0 for the first value of this output, 1 for the second, … */
  readonly index: number;
  readonly attempt: number;
}
export interface StepSuccessEvent extends StepEventBase {
  readonly type: 'STEP_SUCCESS';
  readonly durationMs: number;
  readonly attempt: number;
}
export interface StepFailureEvent extends StepEventBase {
  readonly type: 'STEP_FAILURE';
  readonly error: SerializedError;
  readonly attempt: number;
  readonly durationMs: number;
  /** True when the step was stopped by the run being canceled. */
  readonly canceled: boolean;
}
export interface StepSkippedEvent extends StepEventBase {
  readonly type: 'STEP_SKIPPED';
  /** Why: an upstream failed, or an upstream did not produce the output this step needs. */
  readonly reason: 'UPSTREAM_FAILED' | 'OUTPUT_NOT_PRODUCED';
}
export interface StepRetryEvent extends StepEventBase {
  readonly type: 'STEP_RETRY';
  /** The attempt that failed; the next is `attempt + 1`. */
  readonly attempt: number;
  readonly error: SerializedError;
  readonly delayMs: number;
}
export interface LogEvent extends EventBase {
  readonly type: 'LOG';
  readonly level: LevelName;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly stepKey?: string;
  readonly solid?: string;
}
/** Which hook ran, and for which step (absent for a run hook). */
export interface HookEventBase extends EventBase {
  /** The hook's name. */
  readonly hook: string;
  /** What fired it: a step's `success`, `failure`, `skipped`, `retry`, or the run's `runSuccess`, `runFailure`. */
  readonly on: 'success' | 'failure' | 'skipped' | 'retry' | 'runSuccess' | 'runFailure';
  /** The step it watched; absent for a run hook. */
  readonly stepKey?: string;
  /** That step's invocation name; absent for a run hook. */
  readonly solid?: string;
}
export interface HookCompletedEvent extends HookEventBase {
  readonly type: 'HOOK_COMPLETED';
  readonly durationMs: number;
}
/** The hook threw or rejected; the run's status does not change. */
export interface HookErroredEvent extends HookEventBase {
  readonly type: 'HOOK_ERRORED';
  readonly error: SerializedError;
}
export interface RunSuccessEvent extends EventBase {
  readonly type: 'RUN_SUCCESS';
  readonly durationMs: number;
}
export interface RunFailureEvent extends EventBase {
  readonly type: 'RUN_FAILURE';
  readonly durationMs: number;
  /** The first error of the run. */
  readonly error: SerializedError | undefined;
  /** Step keys that failed, in order. */
  readonly failedSteps: readonly string[];
}
export interface RunCanceledEvent extends EventBase {
  readonly type: 'RUN_CANCELED';
  readonly durationMs: number;
}

/** Everything a run emits, discriminated on `type`. */
export type RunEvent =
  | RunStartEvent
  | ResourceInitStartEvent
  | ResourceInitSuccessEvent
  | ResourceInitFailureEvent
  | StepStartEvent
  | StepInputEvent
  | StepOutputEvent
  | StepSuccessEvent
  | StepFailureEvent
  | StepSkippedEvent
  | StepRetryEvent
  | LogEvent
  | ResourceTeardownEvent
  | HookCompletedEvent
  | HookErroredEvent
  | RunSuccessEvent
  | RunFailureEvent
  | RunCanceledEvent;

export type RunEventType = RunEvent['type'];

/** The terminal events; exactly one ends every run. */
export type TerminalEvent = RunSuccessEvent | RunFailureEvent | RunCanceledEvent;

/** True for `RUN_SUCCESS`, `RUN_FAILURE` and `RUN_CANCELED`. */
export function isTerminal(event: RunEvent): event is TerminalEvent {
  return event.type === 'RUN_SUCCESS' || event.type === 'RUN_FAILURE' || event.type === 'RUN_CANCELED';
}
