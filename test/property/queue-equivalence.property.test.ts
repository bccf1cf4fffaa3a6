/**
 * The queue executor computes what sync computes, over random solid graphs (the shapes,
 * fan-outs, optional outputs, injected failures and retries of
 * executors-equivalence.property.test.ts, whose generators are copied here until that
 * shared property lists the queue): same outputs, same step statuses, same multiset of step
 * events. Two real `modeflow worker` processes on a real Redis serve
 * fixtures/queue-generated-pipelines.ts, each pipeline rebuilt from the spec in its module URL.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execute, type RunResult } from '../../lib/index.ts';
import {
  generatedPipeline,
  type GenInput,
  type GenKind,
  type GenNode,
  type GenSpec,
} from '../integration/fixtures/queue-generated-pipelines.ts';
import { onQueue, queueName, startWorker, stopWorkers, type WorkerProcess } from '../integration/queue-helpers.ts';

const server = inject('redis');
const files = ['./queue-generated-pipelines.ts', './queue-pipelines.ts'].map((f) =>
  fileURLToPath(new URL(`../integration/fixtures/${f}`, import.meta.url)),
);

const KINDS: readonly GenKind[] = ['value', 'promise', 'observable', 'timer', 'asyncIterable'];

/** Raw input picks are reduced modulo the node's index, so that shrinking stays valid. */
function specArb(maxNodes: number, maxEmit: number): fc.Arbitrary<GenSpec> {
  const rawInput = fc.record({
    from: fc.nat({ max: 1000 }),
    output: fc.constantFrom('main' as const, 'extra' as const),
    collect: fc.boolean(),
  });
  const rawNode = fc.record({
    inputs: fc.array(rawInput, { maxLength: 3 }),
    kind: fc.constantFrom(...KINDS),
    emit: fc.oneof(
      { arbitrary: fc.constant(1), weight: 3 },
      { arbitrary: fc.constant(0), weight: 1 },
      { arbitrary: fc.integer({ min: 2, max: maxEmit }), weight: 2 },
    ),
    fail: fc.oneof(
      { arbitrary: fc.constant('none' as const), weight: 8 },
      { arbitrary: fc.constant('once' as const), weight: 2 },
      { arbitrary: fc.constant('always' as const), weight: 1 },
    ),
    maxRetries: fc.integer({ min: 0, max: 2 }),
    delayMs: fc.constantFrom(0, 5),
  });
  return fc.array(rawNode, { minLength: 1, maxLength: maxNodes }).map((nodes) => ({
    nodes: nodes.map((n, i): GenNode => ({
      ...n,
      inputs: i === 0 ? [] : n.inputs.map((input): GenInput => ({ ...input, from: input.from % i })),
    })),
  }));
}

/** What must not depend on the executor. */
function summary(spec: GenSpec, result: RunResult) {
  return {
    status: result.status,
    solids: spec.nodes.map((_, i) => {
      const s = result.solid(`n${i}`);
      return { status: s.status, outputs: s.outputs };
    }),
    steps: result.events
      .filter((e) => e.type.startsWith('STEP_'))
      .map((e) => `${e.type} ${(e as { stepKey: string }).stepKey}`)
      .sort(),
  };
}

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
    const runOn = (spec: GenSpec, execution: Record<string, unknown>): Promise<RunResult> =>
      execute(generatedPipeline(spec), { runConfig: { execution }, raiseOnError: false });
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
