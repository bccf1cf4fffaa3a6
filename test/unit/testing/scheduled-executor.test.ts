import fc from 'fast-check';
import { timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, memoryLogger, mode, pipeline, resource, solid, type Executor, type Resource } from '../../../lib/index.ts';
import { scheduledExecutor, type TaskScheduler } from '../../../lib/testing/index.ts';

/** A counter kept in a store: increment reads, waits for the store, then writes. */
interface Counter {
  readonly value: number;
  increment(): Promise<void>;
}

/**
 * Deliberately racy: two increments in flight both read the old value, and one is lost.
 * `serialised` fixes it by queueing increments. `store` is the store's round trip.
 */
function counter(store: () => Promise<void>, serialised = false): Resource<Counter> {
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

/** `n` increments, each after a step of its own, then `total` reads the counter. */
function counting(executor: Executor, counterResource: Resource<Counter>, n: number) {
  const prepare = solid({ name: 'prepare', output: z.number(), compute: async () => 1 });
  const bump = solid({
    name: 'bump',
    inputs: { ready: z.number() },
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
  return pipeline({
    name: 'counting',
    modes: [mode({ resources: { counter: counterResource }, executors: [executor], loggers: { memory: memoryLogger() } })],
    graph: () => {
      const after: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) after[`after${i}`] = bump.alias(`bump_${i}`)({ ready: prepare.alias(`prepare_${i}`)() });
      total(after as never);
    },
  });
}

/** The property: n increments give n, whatever the interleaving. */
const neverLosesAnIncrement = (serialised: boolean) =>
  fc.asyncProperty(fc.integer({ min: 2, max: 6 }), fc.scheduler(), async (n, s) => {
    const store = () => s.schedule(Promise.resolve(), 'counter: store answered');
    const run = execute(counting(scheduledExecutor(s), counter(store, serialised), n), { raiseOnError: false });
    const result = await s.waitFor(run);
    expect(result.output('total')).toBe(n);
  });

describe('scheduledExecutor', () => {
  it('finds the lost update of a racy counter, and shrinks it to two increments and a short schedule', async () => {
    const details = await fc.check(neverLosesAnIncrement(false), { numRuns: 100 });
    expect(details.failed).toBe(true);
    const [n, s] = details.counterexample!;
    expect(n).toBe(2);
    const schedule = (s as fc.Scheduler).report().map((task) => task.label);
    expect(schedule.filter((label) => label === 'counter: store answered')).toHaveLength(2);
    expect(schedule.length).toBeLessThanOrEqual(14);
    expect(schedule.at(-1)).toBe('total: output result, done');
  });

  it('finds no lost update once the counter serialises its increments', async () => {
    await fc.assert(neverLosesAnIncrement(true), { numRuns: 60 });
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
