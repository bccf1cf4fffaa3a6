/**
 * The worker side of the queue executor (`modeflow worker`): a BullMQ worker whose
 * processor is the step host, behind a Redis transport. It serves the steps of every
 * pipeline its files export, initialises a step's resources once per run in this process
 * (torn down when the run says it ended, or when the worker stops), reads `{ env: NAME }`
 * config from its own environment, and streams outputs, logs and resource events back on
 * each run's stream.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { deserialize } from 'node:v8';
import type { Job, Worker } from 'bullmq';
import { exportedPipelines, type Pipeline } from '../../../../lib/define/pipeline.ts';
import { InvalidDefinitionError, ModeflowError, WorkerCrashedError, serializeError } from '../../../../lib/errors.ts';
import { StepHost, type AttemptEnd } from '../../step-host/step-host.ts';
import { decodeRequest } from '../payload.ts';
import {
  clientNames,
  controlChannel,
  decode,
  runClientName,
  workerClientName,
  type ControlMessage,
  type QueueAttemptEnd,
  type QueueStepRequest,
} from '../protocol.ts';
import { shownUrl } from '../redis-url.ts';
import { StreamRunLink, StreamTransport, StreamWriter } from './stream-transport.ts';

/** What a queue worker serves and where. */
export interface QueueWorkerOptions {
  /** The modules it serves pipelines from: each file as given (for messages) and its exports. */
  readonly modules: readonly { readonly file: string; readonly url: string; readonly exports: Record<string, unknown> }[];
  /** Imports a module URL (the CLI's loader: tsx for TypeScript); default `import()`. */
  readonly load?: (url: string) => Promise<Record<string, unknown>>;
  /** The Redis URL. */
  readonly redis: string;
  /** The queue (default `modeflow`). */
  readonly queue?: string;
  /** Steps run at once in this process (default 1: one core's worth of CPU-bound steps). */
  readonly concurrency?: number;
  /** Where problems that fail no step are told (Redis errors): default stderr. */
  readonly warn?: (line: string) => void;
}

/** A started queue worker. */
export interface QueueWorker {
  /** This worker's id, as run logs name it: `host-pid-random`. */
  readonly id: string;
  readonly queue: string;
  readonly concurrency: number;
  /**
   * Stops taking steps, lets the running ones finish, tears down every run's resources it
   * holds (saying so to each run), then disconnects. Idempotent.
   */
  close(): Promise<void>;
}

/** The lock BullMQ takes on a job as a worker takes it: the queue executor's default `lockDurationMs`. */
const INITIAL_LOCK_MS = 30_000;
/** How often a worker looks for runs whose process died while it held their resources. */
const ORPHAN_CHECK_MS = 30_000;
/** How many times a job may start on a worker: a step whose workers keep dying is not handed out forever. */
const MAX_DELIVERIES = 3;
/** Cancels kept for jobs this worker has not seen (yet, or ever: every worker hears every cancel). */
const EARLY_CANCELS_KEPT = 1024;

