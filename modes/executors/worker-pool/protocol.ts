import type { MessagePort } from 'node:worker_threads';
import type { StepMessage } from '../../../lib/define/step-request.ts';
import type { SerializedError } from '../../../lib/errors.ts';
import type { ResourceReport } from '../../../lib/define/executor.ts';
import type { HostedStepRequest } from '../step-host/transport.ts';

/**
 * The messages between the workerPool executor (main thread) and its workers.
 *
 * - A step attempt is one piscina task ({@link WorkerTask}): the request goes with the
 *   task, and the task's result ({@link TaskResult}) is the attempt's answer, carrying the
 *   outputs that were still queued when the compute finished (in the common case all of
 *   them), so that a step costs piscina's two messages and nothing more.
 * - What must arrive while the compute runs (logs, resource reports, outputs that are not
 *   plain data or are marked with `transfer()`, outputs of a compute still running a turn
 *   later) goes over the thread's own port ({@link ThreadPortMessage}), created once per
 *   thread and handed to the main thread through piscina's `message` event. Everything an
 *   attempt sent there was sent before its result, so the main thread drains that port
 *   when the result arrives and sees it all, in order.
 * - Cancels go over the pool's control BroadcastChannel ({@link ControlMessage}): the main
 *   thread does not know which thread runs an attempt. Each thread shows the attempt it
 *   runs in shared memory ({@link PortAnnouncement}), so that the main thread can
 *   terminate the one whose canceled attempt does not end within the grace period.
 * - End-of-run teardown goes over one BroadcastChannel per run ({@link RunBroadcast}).
 */

/** One step attempt, as a worker receives it: a StepRequest without its signal, and the run's channel. */
export type WorkerStepRequest = HostedStepRequest & {
  /** The run's BroadcastChannel (teardown). */
  readonly channel: string;
};

/** The piscina task: one step attempt, numbered by the pool. */
export interface WorkerTask {
  /** Unique within the pool: names the attempt on the thread port and in cancels. */
  readonly id: number;
  readonly request: WorkerStepRequest;
}

/** How an attempt ended, in a worker. */
export type TaskEnd =
  | { readonly type: 'done' }
  | { readonly type: 'fail'; readonly error: SerializedError }
  /** Canceled by the main thread; nothing more to report. */
  | { readonly type: 'canceled' };

/** The piscina task's result. */
export interface TaskResult {
  /** The thread that ran the attempt. */
  readonly threadId: number;
  /** How many messages the attempt sent on the thread port before this result. */
  readonly sent: number;
  /** The thread holds resources of the attempt's run (so it must hear the run's teardown). */
  readonly holds: boolean;
  /** Outputs (and only outputs) still queued when the attempt ended, in order, after what went on the port. */
  readonly outputs: readonly StepMessage[];
  readonly end: TaskEnd;
}

/** A resource report from one worker thread, about one run's resources. */
export interface ThreadReport {
  readonly type: 'report';
  readonly runId: string;
  readonly threadId: number;
  readonly report: ResourceReport;
}

/** What an attempt streams on the thread port while it runs. */
export type AttemptMessage = StepMessage | ThreadReport;

/** Worker → main on the thread port. */
export interface ThreadPortMessage {
  /** The attempt (a {@link WorkerTask} id). */
  readonly id: number;
  readonly messages: readonly AttemptMessage[];
}

/** Worker → main through piscina's `message` event, once per thread: the thread's port. */
export interface PortAnnouncement {
  readonly type: 'modeflow:thread-port';
  readonly threadId: number;
  readonly port: MessagePort;
  /**
   * One Int32 over a SharedArrayBuffer: the id of the attempt the thread runs, 0 between
   * attempts. The main thread reads it to find the thread of a canceled attempt that
   * overstays its grace period (a busy thread cannot answer a message).
   */
  readonly current: Int32Array;
}

/** Main → workers on the pool's control channel. */
export type ControlMessage = {
  readonly type: 'cancel';
  readonly id: number;
  /** The run was canceled: abort `ctx.signal` too (else only the compute stops). */
  readonly abort: boolean;
};

/** On the run's BroadcastChannel. */
export type RunBroadcast =
  /** Tear the run's resources down; an init still pending gets `initGraceMs`, then is abandoned. */
  { readonly type: 'teardown'; readonly initGraceMs: number } | ThreadReport | { readonly type: 'closed'; readonly threadId: number };
