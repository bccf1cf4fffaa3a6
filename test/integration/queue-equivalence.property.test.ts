/**
 * The executors-equivalence property (test/property/executors-equivalence.property.test.ts)
 * for the queue executor: over the testing toolkit's random solid graphs (shapes, fan-outs,
 * optional outputs, injected failures, retries, resources) it gives what sync gives, and
 * what a direct evaluation gives — same outputs, same step statuses, same multiset of step
 * events. Two real `modeflow worker` processes on the Redis of test/setup/redis.ts serve
 * modeflow/testing's graph module, each pipeline rebuilt from the spec in its module URL.
 * Few runs: each one goes through Redis and worker processes.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queueExecutor } from '../../lib/index.ts';
import { solidGraphArbitrary } from '../../lib/testing/index.ts';
import { graphSummary, onExecutor, referenceRun } from '../helpers/index.ts';
import { queueConfig, queueName, startWorker, stopWorkers, type WorkerProcess } from './queue-helpers.ts';

const server = inject('redis');
// The graph module exports a pipeline only when imported with a spec: a worker whose files
// export none refuses to start, so it serves the every-executor fixtures too.
const files = ['../../lib/testing/solid-graph-pipeline.ts', './fixtures/every-executor-pipelines.ts'].map((f) =>
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

  it('queue agrees with sync and with the direct evaluation on random graphs', async () => {
    const graphs = solidGraphArbitrary({
      fanOut: true,
      multipleOutputs: true,
      failures: 4,
      retries: true,
      maxSolids: 6,
      maxFanOut: 2,
      maxResources: 2,
    });
    await fc.assert(
      fc.asyncProperty(graphs, async (g) => {
        const expected = await referenceRun(g);
        const onWorkers = await onExecutor(g, queueExecutor, queueConfig(redis, queue, { maxConcurrent: 4 }));
        expect(graphSummary(g, onWorkers)).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  }, 180_000);
});