/**
 * Starts a queue worker: connects to Redis, and serves steps once it resolves.
 *
 * @throws {InvalidDefinitionError} when the modules export no pipeline, or two with one name
 * @throws {ModeflowError} when Redis cannot be reached
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const queue = options.queue ?? 'modeflow';
  const concurrency = options.concurrency ?? 1;
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const pipelines = pipelinesOf(options.modules);
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const [{ Worker }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);

  const open = (name?: string) =>
    new Redis(options.redis, { maxRetriesPerRequest: null, lazyConnect: true, ...(name ? { connectionName: name } : {}) });
  // Named: the run's process tells a live worker from a dead one by this connection.
  const client = new Redis(options.redis, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    connectionName: workerClientName(queue, id),
    enableAutoPipelining: true,
  });
  const subscriber = open();
  let lastError = '';
  const onError = (error: Error) => {
    // ioredis reconnects by itself; say it once per distinct error.
    if (error.message === lastError) return;
    lastError = error.message;
    warn(`modeflow worker ${id}: Redis at ${shownUrl(options.redis)}: ${error.message}`);
  };
  client.on('error', onError);
  subscriber.on('error', onError);
  try {
    await Promise.all([client.connect(), subscriber.connect()]);
  } catch (error) {
    client.disconnect();
    subscriber.disconnect();
    throw new ModeflowError(`modeflow worker cannot reach Redis at ${shownUrl(options.redis)}: ${(error as Error).message}`, {
      cause: error,
    });
  }

  const files = options.modules.map((m) => m.file).join(', ');
  /**
   * A pipeline built from data in its module's URL (`pipeline({ module: \`${import.meta.url}?spec=…\` })`)
   * is found by importing that URL, when its file is one this worker serves.
   */
  const fromModuleUrl = async (name: string, module: string): Promise<Pipeline | undefined> => {
    const at = module.indexOf('?');
    if (at < 0 || !options.modules.some((m) => m.url === module.slice(0, at))) return undefined;
    return exportedPipelines(await (options.load ?? ((url: string) => import(url)))(module)).find((p) => p.name === name);
  };
  const host = new StepHost<QueueStepRequest>({
    load: () => Promise.reject(new ModeflowError('a queue worker serves the pipelines of its own files only')),
    find: async (name, module) => {
      const found = pipelines.get(name) ?? (await fromModuleUrl(name, module));
      if (found) return found;
      throw new InvalidDefinitionError(
        `pipeline "${name}" is not exported by the files this queue worker serves (${files}); start a worker with the ` +
          `file that exports it (modeflow worker -f FILE --redis URL). They export: ${[...pipelines.keys()].map((n) => `"${n}"`).join(', ')}`,
      );
    },
    openRun: (first, teardown) => {
      teardowns.set(first.runId, teardown);
      return new StreamRunLink(senderOf(first.runId), id, () => {
        teardowns.delete(first.runId);
      });
    },
    where: 'the queue executor runs each step on a queue worker, which serves the pipelines its files export',
    host: 'queue worker',
  });

  const teardowns = new Map<string, (initGraceMs: number) => Promise<void>>();
  const cancelers = new Map<string, (abort: boolean) => void>();
  const early = new Map<string, boolean>();
  const writer = new StreamWriter(client, queue, onError);
  const senderOf = (runId: string) => writer.to(runId);

  await subscriber.subscribe(controlChannel(queue));
  subscriber.on('messageBuffer', (_channel: Buffer, payload: Buffer) => {
    let message: ControlMessage;
    try {
      message = decode<ControlMessage>(payload);
    } catch {
      return;
    }
    if (message.t === 'teardown') {
      void teardowns.get(message.runId)?.(message.initGraceMs);
      return;
    }
    for (const job of message.jobs) {
      const cancel = cancelers.get(job);
      if (cancel) cancel(message.abort);
      else {
        early.set(job, message.abort);
        if (early.size > EARLY_CANCELS_KEPT) early.delete(early.keys().next().value!);
      }
    }
  });

  const processJob = async (job: Job, token?: string): Promise<void> => {
    const request = readRequest(job);
    const sender = senderOf(request.runId);
    const delivery = { job: job.id!, delivery: `${id}/${token ?? ''}`, worker: id };
    sender.send({ t: 'taken', ...delivery, startedBefore: Math.max(0, job.attemptsStarted - 1) });
    const answer = (end: QueueAttemptEnd) => sender.send({ t: 'end', ...delivery, end, holds: host.holds(request.runId) });
    if (request.failure) {
      answer({ type: 'fail', error: serializeError(request.failure) });
      await sender.flushed();
      return;
    }
    if (job.attemptsStarted > MAX_DELIVERIES) {
      const error = new WorkerCrashedError(
        `step ${request.stepKey} (solid "${request.solid}") was taken ${job.attemptsStarted} times by queue workers that ` +
          `died or lost its lock before finishing it; it is not handed out again`,
      );
      answer({ type: 'fail', error: serializeError(Object.assign(error, { solid: request.solid, stepKey: request.stepKey })) });
      await sender.flushed();
      return;
    }
    // The job's lock lasts the run's lockDurationMs, renewed here (BullMQ's own renewal uses one
    // duration for all jobs); BullMQ took it for INITIAL_LOCK_MS, the default: often nothing to change.
    const lock = request.lockDurationMs;
    const renew = () => void job.extendLock(token ?? '', lock).catch(() => undefined);
    if (lock !== INITIAL_LOCK_MS) renew();
    const renewal = setInterval(renew, Math.max(50, Math.floor(lock / 2)));
    try {
      const transport = new StreamTransport(sender, delivery, request);
      const end = await host.run(request, transport, (cancel) => {
        if (early.has(delivery.job)) {
          const abort = early.get(delivery.job)!;
          early.delete(delivery.job);
          cancel(abort);
          return () => undefined;
        }
        cancelers.set(delivery.job, cancel);
        return () => cancelers.delete(delivery.job);
      });
      answer(queueEnd(end));
      await sender.flushed();
    } finally {
      clearInterval(renewal);
    }
  };

  const connection = open();
  connection.on('error', onError);
  const worker: Worker = new Worker(queue, processJob, {
    connection,
    concurrency,
    autorun: false,
    name: id,
    lockDuration: INITIAL_LOCK_MS,
    skipLockRenewal: true,
    // The runs' processes look for stalled jobs, each as often as its lockDurationMs asks; a
    // worker's check would hold the queue-wide check off for its own, longer interval.
    skipStalledCheck: true,
    maxStalledCount: Number.MAX_SAFE_INTEGER,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  });
  worker.on('error', onError);
  void worker.run().catch(onError);
  await worker.waitUntilReady();

  // A run whose process died never says it ended: what this worker holds of it is torn down
  // once its process's connection has been gone at two checks in a row.
  const missing = new Set<string>();
  const orphans = setInterval(() => {
    if (teardowns.size === 0) return;
    void client.client('LIST').then((list) => {
      const names = clientNames(String(list));
      for (const [runId, teardown] of teardowns) {
        if (names.has(runClientName(queue, runId))) missing.delete(runId);
        else if (missing.has(runId)) {
          missing.delete(runId);
          warn(`modeflow worker ${id}: the process of run ${runId} is gone; tearing down what this worker held of it`);
          void teardown(0);
        } else missing.add(runId);
      }
    }, onError);
  }, ORPHAN_CHECK_MS);
  orphans.unref();

  let closing: Promise<void> | undefined;
  return {
    id,
    queue,
    concurrency,
    close: () =>
      (closing ??= (async () => {
        clearInterval(orphans);
        await worker.close();
        // What this worker holds of runs still going is torn down now; each run hears it.
        await Promise.allSettled([...teardowns.values()].map((teardown) => teardown(0)));
        await writer.drained();
        await Promise.allSettled([client.quit(), subscriber.quit(), connection.quit()]);
      })()),
  };
}

