/**
 * The executors-equivalence property (test/property/executors-equivalence.property.test.ts)
 * for the queue executor: over random solid graphs (shapes, fan-outs, optional outputs,
 * injected failures, retries) it gives what sync gives — same outputs, same step statuses,
 * same multiset of step events. Two real `modeflow worker` processes on the Redis of
 * test/setup/redis.ts serve fixtures/generated-pipelines.ts, each pipeline rebuilt from the
 * spec in its module URL. Few runs: each one goes through Redis and worker processes.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runOn, specArb, summary } from '../property/generated-runs.ts';
import { onQueue, queueName, startWorker, stopWorkers, type WorkerProcess } from './queue-helpers.ts';

const server = inject('redis');
// generated-pipelines.ts exports a pipeline only when imported with a spec: a worker whose
// files export none refuses to start, so it serves the every-executor fixtures too.
const files = ['./fixtures/generated-pipelines.ts', './fixtures/every-executor-pipelines.ts'].map((f) =>
  fileURLToPath(new URL(f, import.meta.url)),
);

describe.skipIf(server.skip !== undefined)('the queue executor computes the same run', () => {
  const redis = server.skip === undefined ? server.url : '';
  const queue = queueName('equivalence');
  let workers: WorkerProcess[] = [];
  beforeAll(async () => {
    workers = await Promise.all([
      startWorker(redis, queue, files, { concurrency: 2 }),
      startWorker(redis, queue, files, { concurrency: 2 }),
    ]);
  }, 60_000);
  afterAll(() => stopWorkers(workers));

  it('queue agrees with sync on random graphs', async () => {
    await fc.assert(
      fc.asyncProperty(specArb(6, 2), async (spec) => {
        const expected = summary(spec, await runOn(spec, { sync: {} }));
        const onWorkers = await runOn(spec, onQueue(redis, queue, { maxConcurrent: 4 }));
        expect(summary(spec, onWorkers)).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  }, 180_000);
});
