import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { execute, type RunResult } from '../../../lib/index.ts';
import { checkRunInvariants, solidGraphArbitrary, type SolidGraph } from '../../../lib/testing/index.ts';

/** What the run gave, in the shape of `expected`. */
function actual(g: SolidGraph, result: RunResult) {
  const solids = Object.keys(g.expected.solids);
  return {
    status: result.status,
    solids: Object.fromEntries(solids.map((s) => [s, result.solid(s).status])),
    outputs: Object.fromEntries(solids.map((s) => [s, result.solid(s).outputs])),
  };
}

const all = { fanOut: true, multipleOutputs: true, failures: true, retries: true, maxResources: 3 } as const;

describe('solidGraphArbitrary', () => {
  it('gives graphs whose runs match their expected outputs and statuses, with every feature on', async () => {
    await fc.assert(
      fc.asyncProperty(solidGraphArbitrary(all), async (g) => {
        const result = await execute(g.pipeline, { mode: g.mode, runConfig: g.runConfig, raiseOnError: false });
        expect(actual(g, result)).toEqual({ status: g.expected.status, solids: g.expected.solids, outputs: g.expected.outputs });
        expect(checkRunInvariants(result.events, { pipeline: g.pipeline }).violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
