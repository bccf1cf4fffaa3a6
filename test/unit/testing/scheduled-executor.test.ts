import fc from 'fast-check';
import { timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, memoryLogger, mode, pipeline, resource, solid, type Executor, type Resource } from '../../../lib/index.ts';
import { PickScheduler, scheduledExecutor, shrinkableScheduler, type TaskScheduler } from '../../../lib/testing/index.ts';

/** A counter kept in a store: increment reads, waits for the store, then writes. */
interface Counter {
  readonly value: number;
  increment(): Promise<void>;
}

/** The store's round trip: a task of the scheduler, so that it decides when each one answers. */
type Store = () => Promise<void>;

/**
 * Deliberately racy: an increment that starts while another waits for the store reads
 * the old value, and one increment is lost. `serialised` fixes it by queueing increments.
 */
function counter(store: Store, serialised = false): Resource<Counter> {
  return resource({
    init: () => {
      let value = 0;
      let queue = Promise.resolve();
      const increment = async () => {
        const seen = value;
        await store();
        value = seen + 1;
      };
      return {
        get value() {
          return value;
        },
        increment: serialised ? () => (queue = queue.then(increment)) : increment,
      };
    },
  });
}

/**
 * `n` increments, `bump_i` after `load_i`, which takes i + 1 round trips to the store;
 * then `total` reads the counter. In the natural order (every round trip as long as the
 * next) the loads end one after another and the increments never overlap.
 */
function counting(executor: Executor, counterResource: Resource<Counter>, store: Store, n: number) {
  const bump = solid({
    name: 'bump',
    inputs: { loaded: z.number() },
    resources: ['counter'],
    compute: async (ctx) => (ctx.resources.counter as Counter).increment(),
  });
  const total = solid({
    name: 'total',
    inputs: Object.fromEntries(Array.from({ length: n }, (_, i) => [`after${i}`, z.unknown()])),
    resources: ['counter'],
    output: z.number(),
    compute: (ctx) => (ctx.resources.counter as Counter).value,
  });
  const loads = Array.from({ length: n }, (_, i) =>
    solid({
      name: `load_${i}`,
      output: z.number(),
      compute: async () => {
        for (let trip = 0; trip <= i; trip++) await store();
        return i;
      },
    }),
  );
  return pipeline({
    name: 'counting',
    modes: [mode({ resources: { counter: counterResource }, executors: [executor], loggers: { memory: memoryLogger() } })],
    graph: () => {
      const after: Record<string, unknown> = {};
      loads.forEach((load, i) => (after[`after${i}`] = bump.alias(`bump_${i}`)({ loaded: load() })));
      total(after as never);
    },
  });
}

/** n increments give n, whatever order the scheduler releases things in. */
async function countsEveryIncrement(n: number, s: TaskScheduler & { waitFor<T>(p: Promise<T>): Promise<T> }, serialised: boolean) {
  const store = () => s.schedule(Promise.resolve(), 'store answered');
  const result = await s.waitFor(execute(counting(scheduledExecutor(s), counter(store, serialised), store, n), { raiseOnError: false }));
  expect(result.output('total')).toBe(n);
}

