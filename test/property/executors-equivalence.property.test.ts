/**
 * The executor decides how a run is scheduled, never what it computes: over random solid
 * graphs (random shapes, fan-outs from Observable emissions, optional outputs, injected
 * failures, retries), sync, async, virtualTime and workerPool give the outputs and step
 * statuses a direct evaluation gives, and the same multiset of step events (type +
 * stepKey). The graphs come from the testing toolkit's `solidGraphArbitrary`; worker
 * threads rebuild each from the spec in its module URL.
 *
 * Composites and hooks alike: over random graphs in which runs of solids sit in composites
 * (nested one level, fed and read across their boundary) and random hooks watch single
 * solids, composites or the pipeline (some of them throwing), every executor gives the same
 * status, the same outputs under the same dotted names, and the same multiset of step and
 * hook events (fixtures/generated-grouped-pipelines.ts, rebuilt on threads the same way).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { execute, type HookTrigger, type RunResult } from '../../lib/index.ts';
import { solidGraphArbitrary } from '../../lib/testing/index.ts';
import { graphSummary, referenceRun, runGraph } from '../helpers/index.ts';
import {
  groupedPipeline,
  nodeName,
  type GroupedHook,
  type GroupedKind,
  type GroupedNode,
  type GroupedRange,
  type GroupedSpec,
} from '../integration/fixtures/generated-grouped-pipelines.ts';

const features = { fanOut: true, multipleOutputs: true, failures: 4, retries: true } as const;

const inProcess = [
  ['async', { async: { config: { maxConcurrent: 3 } } }],
  ['virtualTime', { virtualTime: { config: { maxConcurrent: 2 } } }],
  ['virtualTime, one at a time', { virtualTime: {} }],
] as const;

describe('every executor computes the same run', () => {
  it('sync, async and virtualTime agree with each other and with the direct evaluation on random graphs', async () => {
    await fc.assert(
      fc.asyncProperty(solidGraphArbitrary({ ...features, maxSolids: 10 }), async (g) => {
        const expected = await referenceRun(g);
        for (const [name, execution] of inProcess) {
          expect(graphSummary(g, await runGraph(g, execution)), name).toEqual(expected);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('workerPool agrees with sync on random graphs', async () => {
    await fc.assert(
      fc.asyncProperty(solidGraphArbitrary({ ...features, maxSolids: 6, maxFanOut: 2, maxResources: 2 }), async (g) => {
        const expected = await referenceRun(g);
        const onThreads = await runGraph(g, { workerPool: { config: { maxWorkers: 2 } } });
        expect(graphSummary(g, onThreads)).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});

const TRIGGERS: readonly HookTrigger[] = ['success', 'failure', 'skipped', 'retry', 'runSuccess', 'runFailure'];

/** Kinds of compute in grouped graphs. */
const GROUPED_KINDS: readonly GroupedKind[] = ['value', 'promise', 'observable', 'timer', 'asyncIterable'];

