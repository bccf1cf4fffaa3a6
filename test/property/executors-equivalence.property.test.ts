/**
 * The executor decides how a run is scheduled, never what it computes: over random solid
 * graphs (random shapes, fan-outs from Observable emissions, optional outputs, injected
 * failures, retries), sync, async, virtualTime and workerPool give the same outputs, the
 * same step statuses and the same multiset of step events (type + stepKey).
 *
 * The graphs come from fixtures/generated-pipelines.ts, driven by a JSON spec: worker
 * threads import that module with the spec in its URL and rebuild the same pipeline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { execute, type RunResult } from '../../lib/index.ts';
import { generatedPipeline, type GenInput, type GenKind, type GenNode, type GenSpec } from '../integration/fixtures/generated-pipelines.ts';

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

function runOn(spec: GenSpec, execution: Record<string, unknown>): Promise<RunResult> {
  return execute(generatedPipeline(spec), { runConfig: { execution }, raiseOnError: false });
}

const inProcess = [
  ['async', { async: { config: { maxConcurrent: 3 } } }],
  ['virtualTime', { virtualTime: { config: { maxConcurrent: 2 } } }],
  ['virtualTime, one at a time', { virtualTime: {} }],
] as const;

describe('every executor computes the same run', () => {
  it('sync, async and virtualTime agree on random graphs', async () => {
    await fc.assert(
      fc.asyncProperty(specArb(10, 3), async (spec) => {
        const expected = summary(spec, await runOn(spec, { sync: {} }));
        for (const [name, execution] of inProcess) {
          expect(summary(spec, await runOn(spec, execution)), name).toEqual(expected);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('workerPool agrees with sync on random graphs', async () => {
    await fc.assert(
      fc.asyncProperty(specArb(6, 2), async (spec) => {
        const expected = summary(spec, await runOn(spec, { sync: {} }));
        const onThreads = await runOn(spec, { workerPool: { config: { maxWorkers: 2 } } });
        expect(summary(spec, onThreads)).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});