/** The pipelines the modules export, by name; two with one name is an error. */
function pipelinesOf(modules: QueueWorkerOptions['modules']): Map<string, Pipeline> {
  const byName = new Map<string, Pipeline>();
  const fileOf = new Map<string, string>();
  for (const { file, exports } of modules) {
    for (const pipeline of exportedPipelines(exports)) {
      const other = fileOf.get(pipeline.name);
      if (other !== undefined && byName.get(pipeline.name) !== pipeline) {
        throw new InvalidDefinitionError(
          `two pipelines named "${pipeline.name}", in ${other} and ${file}: a queue worker finds a step's pipeline by name; rename one`,
        );
      }
      byName.set(pipeline.name, pipeline);
      fileOf.set(pipeline.name, file);
    }
  }
  if (byName.size === 0) {
    throw new InvalidDefinitionError(
      `${modules.map((m) => m.file).join(', ')} export no pipeline: a queue worker serves the pipelines its files export ` +
        `(export const p = pipeline({ ... }))`,
    );
  }
  return byName;
}

/** The job's request; one that cannot be read still names its run, so that the run hears why. */
function readRequest(job: Job): QueueStepRequest & { readonly failure?: unknown } {
  try {
    return decodeRequest(job.data, deserialize);
  } catch (failure) {
    // The id is runId:stepKey:attempt; step keys have no colon, run ids may.
    const parts = job.id!.split(':');
    const attempt = Number(parts.pop());
    const stepKey = parts.pop() ?? '';
    return { runId: parts.join(':'), stepKey, solid: stepKey, attempt, failure } as unknown as QueueStepRequest & { failure: unknown };
  }
}

function queueEnd(end: AttemptEnd): QueueAttemptEnd {
  return end.type === 'fail' ? { type: 'fail', error: serializeError(end.error) } : end;
}