/** Raw picks (grouped graphs) are reduced modulo what they pick from, so that shrinking stays valid. */
function groupedSpecArb(maxNodes: number): fc.Arbitrary<GroupedSpec> {
  const rawNode = fc.record({
    inputs: fc.array(
      fc.record({ from: fc.nat({ max: 1000 }), output: fc.constantFrom('main' as const, 'extra' as const), collect: fc.boolean() }),
      {
        maxLength: 3,
      },
    ),
    kind: fc.constantFrom(...GROUPED_KINDS),
    emit: fc.oneof(
      { arbitrary: fc.constant(1), weight: 3 },
      { arbitrary: fc.constant(0), weight: 1 },
      { arbitrary: fc.integer({ min: 2, max: 3 }), weight: 2 },
    ),
    fail: fc.oneof(
      { arbitrary: fc.constant('none' as const), weight: 8 },
      { arbitrary: fc.constant('once' as const), weight: 2 },
      { arbitrary: fc.constant('always' as const), weight: 1 },
    ),
    maxRetries: fc.integer({ min: 0, max: 2 }),
  });
  const rawGroup = fc.record({
    start: fc.nat({ max: 1000 }),
    length: fc.nat({ max: 1000 }),
    inner: fc.option(fc.tuple(fc.nat({ max: 1000 }), fc.nat({ max: 1000 }))),
  });
  const rawHook = fc.record({
    on: fc.uniqueArray(fc.constantFrom(...TRIGGERS), { minLength: 1, maxLength: 3 }),
    throws: fc.boolean(),
    where: fc.constantFrom('node' as const, 'group' as const, 'pipeline' as const),
    pick: fc.nat({ max: 1000 }),
  });
  return fc
    .record({
      nodes: fc.array(rawNode, { minLength: 1, maxLength: maxNodes }),
      groups: fc.array(rawGroup, { maxLength: 2 }),
      hooks: fc.array(rawHook, { maxLength: 3 }),
    })
    .map(({ nodes, groups, hooks }): GroupedSpec => {
      const n = nodes.length;
      const specNodes = nodes.map((node, i): GroupedNode => ({
        ...node,
        inputs: i === 0 ? [] : node.inputs.map((input) => ({ ...input, from: input.from % i })),
      }));
      // Disjoint ranges, in order, each at least one node long.
      const ranges: GroupedRange[] = [];
      let free = 0;
      for (const g of groups) {
        if (free >= n) break;
        const start = free + (g.start % (n - free));
        const length = 1 + (g.length % (n - start));
        const innerStart = g.inner ? g.inner[0] % length : 0;
        const range: GroupedRange =
          g.inner && length > 1
            ? { start, length, inner: { start: innerStart, length: 1 + (g.inner[1] % (length - innerStart)) } }
            : { start, length };
        ranges.push(range);
        free = start + length;
      }
      // Run hooks attach to the pipeline only.
      const specHooks = hooks.map((h): GroupedHook => {
        const stepOnly = h.on.filter((t) => t !== 'runSuccess' && t !== 'runFailure');
        if (h.where === 'node' && stepOnly.length) return { on: stepOnly, throws: h.throws, target: h.pick % n };
        if (h.where === 'group' && stepOnly.length && ranges.length)
          return { on: stepOnly, throws: h.throws, group: h.pick % ranges.length };
        return { on: h.on, throws: h.throws };
      });
      return { nodes: specNodes, groups: ranges, hooks: specHooks };
    });
}

/** What must not depend on the executor, with composites and hooks. */
function groupedSummary(spec: GroupedSpec, result: RunResult) {
  return {
    status: result.status,
    solids: spec.nodes.map((_, i) => {
      const s = result.solid(nodeName(spec, i));
      return { name: s.solid, status: s.status, outputs: s.outputs };
    }),
    events: result.events
      .flatMap((e) => {
        if (e.type === 'HOOK_COMPLETED' || e.type === 'HOOK_ERRORED') return [`${e.type} ${e.hook} ${e.on} ${e.stepKey ?? 'run'}`];
        return e.type.startsWith('STEP_') ? [`${e.type} ${(e as { stepKey: string }).stepKey}`] : [];
      })
      .sort(),
  };
}

const runGroupedOn = (spec: GroupedSpec, execution: Record<string, unknown>): Promise<RunResult> =>
  execute(groupedPipeline(spec), { runConfig: { execution }, raiseOnError: false });

describe('every executor runs composites and hooks alike', () => {
  it('sync, async and virtualTime agree on random graphs with composites and hooks', async () => {
    // The graphs must really hold composites, nested ones, and hooks that fire.
    const seen = { composites: 0, nested: 0, hookEvents: 0 };
    await fc.assert(
      fc.asyncProperty(groupedSpecArb(8), async (spec) => {
        const expected = groupedSummary(spec, await runGroupedOn(spec, { sync: {} }));
        if (spec.groups.length) seen.composites++;
        if (spec.groups.some((g) => g.inner)) seen.nested++;
        if (expected.events.some((e) => e.startsWith('HOOK_'))) seen.hookEvents++;
        expect(groupedSummary(spec, await runGroupedOn(spec, { async: { config: { maxConcurrent: 3 } } })), 'async').toEqual(expected);
        expect(groupedSummary(spec, await runGroupedOn(spec, { virtualTime: { config: { maxConcurrent: 2 } } })), 'virtualTime').toEqual(
          expected,
        );
      }),
      { numRuns: 100 },
    );
    expect(seen.composites).toBeGreaterThan(20);
    expect(seen.nested).toBeGreaterThan(5);
    expect(seen.hookEvents).toBeGreaterThan(20);
  });

  it('workerPool agrees with sync on random graphs with composites and hooks', async () => {
    await fc.assert(
      fc.asyncProperty(groupedSpecArb(5), async (spec) => {
        const expected = groupedSummary(spec, await runGroupedOn(spec, { sync: {} }));
        expect(groupedSummary(spec, await runGroupedOn(spec, { workerPool: { config: { maxWorkers: 2 } } }))).toEqual(expected);
      }),
      { numRuns: 15 },
    );
  }, 180_000);
});
