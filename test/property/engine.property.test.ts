/**
 * The engine's invariants as properties over random solid graphs from the testing toolkit
 * (`solidGraphArbitrary`, `checkRunInvariants`): what runs, in which order, with which
 * outputs, and how resources open and close — on success, failure and cancel.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { execute, run, type RunEvent, type RunResult } from '../../lib/index.ts';
import {
  assertRunInvariants,
  COMPUTE_KINDS,
  scheduledExecutor,
  solidGraphArbitrary,
  type InvariantEvent,
  type SolidGraph,
} from '../../lib/testing/index.ts';

/** At least 200; raise it with FC_NUM_RUNS to search harder. */
const NUM_RUNS = Math.max(200, Number(process.env['FC_NUM_RUNS'] ?? 0));
const TIMEOUT = 90_000;

type ExecutorChoice = { readonly kind: 'sync' } | { readonly kind: 'async'; readonly maxConcurrent: number };

/** sync, or async with a random `maxConcurrent`. */
const executorArb: fc.Arbitrary<ExecutorChoice> = fc.oneof(
  fc.constant({ kind: 'sync' as const }),
  fc.integer({ min: 1, max: 4 }).map((maxConcurrent) => ({ kind: 'async' as const, maxConcurrent })),
);

/** The async executor with a random `maxConcurrent`. */
const asyncExecutorArb = fc.integer({ min: 1, max: 6 }).map((maxConcurrent) => ({ kind: 'async' as const, maxConcurrent }));

function runConfigFor(g: SolidGraph, ex: ExecutorChoice, level: 'info' | 'debug' = 'info'): Record<string, unknown> {
  return {
    ...g.runConfig,
    execution: ex.kind === 'sync' ? { sync: {} } : { async: { config: { maxConcurrent: ex.maxConcurrent } } },
    loggers: { memory: { config: { level } } },
  };
}

const runOn = (g: SolidGraph, ex: ExecutorChoice): Promise<RunResult> =>
  execute(g.pipeline, { mode: g.mode, runConfig: runConfigFor(g, ex), raiseOnError: false });

/** What the run gave, in the shape of `expected`. */
function outcome(g: SolidGraph, result: RunResult) {
  const names = Object.keys(g.expected.solids);
  return {
    status: result.status,
    solids: Object.fromEntries(names.map((s) => [s, result.solid(s).status])),
    outputs: Object.fromEntries(names.map((s) => [s, result.solid(s).outputs])),
  };
}

const expectedOutcome = (g: SolidGraph) => ({ status: g.expected.status, solids: g.expected.solids, outputs: g.expected.outputs });

/** Resources were initialised after the ones they depend on, and torn down once each, in reverse. */
function checkResourceJournal(g: SolidGraph, runId: string): void {
  const log = g.journal(runId).resources;
  const inits = log.filter((e) => e.op === 'init').map((e) => e.key);
  const teardowns = log.filter((e) => e.op === 'teardown').map((e) => e.key);
  expect(new Set(inits).size).toBe(inits.length);
  expect(teardowns).toEqual([...inits].reverse());
  const firstTeardown = log.findIndex((e) => e.op === 'teardown');
  if (firstTeardown >= 0) expect(firstTeardown).toBeGreaterThan(log.map((e) => e.op).lastIndexOf('init'));
  g.spec.resources.forEach((r, j) => {
    const at = inits.indexOf(`res${j}`);
    if (at < 0) return;
    for (const d of r.deps) {
      expect(inits.indexOf(`res${d}`), `res${d} (a dependency of res${j}) initialised before it`).toBeGreaterThanOrEqual(0);
      expect(inits.indexOf(`res${d}`)).toBeLessThan(at);
    }
  });
}

function stepEventTypes(result: RunResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of result.events) if ('stepKey' in e && e.stepKey !== undefined) (out[e.stepKey] ??= []).push(e.type);
  for (const key in out) out[key]!.sort();
  return out;
}

const TERMINAL = new Set(['RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED']);

/** The events a run's loggers received, as the invariants checker reads them. */
const loggedEvents = (g: SolidGraph, runId: string): InvariantEvent[] =>
  g.memory
    .records()
    .filter((r) => r['runId'] === runId && typeof r['event'] === 'string')
    .map((r) => ({
      type: r['event'] as string,
      stepKey: r['stepKey'] as string | undefined,
      solid: r['solid'] as string | undefined,
      resource: r['resource'] as string | undefined,
      reason: r['reason'] as string | undefined,
    }));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) return false;
    await sleep(2);
  }
  return true;
}

