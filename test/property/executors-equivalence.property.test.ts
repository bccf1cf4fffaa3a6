/**
 * The executor decides how a run is scheduled, never what it computes: over random solid
 * graphs (random shapes, fan-outs from Observable emissions, optional outputs, injected
 * failures, retries), sync, async, virtualTime and workerPool give the outputs and step
 * statuses a direct evaluation gives, and the same multiset of step events (type +
 * stepKey). The graphs come from the testing toolkit's `solidGraphArbitrary`; worker
 * threads rebuild each from the spec in its module URL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { execute, type RunResult } from '../../lib/index.ts';
import { solidGraphArbitrary, type SolidGraph } from '../../lib/testing/index.ts';

const features = { fanOut: true, multipleOutputs: true, failures: 4, retries: true } as const;

/** What must not depend on the executor. */
function summary(g: SolidGraph, result: RunResult) {
  const names = Object.keys(g.expected.solids);
  return {
    status: result.status,
    solids: Object.fromEntries(names.map((s) => [s, result.solid(s).status])),
    outputs: Object.fromEntries(names.map((s) => [s, result.solid(s).outputs])),
    steps: result.events
      .filter((e) => e.type.startsWith('STEP_'))
      .map((e) => `${e.type} ${(e as { stepKey: string }).stepKey}`)
      .sort(),
  };
}

function runOn(g: SolidGraph, execution: Record<string, unknown>): Promise<RunResult> {
  return execute(g.pipeline, { mode: g.mode, runConfig: { ...g.runConfig, execution }, raiseOnError: false });
}

/** The run on the sync executor, checked against the direct evaluation. */
async function reference(g: SolidGraph) {
  const expected = summary(g, await runOn(g, { sync: {} }));
  expect({ status: expected.status, solids: expected.solids, outputs: expected.outputs }).toEqual({
    status: g.expected.status,
    solids: g.expected.solids,
    outputs: g.expected.outputs,
  });
  return expected;
}

const inProcess = [
  ['async', { async: { config: { maxConcurrent: 3 } } }],
  ['virtualTime', { virtualTime: { config: { maxConcurrent: 2 } } }],
  ['virtualTime, one at a time', { virtualTime: {} }],
] as const;

describe('every executor computes the same run', () => {
  it('sync, async and virtualTime agree with each other and with the direct evaluation on random graphs', async () => {
    await fc.assert(
      fc.asyncProperty(solidGraphArbitrary({ ...features, maxSolids: 10 }), async (g) => {
        const expected = await reference(g);
        for (const [name, execution] of inProcess) {
          expect(summary(g, await runOn(g, execution)), name).toEqual(expected);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('workerPool agrees with sync on random graphs', async () => {
    await fc.assert(
      fc.asyncProperty(solidGraphArbitrary({ ...features, maxSolids: 6, maxFanOut: 2, maxResources: 2 }), async (g) => {
        const expected = await reference(g);
        const onThreads = await runOn(g, { workerPool: { config: { maxWorkers: 2 } } });
        expect(summary(g, onThreads)).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});
