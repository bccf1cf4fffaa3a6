/**
 * What the queue executor's two sides say to each other through Redis.
 *
 * - A step attempt is one BullMQ job on the queue, its id `runId:stepKey:attempt` (so that
 *   adding it twice adds it once). Its data is a {@link JobData}: the step request without
 *   its signal, v8-serialised (values keep what structured clone keeps), base64 in the job's
 *   JSON. `{ env: NAME }` positions travel as written (`envSources`): the worker reads them
 *   from its own environment, and their values never enter Redis.
 * - What the worker sends back goes on one Redis stream per run ({@link streamKey}), one
 *   {@link WorkerMessage} per entry, v8-serialised, in the order it was sent: a worker took
 *   the job, outputs, logs, resource reports, the attempt's end, the run's teardown done.
 *   Every attempt message names its delivery (a worker and its lock on the job): BullMQ
 *   delivers at least once, so a job whose worker died runs again elsewhere, and the run's
 *   process accepts one outcome per attempt, with that delivery's outputs only.
 * - Cancels and end-of-run teardowns go to every worker on the queue's control channel
 *   (Redis pub/sub, {@link controlChannel}), as {@link ControlMessage}s.
 */
import { deserialize, serialize } from 'node:v8';
import type { ResourceReport } from '../../../lib/define/executor.ts';
import type { SerializedError } from '../../../lib/errors.ts';
import type { HostedStepRequest, LogMessage } from '../step-host/transport.ts';

/** A step attempt as a worker receives it. */
export type QueueStepRequest = HostedStepRequest & {
  /** How long the worker's lock on the job lasts without renewal (`lockDurationMs`). */
  readonly lockDurationMs: number;
  /** The largest v8-serialised message (output) the worker may send (`maxPayloadBytes`). */
  readonly maxPayloadBytes: number;
};

/** The data of one BullMQ job. */
export interface JobData {
  /** The protocol version: a worker refuses a job of another one, saying so. */
  readonly v: typeof PROTOCOL;
  /** The {@link QueueStepRequest}, v8-serialised, base64. */
  readonly request: string;
}

/** 2: `envSources` inside composites (`compositeInputs`, `mapped`), which a worker of 1 would ignore. */
export const PROTOCOL = 2;

/** Who sent an attempt message: the worker, and which delivery of the job it runs. */
export interface Delivery {
  /** The job (= attempt) id. */
  readonly job: string;
  /** One delivery of the job: the worker and its lock token. */
  readonly delivery: string;
  /** The worker's id (`modeflow worker` prints it). */
  readonly worker: string;
}

/** How an attempt ended on a worker. */
export type QueueAttemptEnd =
  { readonly type: 'done' } | { readonly type: 'fail'; readonly error: SerializedError } | { readonly type: 'canceled' };

/** Worker → run, on the run's stream. */
export type WorkerMessage =
  /** A worker took the job; `startedBefore`: how many deliveries of it started before this one. */
  | (Delivery & { readonly t: 'taken'; readonly startedBefore: number })
  | (Delivery & { readonly t: 'output'; readonly output: string; readonly value: unknown })
  | (Delivery & { readonly t: 'log'; readonly log: LogMessage })
  /** A resource report; made during an attempt (with its delivery) or between them (a teardown). */
  | { readonly t: 'report'; readonly worker: string; readonly report: ResourceReport }
  /** The attempt ended; `holds`: the worker keeps something of the run (so it must hear the teardown). */
  | (Delivery & { readonly t: 'end'; readonly end: QueueAttemptEnd; readonly holds: boolean })
  /** The worker tore down what it held of the run. */
  | { readonly t: 'closed'; readonly worker: string };

/** Run → every worker of the queue, on its control channel. */
export type ControlMessage =
  /** Stop these attempts; `abort`: the run was canceled (abort `ctx.signal` too). */
  | { readonly t: 'cancel'; readonly runId: string; readonly jobs: readonly string[]; readonly abort: boolean }
  /** The run ended: tear its resources down (an init still pending gets `initGraceMs`). */
  | { readonly t: 'teardown'; readonly runId: string; readonly initGraceMs: number };

/** The id of a step attempt's job. */
export function jobId(runId: string, stepKey: string, attempt: number): string {
  // BullMQ refuses ids that are plain integers and reads `:` as a separator only in its own keys.
  return `${runId}:${stepKey}:${attempt}`;
}

/** The Redis stream that carries a run's worker messages. */
export function streamKey(queue: string, runId: string): string {
  return `modeflow:${queue}:run:${runId}`;
}

/** The pub/sub channel of a queue's cancels and teardowns. */
export function controlChannel(queue: string): string {
  return `modeflow:${queue}:control`;
}

/** The Redis client name of a worker's connection, by which the run's process sees it is alive. */
export function workerClientName(queue: string, worker: string): string {
  return `modeflow:${queue}:worker:${worker}`;
}

/** The Redis client name of a run's connection, by which its workers see the run's process is alive. */
export function runClientName(queue: string, runId: string): string {
  return `modeflow:${queue}:run:${runId}`;
}

/** The client names of the connections Redis has now (CLIENT LIST). */
export function clientNames(list: string): Set<string> {
  const names = new Set<string>();
  for (const line of list.split('\n')) {
    const name = / name=(\S+)/.exec(line)?.[1];
    if (name) names.add(name);
  }
  return names;
}

/** A message as it goes on the stream (v8); throws what v8 throws for a value it cannot serialise. */
export function encode(message: WorkerMessage | ControlMessage): Buffer {
  return serialize(message);
}

export function decode<M extends WorkerMessage | ControlMessage>(buffer: Buffer): M {
  return deserialize(buffer) as M;
}