describe('engine properties', () => {
  it(
    'runs every step of a random DAG exactly once, after its inputs, with the outputs of a direct evaluation',
    async () => {
      await fc.assert(
        fc.asyncProperty(solidGraphArbitrary({ maxSolids: 30, maxInputs: 4, kinds: COMPUTE_KINDS }), executorArb, async (g, ex) => {
          const result = await runOn(g, ex);
          expect(outcome(g, result)).toEqual(expectedOutcome(g));
          const { calls, trace } = g.journal(result.runId);
          expect(calls).toEqual(Object.fromEntries(g.spec.solids.map((_, i) => [`n${i}`, 1])));
          const position = (solid: string, phase: 'start' | 'end') => trace.findIndex((t) => t.solid === solid && t.phase === phase);
          g.spec.solids.forEach((s, i) => {
            for (const input of s.inputs) expect(position(`n${input.from}`, 'end')).toBeLessThan(position(`n${i}`, 'start'));
          });
          expect(result.events[0]!.type).toBe('RUN_START');
          assertRunInvariants(result.events, { pipeline: g.pipeline });
        }),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'gives the same outputs, statuses and step events under the sync and async executors',
    async () => {
      await fc.assert(
        fc.asyncProperty(solidGraphArbitrary({ maxSolids: 30, maxInputs: 4, failures: 8 }), asyncExecutorArb, async (g, ex) => {
          const sync = await runOn(g, { kind: 'sync' });
          const async = await runOn(g, ex);
          expect(outcome(g, sync)).toEqual(expectedOutcome(g));
          expect(outcome(g, async)).toEqual(expectedOutcome(g));
          const statuses = (r: RunResult) => Object.fromEntries(Object.entries(r.state.steps).map(([k, s]) => [k, s.status]));
          expect(statuses(async)).toEqual(statuses(sync));
          expect(stepEventTypes(async)).toEqual(stepEventTypes(sync));
        }),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'with failures and resources: tears down what it inits, in reverse, inits only what steps need, skips only downstream of failures',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          solidGraphArbitrary({ maxSolids: 30, maxInputs: 4, failures: true, maxResources: 5 }),
          executorArb,
          async (g, ex) => {
            const result = await runOn(g, ex);
            const events = result.events;
            checkResourceJournal(g, result.runId);
            const inits = g.journal(result.runId).resources.filter((e) => e.op === 'init');
            expect(inits.map((e) => e.key).sort()).toEqual([...g.expected.resources].sort());
            assertRunInvariants(events, { pipeline: g.pipeline });
            expect(outcome(g, result)).toEqual(expectedOutcome(g));
            const { calls } = g.journal(result.runId);
            for (const [name, status] of Object.entries(g.expected.solids)) {
              if (status !== 'SKIPPED') {
                expect(calls[name], name).toBe(1);
                continue;
              }
              const skipped = events.filter((e) => 'stepKey' in e && e.stepKey === name);
              expect(skipped.map((e) => e.type)).toEqual(['STEP_SKIPPED']);
              expect(skipped[0]?.type === 'STEP_SKIPPED' && skipped[0].reason).toBe('UPSTREAM_FAILED');
              expect(calls[name], name).toBeUndefined();
            }
            expect(events.at(-1)!.type).toBe(g.expected.status === 'FAILURE' ? 'RUN_FAILURE' : 'RUN_SUCCESS');
            // Resources appear in the events as they did in the journal.
            const torn = events.flatMap((e) => (e.type === 'RESOURCE_TEARDOWN' ? [e.resource] : []));
            expect(torn).toEqual(
              g
                .journal(result.runId)
                .resources.filter((e) => e.op === 'teardown')
                .map((e) => e.key),
            );
          },
        ),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'on unsubscribe at a random point (failures too), tears down every initialised resource once, in reverse, and logs RUN_CANCELED',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          solidGraphArbitrary({ kinds: ['delay', 'timer', 'asyncIterable'], failures: 8, maxResources: 4, maxSolids: 20, maxInputs: 4 }),
          executorArb,
          fc.nat({ max: 10_000 }),
          async (g, ex, cancelPick) => {
            // A full run tells how many events come before the run starts finishing.
            const reference = await runOn(g, ex);
            const inFlight = reference.events.findIndex((e) => e.type === 'RESOURCE_TEARDOWN' || TERMINAL.has(e.type));
            const k = 1 + (cancelPick % inFlight);

            const received: RunEvent[] = [];
            const runId = randomUUID();
            run(g.pipeline, { mode: g.mode, runId, runConfig: runConfigFor(g, ex, 'debug') })
              .pipe(take(k))
              .subscribe({ next: (e) => received.push(e) });

            const settled = await waitFor(() => loggedEvents(g, runId).some((r) => TERMINAL.has(r.type)), 3000);
            expect(settled, 'a terminal event reached the loggers').toBe(true);
            await sleep(3); // anything late would show up now
            expect(received).toHaveLength(k);
            expect(received.some((e) => TERMINAL.has(e.type))).toBe(false);

            checkResourceJournal(g, runId);
            const needed = new Set(g.expected.resources);
            for (const e of g.journal(runId).resources) expect(needed.has(e.key)).toBe(true);

            const logged = loggedEvents(g, runId);
            assertRunInvariants(logged, { pipeline: g.pipeline });
            expect(logged.at(-1)!.type).toBe('RUN_CANCELED');
            const torn = logged.flatMap((r) => (r.type === 'RESOURCE_TEARDOWN' ? [r.resource] : []));
            expect(torn).toEqual(
              g
                .journal(runId)
                .resources.filter((e) => e.op === 'teardown')
                .map((e) => e.key),
            );
          },
        ),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'fans outputs out and collects them back as a direct evaluation does, under both executors',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          solidGraphArbitrary({ fanOut: true, multipleOutputs: true, maxFanOut: 4, maxSolids: 8 }),
          asyncExecutorArb,
          async (g, asyncEx) => {
            for (const ex of [{ kind: 'sync' as const }, asyncEx]) {
              const result = await runOn(g, ex);
              expect(outcome(g, result)).toEqual(expectedOutcome(g));
              assertRunInvariants(result.events, { pipeline: g.pipeline });
            }
          },
        ),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'gives the outputs of a direct evaluation and keeps its invariants under any interleaving a scheduler picks',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          solidGraphArbitrary({ fanOut: true, multipleOutputs: true, failures: true, retries: true, maxResources: 3 }),
          fc.scheduler(),
          async (generated, s) => {
            const g = generated.withExecutor(scheduledExecutor(s));
            const result = await s.waitFor(execute(g.pipeline, { mode: g.mode, runConfig: g.runConfig, raiseOnError: false }));
            expect(outcome(g, result)).toEqual(expectedOutcome(g));
            assertRunInvariants(result.events, { pipeline: g.pipeline });
            checkResourceJournal(g, result.runId);
          },
        ),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT,
  );
});
