import fc from 'fast-check';
import { defer, from, map, of, take, timer, concatMap, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  execute,
  memoryLogger,
  mode,
  pipeline,
  resource,
  run,
  solid,
  type Emits,
  type MemoryLogger,
  type OutputHandle,
  type Pipeline,
  type Resource,
  type RunEvent,
  type RunResult,
} from '../../lib/index.ts';
import {
  ALL_KINDS,
  ASYNC_KINDS,
  asyncExecutorArb,
  dagArb,
  executorArb,
  fanOutArb,
  type ComputeKind,
  type DagSpec,
  type ExecutorChoice,
  type FanOutSpec,
  type NodeSpec,
  type ResourceSpec,
} from './arbitraries.ts';

/** At least 200; raise it with FC_NUM_RUNS to search harder. */
const NUM_RUNS = Math.max(200, Number(process.env['FC_NUM_RUNS'] ?? 0));
const TIMEOUT = 60_000;

// ---- fixtures ----------------------------------------------------------------------------

/** What the generated solids and resources did, in order. */
interface Recorder {
  /** Compute calls per node. */
  readonly calls: number[];
  /** Compute start and value-produced marks, in global order. */
  readonly trace: { readonly node: number; readonly phase: 'start' | 'end' }[];
  readonly resLog: { readonly op: 'init' | 'teardown'; readonly key: string }[];
  /** Anything a fixture found wrong (a resource value it did not expect, …). */
  readonly problems: string[];
}

function recorder(nodes: number): Recorder {
  return { calls: new Array<number>(nodes).fill(0), trace: [], resLog: [], problems: [] };
}

const solidName = (i: number) => `n${i}`;
const inputName = (dep: number) => `in${dep}`;
const resKey = (j: number) => `res${j}`;

const MOD = 1_000_003;

/** The value node `i` computes from its inputs (in `deps` order). */
function nodeValue(i: number, inputs: readonly number[]): number {
  let h = ((i + 1) * 7919) % MOD;
  for (const v of inputs) h = (h * 131 + v) % MOD;
  return h;
}

/** A direct topological evaluation of the DAG (nodes are already in topological order). */
function expectedValues(spec: DagSpec): number[] {
  const values: number[] = [];
  spec.nodes.forEach((n, i) =>
    values.push(
      nodeValue(
        i,
        n.deps.map((d) => values[d]!),
      ),
    ),
  );
  return values;
}

type Expected = 'SUCCESS' | 'FAILURE' | 'SKIPPED';

/** A node is skipped when an input's producer did not succeed; else it fails iff it throws. */
function expectedStatuses(spec: DagSpec): Expected[] {
  const out: Expected[] = [];
  for (const n of spec.nodes) {
    if (n.deps.some((d) => out[d] !== 'SUCCESS')) out.push('SKIPPED');
    else out.push(n.fail ? 'FAILURE' : 'SUCCESS');
  }
  return out;
}

/** Resource keys the solids need, with their dependencies, transitively. */
function neededResources(spec: DagSpec): Set<string> {
  const needed = new Set<string>();
  const visit = (j: number): void => {
    if (needed.has(resKey(j))) return;
    needed.add(resKey(j));
    for (const d of spec.resources[j]!.deps) visit(d);
  };
  for (const n of spec.nodes) for (const j of n.resources) visit(j);
  return needed;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timeout);
      reject(signal.reason);
    };
    const timeout = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Hands `produce()`'s value back the way `kind` says; a throw becomes that kind's failure. */
function emitAs(kind: ComputeKind, produce: () => number, signal: AbortSignal): Emits<number> {
  switch (kind) {
    case 'value':
      return produce();
    case 'promise':
      return Promise.resolve().then(produce);
    case 'delay':
      return delay(0, signal).then(produce);
    case 'observable':
      return defer(() => of(produce()));
    case 'timer':
      return timer(0).pipe(map(produce));
    case 'asyncIterable':
      return (async function* () {
        await delay(0, signal);
        yield produce();
      })();
  }
}

interface Keyed {
  readonly key: string;
}

