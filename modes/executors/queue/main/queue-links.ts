/**
 * The Redis connections of one run on the queue, opened on its first step (BullMQ and
 * ioredis are loaded only then: importing modeflow does not load them).
 */
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { ModeflowError } from '../../../../lib/errors.ts';
import { shownUrl } from '../redis-url.ts';
import { runClientName } from '../protocol.ts';

/** What a run needs of Redis. */
export interface QueueLinks {
  /** Adds and removes the run's jobs; counts the workers. */
  readonly queue: Queue;
  /** Commands: publish to the control channel, delete the stream, list clients. */
  readonly client: Redis;
  /** Blocks on the run's stream (XREAD BLOCK), nothing else. */
  readonly reader: Redis;
  /** Closes them all. */
  close(): Promise<void>;
}

/** How long the run's process keeps trying to reach Redis before its steps fail. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to `redis` for queue `name` and run `runId`; also starts BullMQ's check for stalled jobs on the
 * queue every `stalledIntervalMs` (a job whose worker died goes back to the queue once its
 * lock has expired: so a dead worker's step moves on within ~2× the lock duration, whatever
 * the workers' own check interval).
 *
 * @throws {ModeflowError} when Redis cannot be reached (naming the URL, without its password)
 */
export async function openLinks(redis: string, name: string, runId: string, stalledIntervalMs: number): Promise<QueueLinks> {
  const [{ Queue, Worker }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
  const options = { maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS, lazyConnect: true };
  // The jobs a run makes ready in one turn go out in one write (a socket write per command cost more than BullMQ's adds).
  // Named: workers holding the run's resources see by it that the run's process is alive.
  const client = new Redis(redis, { ...options, enableAutoPipelining: true, connectionName: runClientName(name, runId) });
  const reader = new Redis(redis, options);
  const errors: Error[] = [];
  const keep = (error: Error) => void errors.push(error);
  client.on('error', keep);
  reader.on('error', keep);
  try {
    await Promise.all([client.connect(), reader.connect()]);
  } catch (error) {
    client.disconnect();
    reader.disconnect();
    throw new ModeflowError(
      `the queue executor cannot reach Redis at ${shownUrl(redis)}: ${(errors[0] ?? (error as Error)).message}; ` +
        `start Redis there or give execution.queue.config.redis another URL`,
      { cause: error },
    );
  }
  // Connection errors after this are retried by ioredis; commands wait for the connection.
  const queue = new Queue(name, { connection: client });
  const checker: Worker = new Worker(name, null, {
    connection: client,
    autorun: false,
    stalledInterval: stalledIntervalMs,
    // Delivery counts are the workers' business (they refuse a job delivered too often, saying why).
    maxStalledCount: Number.MAX_SAFE_INTEGER,
  });
  queue.on('error', keep);
  checker.on('error', keep);
  void checker.startStalledCheckTimer();
  return {
    queue,
    client,
    reader,
    close: async () => {
      reader.disconnect();
      await Promise.allSettled([checker.close(true), queue.close()]);
      client.disconnect();
    },
  };
}