describe('scheduledExecutor', () => {
  it('finds the lost update of a racy counter, and shrinks it to two increments and one store answer out of order', async () => {
    const details = await fc.check(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), shrinkableScheduler(), (n, s) => countsEveryIncrement(n, s, false)),
      { numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    const [n, s] = details.counterexample!;
    expect(n).toBe(2);
    const released = s.report();
    expect(released.filter((task) => task.position).map((task) => task.label)).toEqual(['store answered']);
    expect(released.length).toBeLessThanOrEqual(16);
    expect(released.at(-1)!.label).toBe('total: output result, done');
    expect(String(s)).toMatch(/^schedule, first come first served but for 1 task released early:\n {2}1\. resource counter: initialised\n/);
    expect(String(s)).toContain('store answered  <- released ahead of 1 older task');
  });

  it('does not see the race in the natural order, only when it explores others', async () => {
    for (let n = 2; n <= 5; n++) await countsEveryIncrement(n, new PickScheduler([]), false);
  });

  it("finds it with fast-check's own fc.scheduler() too", async () => {
    const details = await fc.check(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.scheduler(), (n, s) => countsEveryIncrement(n, s, false)),
      { numRuns: 200 },
    );
    expect(details.failed).toBe(true);
  });

  it('finds no lost update once the counter serialises its increments', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), shrinkableScheduler(), (n, s) => countsEveryIncrement(n, s, true)),
      { numRuns: 60 },
    );
  });

  it('keeps ready steps in flight together and releases their completions in the orders the scheduler picks', async () => {
    const orders = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const started: string[] = [];
        const step = (name: string) =>
          solid({
            name,
            compute: async () => {
              started.push(name);
            },
          });
        const p = pipeline({
          name: 'two',
          modes: [mode({ executors: [scheduledExecutor(s)], loggers: { memory: memoryLogger() } })],
          graph: () => {
            step('a')();
            step('b')();
          },
        });
        const result = await s.waitFor(execute(p));
        const ends = result.events.flatMap((e) => (e.type === 'STEP_SUCCESS' ? [e.stepKey] : []));
        // both computes ran before the first completion took effect
        expect(started.sort()).toEqual(['a', 'b']);
        expect(result.events.findIndex((e) => e.type === 'STEP_SUCCESS')).toBeGreaterThan(
          result.events.findLastIndex((e) => e.type === 'STEP_START'),
        );
        orders.add(ends.join());
      }),
      { numRuns: 40 },
    );
    expect([...orders].sort()).toEqual(['a,b', 'b,a']);
  });

  it('holds resource inits, and runs retry delays and ctx.scheduler timers in virtual time', async () => {
    const s = fc.sample(fc.scheduler(), { seed: 3, numRuns: 1 })[0]!;
    const db = resource({ init: async () => 'db' });
    const slow = solid({
      name: 'slow',
      resources: ['db'],
      retry: { maxRetries: 1, delayMs: 60_000 },
      output: z.number(),
      compute: (ctx) => {
        if (ctx.attempt === 1) throw new Error('not yet');
        return new Promise<number>((resolve) => timer(3_600_000, ctx.scheduler).subscribe(() => resolve(ctx.attempt)));
      },
    });
    const p = pipeline({
      name: 'slow',
      modes: [mode({ resources: { db }, executors: [scheduledExecutor(s)], loggers: { memory: memoryLogger() } })],
      graph: () => {
        slow();
      },
    });
    const result = await s.waitFor(execute(p));
    expect(result.output('slow')).toBe(2);
    const end = result.events.at(-1)!;
    expect(end.type === 'RUN_SUCCESS' && end.durationMs).toBe(3_660_000);
    const labels = s.report().map((task) => task.label);
    expect(labels).toContain('resource db: initialised');
    expect(labels).toContain('scheduler: after 60000 ms');
    expect(labels).toContain('scheduler: after 3600000 ms');
    expect(labels).toContain('slow: failed');
  });

  it('takes any scheduler with schedule(promise, label), and a name and a bound on steps in flight', async () => {
    const labels: string[] = [];
    const inOrder: TaskScheduler = { schedule: (task, label) => (labels.push(label ?? ''), task) };
    const one = solid({ name: 'one', compute: () => 1 });
    const p = pipeline({
      name: 'named',
      modes: [mode({ executors: [scheduledExecutor(inOrder, { name: 'replay', maxConcurrent: 1 })], loggers: { memory: memoryLogger() } })],
      graph: () => {
        one();
      },
    });
    const result = await execute(p, { runConfig: { execution: { replay: {} } } });
    expect(result.output('one')).toBe(1);
    expect(labels).toEqual(['scheduler: next turn', 'one: output result, done']);
  });
});