function makeResource(j: number, spec: ResourceSpec, rec: Recorder): Resource<Keyed> {
  const key = resKey(j);
  const deps = spec.deps.map(resKey);
  const check = (resources: Readonly<Record<string, unknown>>) => {
    for (const d of deps) {
      if ((resources[d] as Keyed | undefined)?.key !== d) rec.problems.push(`resource ${key} got ${String(resources[d])} for ${d}`);
    }
  };
  const inited = () => rec.resLog.push({ op: 'init', key });
  const tornDown = () => rec.resLog.push({ op: 'teardown', key });
  switch (spec.kind) {
    case 'value':
      return resource<Keyed, undefined, readonly string[]>({
        resources: deps,
        init: ({ resources }) => {
          check(resources);
          inited();
          return { key, [Symbol.dispose]: tornDown } as Keyed;
        },
      });
    case 'promise':
      return resource<Keyed, undefined, readonly string[]>({
        resources: deps,
        init: async ({ resources }) => {
          await Promise.resolve();
          check(resources);
          inited();
          return { key, [Symbol.asyncDispose]: async () => void tornDown() } as Keyed;
        },
      });
    case 'asyncGenerator':
      return resource<Keyed, undefined, readonly string[]>({
        resources: deps,
        init: async function* ({ resources }) {
          check(resources);
          inited();
          try {
            yield { key };
          } finally {
            tornDown();
          }
        },
      });
    case 'slowGenerator':
      return resource<Keyed, undefined, readonly string[]>({
        resources: deps,
        init: async function* ({ resources }) {
          await sleep(1);
          check(resources);
          inited();
          try {
            yield { key };
          } finally {
            await sleep(1);
            tornDown();
          }
        },
      });
  }
}

function makeSolid(i: number, n: NodeSpec, rec: Recorder) {
  const keys = n.resources.map(resKey);
  return solid({
    name: solidName(i),
    inputs: Object.fromEntries(n.deps.map((d) => [inputName(d), z.number()])) as Record<string, z.ZodNumber>,
    output: z.number(),
    resources: keys,
    compute: (ctx, inputs): Emits<number> => {
      rec.calls[i]!++;
      rec.trace.push({ node: i, phase: 'start' });
      for (const key of keys) {
        const value = ctx.resources[key] as Keyed | undefined;
        if (value?.key !== key) rec.problems.push(`solid ${solidName(i)} got ${String(value)} for resource ${key}`);
      }
      const value = nodeValue(
        i,
        n.deps.map((d) => inputs[inputName(d)]!),
      );
      const produce = () => {
        rec.trace.push({ node: i, phase: 'end' });
        if (n.fail) throw new Error(`injected failure in ${solidName(i)}`);
        return value;
      };
      return emitAs(n.kind, produce, ctx.signal);
    },
  });
}

/** A pipeline of the DAG, in a mode with the spec's resources and a memory sink. */
function buildDag(spec: DagSpec, rec: Recorder): { p: Pipeline; mem: MemoryLogger } {
  const mem = memoryLogger();
  const resources = Object.fromEntries(spec.resources.map((r, j) => [resKey(j), makeResource(j, r, rec)]));
  const solids = spec.nodes.map((n, i) => makeSolid(i, n, rec));
  const p = pipeline({
    name: 'random_dag',
    modes: [mode({ name: 'test', resources, loggers: { mem } })],
    graph: () => {
      const handles: OutputHandle<number>[] = [];
      spec.nodes.forEach((n, i) => {
        handles.push(solids[i]!(Object.fromEntries(n.deps.map((d) => [inputName(d), handles[d]!]))));
      });
    },
  });
  return { p, mem };
}

function runConfigFor(ex: ExecutorChoice, level: 'info' | 'debug' = 'info'): Record<string, unknown> {
  return {
    execution: ex.kind === 'sync' ? { sync: {} } : { async: { config: { maxConcurrent: ex.maxConcurrent } } },
    loggers: { mem: { config: { level } } },
  };
}

// ---- checks ------------------------------------------------------------------------------

const TERMINAL = new Set(['RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED']);

