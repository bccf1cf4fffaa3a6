import type { MessagePort } from 'node:worker_threads';
import type { ResourceReport, SerializedError } from '../../lib/events.ts';
import type { StepMessage } from '../../lib/step-request.ts';

/**
 * The messages between the workerPool executor (main thread) and its workers. Each step
 * attempt gets its own MessageChannel: the request goes first, then the worker streams
 * outputs, logs and resource reports back on the same port, in order, and ends with
 * `done` or `fail`. End-of-run teardown goes over one BroadcastChannel per run.
 */

/** One step attempt, as a worker receives it: a StepRequest without its signal. */
export interface WorkerStepRequest {
  readonly runId: string;
  /** The run's BroadcastChannel (teardown). */
  readonly channel: string;
  readonly pipelineName: string;
  readonly pipelineModule: string;
  readonly mode: string;
  readonly solid: string;
  readonly stepKey: string;
  readonly attempt: number;
  readonly config: unknown;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly resources: readonly string[];
  readonly resourceConfigs: Readonly<Record<string, unknown>>;
}

/** The piscina task: the worker's end of the step's channel. */
export interface WorkerTask {
  readonly port: MessagePort;
}

/** Main → worker on a step's port, after the request. */
export type ToWorker = {
  readonly type: 'cancel';
  /** The run was canceled: abort `ctx.signal` too (else only the compute stops). */
  readonly abort: boolean;
};

/** A resource report from one worker thread. */
export interface ThreadReport {
  readonly type: 'report';
  readonly threadId: number;
  readonly report: ResourceReport;
}

/** Worker → main on a step's port. */
export type FromWorker =
  | StepMessage
  | ThreadReport
  | { readonly type: 'done' }
  | { readonly type: 'fail'; readonly error: SerializedError };

/** On the run's BroadcastChannel. */
export type RunBroadcast =
  | { readonly type: 'teardown' }
  | ThreadReport
  | { readonly type: 'closed'; readonly threadId: number };
