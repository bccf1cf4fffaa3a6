import { asapScheduler } from 'rxjs';
import { z } from 'zod';
import { executor } from '../../../lib/define/executor.ts';
import { QueueRun } from './main/queue-run.ts';

/** The largest step request or output that goes through Redis by default: 16 MiB, v8-serialised. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

const queueConfig = z.object({
  redis: z
    .string()
    .min(1)
    .default('redis://127.0.0.1:6379')
    .describe('the Redis URL (redis://[user:password@]host:port[/db]); { env: REDIS_URL } keeps it out of files'),
  queue: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'a queue name is letters, digits, _ . -')
    .default('modeflow')
    .describe('the BullMQ queue the workers serve (modeflow worker --queue)'),
  maxConcurrent: z.number().int().positive().default(64).describe('steps in flight across all workers'),
  startTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('a step no worker took by then, while no worker serves the queue, fails saying to start one'),
  lockDurationMs: z
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe("a worker's lock on a step; a dead worker's step moves to another worker ~1-1.5× this after its last lock renewal"),
  maxPayloadBytes: z
    .number()
    .int()
    .positive()
    .default(DEFAULT_MAX_PAYLOAD_BYTES)
    .describe('the largest step request or output sent through Redis, v8-serialised'),
  cancelGraceMs: z
    .number()
    .int()
    .nonnegative()
    .default(1000)
    .describe("ms a canceled step's compute gets to settle on its worker before the run's teardown"),
});

/**
 * Runs each step on worker processes anywhere, through BullMQ on Redis: the run's process
 * stays the orchestrator (it holds the plan and the events) and enqueues each ready step
 * as one job; `modeflow worker -f FILE --redis URL` processes serve them, each importing
 * the pipeline's module, initialising a step's resources once per run, and streaming
 * outputs, logs and resource events back on a Redis stream of the run. Values cross by v8
 * serialisation (structured clone's rules), at most `maxPayloadBytes` each. `{ env: NAME }`
 * config travels as the reference and is read on the worker: its value never enters Redis.
 * A worker that dies mid-step loses its lock and another takes the step (one outcome per
 * attempt is kept). Not among a mode's default executors: list it in the mode. BullMQ is
 * loaded only when a run uses it.
 *
 * @example
 * mode({ name: 'prod', executors: [queueExecutor], resources: { database: postgresDatabase } });
 * // execution: { queue: { config: { redis: { env: REDIS_URL }, maxConcurrent: 64 } } }
 *
 * @throws {ModeflowError} (as a step's failure) when Redis cannot be reached, when no worker
 *   serves the queue within `startTimeoutMs`, or when an input or output cannot be sent
 */
export const queueExecutor = executor({
  name: 'queue',
  description: 'each step on worker processes through BullMQ on Redis (modeflow worker)',
  config: queueConfig,
  create: (context) => {
    const { config } = context;
    const run = new QueueRun(config, { runId: context.runId, report: context.report, secrets: context.secrets });
    return {
      // Completions arrive from Redis; the engine's bookkeeping runs on asap.
      scheduler: asapScheduler,
      maxConcurrent: config.maxConcurrent,
      cancelGraceMs: config.cancelGraceMs,
      runStep: (request) => run.runStep(request),
      dispose: () => run.dispose(),
    };
  },
});