/** The lifecycle invariants of DESIGN "Events" and "Run lifecycle", on a list of event types with step keys. */
function checkLifecycle(events: readonly { readonly type: string; readonly stepKey?: string | undefined }[]): void {
  expect(events[0]?.type).toBe('RUN_START');
  expect(events.filter((e) => e.type === 'RUN_START')).toHaveLength(1);
  const terminals = events.filter((e) => TERMINAL.has(e.type));
  expect(terminals, 'terminal events').toHaveLength(1);
  const after = events.slice(events.indexOf(terminals[0]!) + 1).map((e) => `${e.type} ${e.stepKey ?? ''}`.trim());
  expect(after, 'events after the terminal event').toEqual([]);
  // Each STEP_START has exactly one STEP_SUCCESS or STEP_FAILURE after it, and nothing ends unstarted.
  const started = new Map<string, number>();
  const ended = new Map<string, number>();
  events.forEach((e, index) => {
    if (e.type === 'STEP_START') {
      expect(started.has(e.stepKey!), `${e.stepKey} started twice`).toBe(false);
      started.set(e.stepKey!, index);
    }
    if (e.type === 'STEP_SUCCESS' || e.type === 'STEP_FAILURE') {
      expect(ended.has(e.stepKey!), `${e.stepKey} ended twice`).toBe(false);
      ended.set(e.stepKey!, index);
      expect(started.get(e.stepKey!) ?? Infinity, `${e.stepKey} ended before it started`).toBeLessThan(index);
    }
    if (e.type === 'STEP_SKIPPED') expect(started.has(e.stepKey!), `${e.stepKey} skipped after starting`).toBe(false);
  });
  expect([...ended.keys()].sort()).toEqual([...started.keys()].sort());
}

/** Every initialised resource is torn down exactly once, in reverse order of init. */
function checkTeardown(rec: Recorder): void {
  const inits = rec.resLog.filter((e) => e.op === 'init').map((e) => e.key);
  const teardowns = rec.resLog.filter((e) => e.op === 'teardown').map((e) => e.key);
  expect(new Set(inits).size).toBe(inits.length);
  expect(teardowns).toEqual([...inits].reverse());
  // and no teardown before the last init
  const lastInit = rec.resLog.map((e) => e.op).lastIndexOf('init');
  const firstTeardown = rec.resLog.findIndex((e) => e.op === 'teardown');
  if (firstTeardown >= 0) expect(firstTeardown).toBeGreaterThan(lastInit);
}

/** Resources were initialised after the ones they depend on. */
function checkInitOrder(spec: DagSpec, rec: Recorder): void {
  const inits = rec.resLog.filter((e) => e.op === 'init').map((e) => e.key);
  spec.resources.forEach((r, j) => {
    const at = inits.indexOf(resKey(j));
    if (at < 0) return;
    for (const d of r.deps) {
      const depAt = inits.indexOf(resKey(d));
      expect(depAt, `${resKey(d)} (a dependency of ${resKey(j)}) initialised before it`).toBeGreaterThanOrEqual(0);
      expect(depAt).toBeLessThan(at);
    }
  });
}

function stepEventTypes(result: RunResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of result.events) {
    if ('stepKey' in e && e.stepKey !== undefined) (out[e.stepKey] ??= []).push(e.type);
  }
  for (const key in out) out[key]!.sort();
  return out;
}

const eventRecords = (mem: MemoryLogger) =>
  mem
    .records()
    .filter((r) => typeof r['event'] === 'string')
    .map((r) => ({
      type: r['event'] as string,
      stepKey: r['stepKey'] as string | undefined,
      resource: r['resource'] as string | undefined,
    }));

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) return false;
    await sleep(2);
  }
  return true;
}

// ---- properties ----------------------------------------------------------------------------

