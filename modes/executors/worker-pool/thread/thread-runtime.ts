/**
 * The worker side of the workerPool executor, loaded by `worker-entry.mjs` in each worker
 * thread: the step host, over this thread's port. Each piscina task is one step attempt;
 * the task's result is the attempt's answer, and what must arrive while it runs goes over
 * the port. A thread serves many runs (its pool outlives them): the host keeps each run's
 * resources until the main thread broadcasts that run's teardown.
 */
import { threadId } from 'node:worker_threads';
import { serializeError, type SerializedError } from '../../../../lib/errors.ts';
import { StepHost, type AttemptEnd, type ModuleLoader } from '../../step-host/step-host.ts';
import { assertCrossable } from '../crossing.ts';
import type { TaskEnd, TaskResult, WorkerStepRequest, WorkerTask } from '../protocol.ts';
import { RunChannel } from './run-channel.ts';
import { current, ThreadPort } from './thread-port.ts';

/** What the entry offers besides `load`: cancels from the main thread. */
export interface WorkerControl {
  /** Calls `cancel` when attempt `id` is canceled (at once if it already was); returns the unsubscribe. */
  onCancel(id: number, cancel: (abort: boolean) => void): () => void;
}

let host: StepHost<WorkerStepRequest> | undefined;

/** Runs one step attempt and answers with its result. */
export async function runTask(task: WorkerTask, load: ModuleLoader, control: WorkerControl): Promise<TaskResult> {
  const { id, request } = task;
  host ??= new StepHost<WorkerStepRequest>({
    load,
    openRun: (first, teardown) => new RunChannel(first.channel, first.runId, teardown),
    check: (pipeline) => assertCrossable(pipeline.name, pipeline.nodes),
    where: 'the workerPool executor runs each step in a worker thread',
    host: 'worker thread',
  });
  const port = new ThreadPort(id, request);
  let end: TaskEnd;
  Atomics.store(current, 0, id);
  try {
    end = taskEnd(await host.run(request, port, (cancel) => control.onCancel(id, cancel)));
  } catch (error) {
    end = { type: 'fail', error: sendable(error) };
  } finally {
    Atomics.store(current, 0, 0);
  }
  const outputs = port.close();
  return { threadId, sent: port.sent, holds: host.holds(request.runId), outputs: end.type === 'done' ? outputs : [], end };
}

function taskEnd(end: AttemptEnd): TaskEnd {
  return end.type === 'fail' ? { type: 'fail', error: sendable(end.error) } : end;
}

/** An error as the result can carry it: serialised, and plain enough to clone. */
function sendable(error: unknown): SerializedError {
  const serialized = serializeError(error);
  try {
    structuredClone(serialized);
    return serialized;
  } catch {
    return { name: serialized.name, message: serialized.message, stack: serialized.stack };
  }
}
