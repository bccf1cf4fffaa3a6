/**
 * The executor decides how a run is scheduled, never what it computes: over random solid
 * graphs (random shapes, fan-outs from Observable emissions, optional outputs, injected
 * failures, retries), sync, async, virtualTime and workerPool give the same outputs, the
 * same step statuses and the same multiset of step events (type + stepKey).
 *
 * The graphs come from fixtures/generated-pipelines.ts, driven by a JSON spec: worker
 * threads import that module with the spec in its URL and rebuild the same pipeline. The
 * queue executor's case needs Redis and worker processes: the same property, in
 * test/integration/queue-equivalence.property.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runOn, specArb, summary } from './generated-runs.ts';

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