describe('engine properties', () => {
  it(
    'runs every step of a random DAG exactly once, after its inputs, with the outputs of a direct evaluation',
    async () => {
      await fc.assert(
        fc.asyncProperty(dagArb({ kinds: ALL_KINDS }), executorArb, async (spec, ex) => {
          const rec = recorder(spec.nodes.length);
          const { p } = buildDag(spec, rec);
          const result = await execute(p, { runConfig: runConfigFor(ex), raiseOnError: false });

          expect(result.status).toBe('SUCCESS');
          expect(rec.calls).toEqual(spec.nodes.map(() => 1));
          const position = (node: number, phase: 'start' | 'end') => rec.trace.findIndex((t) => t.node === node && t.phase === phase);
          spec.nodes.forEach((n, i) => {
            for (const d of n.deps) expect(position(d, 'end')).toBeLessThan(position(i, 'start'));
          });
          const values = expectedValues(spec);
          spec.nodes.forEach((_, i) => {
            expect(result.output(solidName(i))).toBe(values[i]);
            expect(result.solid(solidName(i)).status).toBe('SUCCESS');
          });
          checkLifecycle(result.events);
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
        fc.asyncProperty(dagArb({ kinds: ALL_KINDS, failures: true, failOneIn: 8 }), asyncExecutorArb, async (spec, ex) => {
          const runWith = async (choice: ExecutorChoice) => {
            const rec = recorder(spec.nodes.length);
            const { p } = buildDag(spec, rec);
            return execute(p, { runConfig: runConfigFor(choice), raiseOnError: false });
          };
          const sync = await runWith({ kind: 'sync' });
          const async = await runWith(ex);

          expect(async.status).toBe(sync.status);
          for (let i = 0; i < spec.nodes.length; i++) {
            const a = sync.solid(solidName(i));
            const b = async.solid(solidName(i));
            expect(b.status, solidName(i)).toBe(a.status);
            expect(b.outputs, solidName(i)).toEqual(a.outputs);
          }
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
        fc.asyncProperty(dagArb({ kinds: ALL_KINDS, failures: true, maxResources: 5 }), executorArb, async (spec, ex) => {
          const rec = recorder(spec.nodes.length);
          const { p } = buildDag(spec, rec);
          const result = await execute(p, { runConfig: runConfigFor(ex), raiseOnError: false });
          const events = result.events;

          expect(rec.problems).toEqual([]);
          checkTeardown(rec);
          checkInitOrder(spec, rec);
          const inits = rec.resLog.filter((e) => e.op === 'init').map((e) => e.key);
          expect(new Set(inits)).toEqual(neededResources(spec));

          checkLifecycle(events);
          const expected = expectedStatuses(spec);
          const values = expectedValues(spec);
          const typesOf = (key: string) => events.filter((e) => 'stepKey' in e && e.stepKey === key).map((e) => e.type);
          spec.nodes.forEach((_, i) => {
            const name = solidName(i);
            const types = typesOf(name);
            expect(result.solid(name).status, name).toBe(expected[i]);
            if (expected[i] === 'SKIPPED') {
              expect(types, name).toEqual(['STEP_SKIPPED']);
              const skipped = events.find((e) => e.type === 'STEP_SKIPPED' && e.stepKey === name);
              expect(skipped?.type === 'STEP_SKIPPED' && skipped.reason).toBe('UPSTREAM_FAILED');
              expect(rec.calls[i], name).toBe(0);
            } else {
              expect(rec.calls[i], name).toBe(1);
              expect(types, name).toContain(expected[i] === 'SUCCESS' ? 'STEP_SUCCESS' : 'STEP_FAILURE');
            }
            if (expected[i] === 'SUCCESS') expect(result.output(name)).toBe(values[i]);
          });
          const anyFailed = expected.includes('FAILURE');
          expect(events[events.length - 1]!.type).toBe(anyFailed ? 'RUN_FAILURE' : 'RUN_SUCCESS');
          expect(result.status).toBe(anyFailed ? 'FAILURE' : 'SUCCESS');
          // Resources appear in the events as they did in the log.
          const torn = events.flatMap((e) => (e.type === 'RESOURCE_TEARDOWN' ? [e.resource] : []));
          expect(torn).toEqual(rec.resLog.filter((e) => e.op === 'teardown').map((e) => e.key));
        }),
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
          dagArb({ kinds: ASYNC_KINDS, failures: true, failOneIn: 8, maxResources: 4, maxNodes: 20 }),
          executorArb,
          fc.nat({ max: 10_000 }),
          async (spec, ex, cancelPick) => {
            // A full run tells how many events come before the run starts finishing.
            const reference = await execute(buildDag(spec, recorder(spec.nodes.length)).p, {
              runConfig: runConfigFor(ex),
              raiseOnError: false,
            });
            const inFlight = reference.events.findIndex((e) => e.type === 'RESOURCE_TEARDOWN' || TERMINAL.has(e.type));
            const k = 1 + (cancelPick % inFlight);

            const rec = recorder(spec.nodes.length);
            const { p, mem } = buildDag(spec, rec);
            const received: RunEvent[] = [];
            run(p, { runConfig: runConfigFor(ex, 'debug') })
              .pipe(take(k))
              .subscribe({ next: (e) => received.push(e) });

            const settled = await waitFor(() => eventRecords(mem).some((r) => TERMINAL.has(r.type)), 3000);
            expect(settled, 'a terminal event reached the loggers').toBe(true);
            await sleep(3); // anything late would show up now
            expect(received).toHaveLength(k);
            expect(received.some((e) => TERMINAL.has(e.type))).toBe(false);

            expect(rec.problems).toEqual([]);
            checkTeardown(rec);
            checkInitOrder(spec, rec);
            const needed = neededResources(spec);
            for (const e of rec.resLog) expect(needed.has(e.key)).toBe(true);

            const records = eventRecords(mem);
            checkLifecycle(records);
            expect(records[records.length - 1]!.type).toBe('RUN_CANCELED');
            const torn = records.flatMap((r) => (r.type === 'RESOURCE_TEARDOWN' ? [r.resource] : []));
            expect(torn).toEqual(rec.resLog.filter((e) => e.op === 'teardown').map((e) => e.key));
          },
        ),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'collects a fanned-out mapped chain into the direct map of the source values, under both executors',
    async () => {
      await fc.assert(
        fc.asyncProperty(fanOutArb, asyncExecutorArb, async (spec, asyncEx) => {
          const expected = spec.values.map((v) => spec.chain.reduce((x, m) => x * m.mul + m.add, v));
          for (const ex of [{ kind: 'sync' as const }, asyncEx]) {
            const { p } = buildFanOut(spec);
            const result = await execute(p, { runConfig: runConfigFor(ex), raiseOnError: false });
            expect(result.status).toBe('SUCCESS');
            expect(result.output('gather')).toEqual(expected);
            expect(result.solid('gather').stepKeys).toEqual(['gather']);
            const last = result.solid(`map${spec.chain.length - 1}`);
            expect(last.outputs['result']).toEqual(expected);
            if (spec.values.length > 1) expect(last.stepKeys).toEqual(spec.values.map((_, i) => `map${spec.chain.length - 1}[${i}]`));
            checkLifecycle(result.events);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT,
  );
});

function buildFanOut(spec: FanOutSpec): { p: Pipeline; mem: MemoryLogger } {
  const mem = memoryLogger();
  const source = solid({
    name: 'source',
    output: z.number(),
    compute: (): Observable<number> =>
      spec.sourceKind === 'of' ? from(spec.values) : from(spec.values).pipe(concatMap((v) => timer(0).pipe(map(() => v)))),
  });
  const maps = spec.chain.map((m, j) =>
    solid({
      name: `map${j}`,
      inputs: { x: z.number() },
      output: z.number(),
      compute: (ctx, { x }): Emits<number> => emitAs(m.kind, () => x * m.mul + m.add, ctx.signal),
    }),
  );
  const gather = solid({
    name: 'gather',
    inputs: { xs: z.array(z.number()) },
    output: z.array(z.number()),
    compute: (_ctx, { xs }) => xs,
  });
  const p = pipeline({
    name: 'fan_out',
    modes: [mode({ name: 'test', loggers: { mem } })],
    graph: () => {
      let h: OutputHandle<number> = source();
      for (const m of maps) h = m({ x: h });
      gather({ xs: h.collect() });
    },
  });
  return { p, mem };
}
