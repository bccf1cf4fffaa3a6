import { MessageChannel, parentPort, threadId } from 'node:worker_threads';
import { asyncScheduler } from 'rxjs';
import { listNames } from '../../../../lib/define/definition.ts';
import { InvalidDefinitionError, RunCanceledError } from '../../../../lib/errors.ts';
import { serializeError, type SerializedError } from '../../../../lib/events/events.ts';
import { exportedPipelines, type Pipeline } from '../../../../lib/define/pipeline.ts';
import type { StepMessage } from '../../../../lib/define/step-request.ts';
import { declaredResources, StepContext } from '../../../../lib/engine/step-context.ts';
import { invokeCompute, type RunningCompute } from '../../../../lib/engine/compute.ts';
import { assertCrossable, lostClassOf, lostClassWarning, takeTransferList, uncloneableValue } from '../crossing.ts';
import { jsonFields, workerLog } from './thread-log.ts';
import type { AttemptMessage, PortAnnouncement, TaskEnd, TaskResult, ThreadPortMessage, ThreadReport, WorkerStepRequest, WorkerTask } from '../protocol.ts';
import { WorkerRun, type WorkerResourceConfig } from '../../step-host/run-resources.ts';
import { DEFAULT_TEARDOWN_TIMEOUT_MS } from '../../../../lib/config/run-config-schema.ts';

/**
 * The worker side of the workerPool executor, loaded by `worker-entry.mjs` in each worker
 * thread. It imports the pipeline's module (through the entry's `load`, which registers
 * tsx for `.ts` modules) once per thread, finds the pipeline by name among its exports,
 * keeps each run's resources (a {@link WorkerRun} per run id, torn down at the end of that
 * run), and runs one step attempt per task: the task's result is the attempt's answer,
 * and what must arrive while it runs goes over this thread's port.
 */

/** Imports a module by URL (the entry registers tsx first when it is TypeScript). */
export type ModuleLoader = (url: string) => Promise<Record<string, unknown>>;

/** What the entry offers besides `load`: cancels from the main thread. */
export interface WorkerControl {
  /** Calls `cancel` when attempt `id` is canceled (at once if it already was); returns the unsubscribe. */
  onCancel(id: number, cancel: (abort: boolean) => void): () => void;
}

const pipelines = new Map<string, Promise<Pipeline>>();
const runs = new Map<string, WorkerRun>();

/** The attempt this thread runs (0: none), shared with the main thread. */
const current = new Int32Array(new SharedArrayBuffer(4));

/** This thread's port to the main thread, announced once through piscina's `message` event. */
const port = (() => {
  const { port1, port2 } = new MessageChannel();
  parentPort?.postMessage({ type: 'modeflow:thread-port', threadId, port: port2, current } satisfies PortAnnouncement, [port2]);
  return port1;
})();

/**
 * What one attempt sends to the main thread. Outputs that surely clone (plain data) wait
 * in a queue: those still there when the attempt ends travel in the task's result, at no
 * extra message; a compute still running a turn later has them flushed to the port.
 * Everything else (logs, reports, other outputs) goes on the port at once, after the
 * queue, so the order is kept.
 */
class Outbox {
  /** Port messages sent. */
  sent = 0;
  private queued: StepMessage[] = [];
  private flushing = false;
  private open = true;
  private readonly id: number;

  constructor(id: number) {
    this.id = id;
  }

  /** Queues an output known to clone. */
  queue(message: StepMessage): void {
    this.queued.push(message);
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => {
      this.flushing = false;
      if (this.open) this.flush();
    });
  }

  /** Sends the queue, then `message` (throws, having sent the queue, when `message` does not clone). */
  send(message: AttemptMessage, transferList?: readonly ArrayBuffer[]): void {
    this.flush();
    port.postMessage({ id: this.id, messages: [message] } satisfies ThreadPortMessage, transferList as ArrayBuffer[] | undefined);
    this.sent++;
  }

  flush(): void {
    if (this.queued.length === 0) return;
    const messages = this.queued;
    this.queued = [];
    port.postMessage({ id: this.id, messages } satisfies ThreadPortMessage);
    this.sent++;
  }

  /** The attempt has ended: what is still queued stays for the result. */
  seal(): void {
    this.open = false;
  }

  /** What is still queued, for the result. */
  close(): StepMessage[] {
    this.open = false;
    const rest = this.queued;
    this.queued = [];
    return rest;
  }
}

/** Runs one step attempt and answers with its result. */
export async function runTask(task: WorkerTask, load: ModuleLoader, control: WorkerControl): Promise<TaskResult> {
  const { id, request } = task;
  const outbox = new Outbox(id);
  let end: TaskEnd;
  Atomics.store(current, 0, id);
  try {
    end = await runAttempt(id, request, outbox, load, control);
  } catch (error) {
    end = { type: 'fail', error: sendable(error) };
  } finally {
    Atomics.store(current, 0, 0);
  }
  const outputs = outbox.close();
  return { threadId, sent: outbox.sent, holds: runs.has(request.runId), outputs: end.type === 'done' ? outputs : [], end };
}

