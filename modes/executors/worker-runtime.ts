import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { asyncScheduler } from 'rxjs';
import { isKind, listNames } from '../../lib/definition.ts';
import { InvalidDefinitionError, ModeflowError, RunCanceledError } from '../../lib/errors.ts';
import { serializeError } from '../../lib/events.ts';
import type { Pipeline } from '../../lib/pipeline.ts';
import { declaredResources, StepContext } from '../../lib/step-context.ts';
import { invokeCompute, type RunningCompute } from '../../operators/run-step.ts';
import { assertCrossable, takeTransferList, uncloneableValue } from './worker-crossing.ts';
import { jsonFields, workerLog } from './worker-log.ts';
import type { FromWorker, ToWorker, WorkerStepRequest, WorkerTask } from './worker-protocol.ts';
import { WorkerRun } from './worker-resources.ts';

/**
 * The worker side of the workerPool executor, loaded by `worker-entry.mjs` in each worker
 * thread. It imports the pipeline's module (through the entry's `load`, which registers
 * tsx for `.ts` modules), finds the pipeline by name among its exports, keeps each run's
 * resources, and runs one step attempt per task, streaming what it produces back.
 */

/** Imports a module by URL (the entry registers tsx first when it is TypeScript). */
export type ModuleLoader = (url: string) => Promise<Record<string, unknown>>;

const pipelines = new Map<string, Promise<Pipeline>>();
const runs = new Map<string, WorkerRun>();

/** Runs one step attempt: the request is waiting on `task.port`; the answer goes back on it. */
export async function runTask(task: WorkerTask, load: ModuleLoader): Promise<void> {
  const port = task.port;
  const received = receiveMessageOnPort(port);
  if (received === undefined) {
    port.close();
    throw new ModeflowError('modeflow worker: a task arrived without its step request');
  }
  try {
    await runAttempt(port, received.message as WorkerStepRequest, load);
  } finally {
    port.close();
  }
}

async function runAttempt(port: MessagePort, request: WorkerStepRequest, load: ModuleLoader): Promise<void> {
  const where = { solid: request.solid, stepKey: request.stepKey };
  const controller = new AbortController();
  let live = true;
  let running: RunningCompute | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const send = (message: FromWorker): void => {
    if (live) port.postMessage(message);
  };
  const fail = (error: unknown): void => {
    send({ type: 'fail', error: serializeError(error) });
    live = false;
    finish();
  };
  port.on('message', (message: ToWorker) => {
    if (message.type !== 'cancel' || !live) return;
    live = false;
    if (message.abort) {
      const reason = new RunCanceledError(`step ${request.stepKey} was canceled with its run`);
      controller.abort(reason);
      runs.get(request.runId)?.abort(reason);
    }
    running?.cancel();
    // The compute gets to settle (its grace period runs in the main thread); then the task ends.
    void Promise.resolve(running?.settled).then(finish, finish);
  });
  let run: WorkerRun | undefined;
  try {
    const pipeline = await loadPipeline(load, request.pipelineModule, request.pipelineName);
    const node = pipeline.node(request.solid);
    if (!node) {
      throw new InvalidDefinitionError(
        `pipeline "${request.pipelineName}" as exported by ${request.pipelineModule} has no solid "${request.solid}" ` +
          `in this worker thread; the module must build the same pipeline in every thread`,
      );
    }
    const mode = pipeline.modes.find((m) => m.name === request.mode)!;
    if (node.solid.resources.length > 0) {
      run = runFor(request);
      run.send = send;
      run.log = (key) => workerLog((m) => send({ ...m, fields: safeFields(m.fields) }), { resource: key });
      await run.ensure(mode, node.solid.resources, request.resourceConfigs);
    }
    if (!live) return void (await finished);
    const values = run?.values ?? {};
    const ctx = new StepContext({
      config: request.config,
      resources: () => declaredResources(request.solid, node.solid.resources, values),
      runId: request.runId,
      pipelineName: request.pipelineName,
      mode: request.mode,
      solid: request.solid,
      stepKey: request.stepKey,
      signal: controller.signal,
      attempt: request.attempt,
      scheduler: asyncScheduler,
      makeLog: () => workerLog((m) => sendLog(port, m, () => live)),
    });
    running = invokeCompute(node.solid, ctx, { ...request.inputs }, {
      output: (output, value) => {
        if (!live) return;
        try {
          postOutput(port, output, value);
        } catch (error) {
          running?.cancel();
          fail(uncloneableValue(where, 'output', output, error));
        }
      },
      done: () => {
        send({ type: 'done' });
        live = false;
        finish();
      },
      fail: (error) => {
        if (live) fail(error);
      },
    });
    await finished;
  } catch (error) {
    if (live) fail(error);
  } finally {
    if (run && run.send === send) run.send = undefined;
  }
}

/** Posts an output, moving the ArrayBuffers of a value marked with `transfer()`. */
function postOutput(port: MessagePort, output: string, value: unknown): void {
  const message: FromWorker = { type: 'output', output, value };
  const transferList = takeTransferList(value);
  if (transferList?.length) {
    try {
      port.postMessage(message, transferList);
      return;
    } catch {
      // A buffer that cannot move (a pooled Buffer's, say) is copied instead.
    }
  }
  port.postMessage(message);
}

function sendLog(port: MessagePort, message: Extract<FromWorker, { type: 'log' }>, live: () => boolean): void {
  if (!live()) return;
  try {
    port.postMessage(message);
  } catch {
    port.postMessage({ ...message, fields: jsonFields(message.fields) });
  }
}

function safeFields(fields: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  try {
    structuredClone(fields);
    return fields;
  } catch {
    return jsonFields(fields);
  }
}

function runFor(request: WorkerStepRequest): WorkerRun {
  let run = runs.get(request.runId);
  if (!run) {
    run = new WorkerRun(request.runId, request.channel, () => runs.delete(request.runId));
    runs.set(request.runId, run);
  }
  return run;
}

/**
 * The pipeline named `name` among the exports of `module`, imported once per thread.
 * Refuses a pipeline with schemas that no value could cross threads with.
 */
function loadPipeline(load: ModuleLoader, module: string, name: string): Promise<Pipeline> {
  const key = `${module}#${name}`;
  let found = pipelines.get(key);
  if (!found) {
    found = load(module).then((exports) => {
      const all = Object.values(exports).filter((v): v is Pipeline => isKind(v, 'pipeline'));
      const pipeline = all.find((p) => p.name === name);
      if (!pipeline) {
        throw new InvalidDefinitionError(
          `pipeline "${name}" is not exported by ${module}: the workerPool executor runs each step in a worker ` +
            `thread, which imports that module and looks for the pipeline among its exports by name. Export it ` +
            `(export const ${name} = pipeline({ name: '${name}', ... })), or pass module: to pipeline() to point at ` +
            `a module that does; pipelines it exports: ${listNames(new Set(all.map((p) => p.name)))}`,
        );
      }
      assertCrossable(name, pipeline.nodes);
      return pipeline;
    });
    pipelines.set(key, found);
  }
  return found;
}