async function runAttempt(id: number, request: WorkerStepRequest, outbox: Outbox, load: ModuleLoader, control: WorkerControl): Promise<TaskEnd> {
  const where = { solid: request.solid, stepKey: request.stepKey };
  const controller = new AbortController();
  let live = true;
  let end: TaskEnd = { type: 'canceled' };
  let running: RunningCompute | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const settle = (outcome: TaskEnd): void => {
    if (!live) return;
    live = false;
    end = outcome;
    outbox.seal();
    finish();
  };
  const fail = (error: unknown): void => settle({ type: 'fail', error: sendable(error) });
  const stopListening = control.onCancel(id, (abort) => {
    if (!live) return;
    settle({ type: 'canceled' });
    if (abort) {
      const reason = new RunCanceledError(`step ${request.stepKey} was canceled with its run`);
      controller.abort(reason);
      runs.get(request.runId)?.abort(reason);
    }
    running?.cancel();
  });
  let run: WorkerRun | undefined;
  // Resource reports of this attempt's inits go on the port, in order with its logs.
  const report = (message: ThreadReport): void => outbox.send(message);
  try {
    if (!live) return end;
    const pipeline = await loadPipeline(load, request.pipelineModule, request.pipelineName);
    if (!live) return end;
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
      run.send = report;
      run.log = (key) => workerLog((m) => live && sendLog(outbox, m), request.logLevel, key);
      await run.ensure(mode, node.solid.resources, resourceConfigsOf(request));
      // Canceled during the inits: the compute never starts.
      if (!live) return end;
    }
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
      makeLog: () => workerLog((m) => live && sendLog(outbox, m), request.logLevel),
    });
    running = invokeCompute(node.solid, ctx, { ...request.inputs }, {
      output: (output, value) => {
        if (!live) return;
        try {
          sendOutput(outbox, output, value, request);
        } catch (error) {
          running?.cancel();
          fail(uncloneableValue(where, 'output', output, error));
        }
      },
      done: () => settle({ type: 'done' }),
      fail,
    });
    await finished;
    // A canceled compute gets to settle before the task ends (its grace period runs in the main thread).
    if (running?.settled) await running.settled.catch(() => undefined);
  } catch (error) {
    fail(error);
  } finally {
    stopListening();
    // Between steps, the run's reports go over its channel.
    if (run?.send === report) run.send = undefined;
  }
  return end;
}

/**
 * Sends an output: queued when it is plain data that surely clones, moved on the port
 * when marked with `transfer()`, else posted on the port (throwing when it does not clone).
 */
function sendOutput(outbox: Outbox, output: string, value: unknown, request: WorkerStepRequest): void {
  const message: StepMessage = { type: 'output', output, value };
  const transferList = takeTransferList(value);
  if (transferList?.length) {
    try {
      outbox.send(message, transferList);
      return;
    } catch {
      // A buffer that cannot move (a pooled Buffer's, say) is copied instead.
    }
  } else {
    const walk: CloneWalk = { budget: 64, lostClass: undefined };
    if (surelyClones(value, walk)) {
      outbox.queue(message);
      return;
    }
    const lostClass = walk.lostClass ?? lostClassOf(value);
    if (lostClass !== undefined && firstWarning(request, output, lostClass)) {
      sendLog(outbox, lostClassWarning(request, 'output', output, lostClass));
    }
  }
  outbox.send(message);
}

/** Where {@link surelyClones} stands: what it may still look at, and the first class instance it met. */
interface CloneWalk {
  budget: number;
  lostClass: string | undefined;
}

/** Lost-class warnings already given in this thread (per run, solid, output and class), bounded. */
const warned = new Set<string>();
const WARNED_KEPT = 1024;

/** True the first time this thread sees `className` leave through `output` of this solid in this run. */
function firstWarning(request: WorkerStepRequest, output: string, className: string): boolean {
  const key = `${request.runId}\0${request.solid}\0${output}\0${className}`;
  if (warned.has(key)) return false;
  if (warned.size >= WARNED_KEPT) warned.clear();
  warned.add(key);
  return true;
}

/**
 * True for a value that structured clone surely copies: primitives (not symbols), and
 * small trees of plain objects, arrays and Dates holding them. Anything else (or larger)
 * is left to the real clone, whose error names what failed.
 */
function surelyClones(value: unknown, left: CloneWalk): boolean {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'undefined':
    case 'bigint':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (--left.budget < 0) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!surelyClones(value[i], left)) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Date.prototype) return true;
  if (proto !== Object.prototype && proto !== null) {
    left.lostClass ??= lostClassOf(value);
    return false;
  }
  for (const key in value) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    // A getter runs during the clone: leave that to the clone.
    if (!descriptor || !('value' in descriptor) || !surelyClones(descriptor.value, left)) return false;
  }
  return true;
}

function sendLog(outbox: Outbox, message: Extract<StepMessage, { type: 'log' }>): void {
  try {
    outbox.send(message);
  } catch {
    outbox.send({ ...message, fields: jsonFields(message.fields) });
  }
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

/** Each resource's config and teardown timeout, as the thread's resource scopes take them. */
function resourceConfigsOf(request: WorkerStepRequest): Record<string, WorkerResourceConfig> {
  const out: Record<string, WorkerResourceConfig> = Object.create(null);
  for (const [key, config] of Object.entries(request.resourceConfigs)) {
    out[key] = { config, teardownTimeoutMs: request.resourceTeardownTimeoutsMs[key] ?? DEFAULT_TEARDOWN_TIMEOUT_MS };
  }
  return out;
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
 * The pipeline named `name` among the exports of `module`, imported once per thread (and
 * kept for the thread's life: later runs find it here). Refuses a pipeline with schemas
 * that no value could cross threads with.
 */
function loadPipeline(load: ModuleLoader, module: string, name: string): Promise<Pipeline> {
  const key = `${module}#${name}`;
  let found = pipelines.get(key);
  if (!found) {
    found = load(module).then((exports) => {
      const all = exportedPipelines(exports);
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
