import { filter, firstValueFrom, map, take, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defaultExecutors,
  execute,
  memoryLogger,
  mode,
  pipeline,
  run,
  solid,
  virtualTimeExecutor,
  type RunEvent,
} from '../../../../lib/index.ts';

const HOUR = 3_600_000;
const onVirtualTime = (config?: Record<string, unknown>) => ({ execution: { virtualTime: config ? { config } : {} } });

/** A fresh quiet mode (its memory logger is returned too). */
function quiet() {
  const memory = memoryLogger();
  return { memory, modes: [mode({ loggers: { memory } })] };
}

/** Fails its first `failures` attempts, then returns the attempt number. */
const flaky = (failures: number, retry: { maxRetries: number; delayMs: number; backoff?: 'fixed' | 'exponential' }) =>
  solid({
    name: 'flaky',
    retry,
    output: z.number(),
    compute: (ctx) => {
      if (ctx.attempt <= failures) throw new Error(`attempt ${ctx.attempt} failed`);
      return ctx.attempt;
    },
  });

/** Virtual ms since the run's clock started: timestamps are epoch ms, virtual time runs on from the run's start. */
const origin = (events: readonly RunEvent[]) => events[1]!.timestamp;
const at = (events: readonly RunEvent[], type: RunEvent['type']) =>
  events.filter((e) => e.type === type).map((e) => e.timestamp - origin(events));

describe('the virtualTime executor', () => {
  it('is one of the default executors of a mode', () => {
    expect(defaultExecutors.map((e) => e.name)).toEqual(['sync', 'async', 'workerPool', 'virtualTime']);
    expect(mode().executors).toContain(virtualTimeExecutor);
  });

  it('waits out retry delays in virtual time, and timestamps are virtual', async () => {
    const { modes } = quiet();
    const p = pipeline({ name: 'p', modes, graph: () => void flaky(3, { maxRetries: 3, delayMs: HOUR, backoff: 'exponential' })() });
    const result = await execute(p, { runConfig: onVirtualTime() });
    expect(result.output('flaky')).toBe(4);
    expect(at(result.events, 'STEP_START')).toEqual([0]);
    expect(at(result.events, 'STEP_RETRY')).toEqual([0, HOUR, 3 * HOUR]);
    expect(at(result.events, 'STEP_SUCCESS')).toEqual([7 * HOUR]);
    expect(at(result.events, 'RUN_SUCCESS')).toEqual([7 * HOUR]);
    expect(result.events.find((e) => e.type === 'RUN_SUCCESS')).toMatchObject({ durationMs: 7 * HOUR });
  });

  it('stamps events in epoch milliseconds: virtual time runs on from the wall-clock start', async () => {
    const { modes } = quiet();
    const p = pipeline({ name: 'p', modes, graph: () => void flaky(1, { maxRetries: 1, delayMs: HOUR })() });
    const before = Date.now();
    const result = await execute(p, { runConfig: onVirtualTime() });
    const start = result.events[0]!.timestamp;
    expect(start).toBeGreaterThanOrEqual(before);
    for (const event of result.events) expect(event.timestamp).toBeGreaterThanOrEqual(start);
    expect(result.events.at(-1)!.timestamp - start).toBeGreaterThanOrEqual(HOUR);
    expect(result.events.at(-1)!.timestamp - start).toBeLessThan(HOUR + 5_000);
  });

  it('runs ctx.scheduler timers in virtual time, also after an await', async () => {
    const { modes } = quiet();
    const twoWaits = solid({
      name: 'two_waits',
      output: z.number(),
      compute: async (ctx) => {
        await firstValueFrom(timer(100, ctx.scheduler));
        await firstValueFrom(timer(100, ctx.scheduler));
        return ctx.scheduler.now();
      },
    });
    const oneWait = solid({
      name: 'one_wait',
      output: z.number(),
      compute: (ctx) => timer(150, ctx.scheduler).pipe(map(() => ctx.scheduler.now())),
    });
    const p = pipeline({
      name: 'p',
      modes,
      graph: () => {
        twoWaits();
        oneWait();
      },
    });
    const result = await execute(p, { runConfig: onVirtualTime({ maxConcurrent: 2 }) });
    // Virtual time moved on only once the first await had scheduled the second timer.
    expect(result.output('two_waits')).toBe(200);
    expect(result.output('one_wait')).toBe(150);
  });

  it('runs one step at a time unless told otherwise', async () => {
    const { modes } = quiet();
    const wait = solid({ name: 'wait', compute: (ctx) => timer(1000, ctx.scheduler) });
    const p = pipeline({
      name: 'p',
      modes,
      graph: () => {
        wait();
        wait();
        wait();
      },
    });
    const serial = await execute(p, { runConfig: onVirtualTime() });
    expect(at(serial.events, 'STEP_SUCCESS')).toEqual([1000, 2000, 3000]);
    const parallel = await execute(p, { runConfig: onVirtualTime({ maxConcurrent: 3 }) });
    expect(at(parallel.events, 'STEP_SUCCESS')).toEqual([1000, 1000, 1000]);
  });

  it('is deterministic: the same run gives the same events', async () => {
    const { modes } = quiet();
    const ticks = solid({ name: 'ticks', output: z.number(), compute: (ctx) => timer(10, 20, ctx.scheduler).pipe(take(5)) });
    const double = solid({
      name: 'double',
      inputs: { n: z.number() },
      output: z.number(),
      compute: (ctx, { n }) => timer(50 - n * 7, ctx.scheduler).pipe(map(() => n * 2)),
    });
    const p = pipeline({
      name: 'p',
      modes,
      graph: () => {
        double(ticks());
        flaky(1, { maxRetries: 1, delayMs: 30 })();
      },
    });
    // RUN_START is stamped before the executor (and its clock) exists: see docs/executors.md.
    const strip = (events: readonly RunEvent[]) =>
      events.slice(1).map(({ runId: _r, timestamp, ...rest }) => ({ ...rest, at: timestamp - origin(events) }));
    const first = await execute(p, { runConfig: onVirtualTime({ maxConcurrent: 3 }), runId: 'same' });
    const second = await execute(p, { runConfig: onVirtualTime({ maxConcurrent: 3 }), runId: 'same' });
    expect(first.solid('double').outputs['result']).toEqual([0, 2, 4, 6, 8]);
    expect(strip(second.events)).toEqual(strip(first.events));
  });

  it('cancels at once, however long the running step would take', async () => {
    const { modes, memory } = quiet();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const forever = solid({
      name: 'forever',
      compute: (ctx) => {
        seen = ctx.signal;
        return timer(HOUR, ctx.scheduler);
      },
    });
    const stopper = solid({
      name: 'stopper',
      compute: (ctx) => timer(500, ctx.scheduler).pipe(map(() => controller.abort())),
    });
    const p = pipeline({
      name: 'p',
      modes,
      graph: () => {
        forever();
        stopper();
      },
    });
    const result = await execute(p, { runConfig: onVirtualTime({ maxConcurrent: 2 }), signal: controller.signal, raiseOnError: false });
    expect(result.status).toBe('CANCELED');
    expect(seen?.aborted).toBe(true);
    expect(result.events.at(-1)).toMatchObject({ type: 'RUN_CANCELED' });
    expect(at(result.events, 'RUN_CANCELED')).toEqual([500]);
    expect(memory.records().some((r) => r['event'] === 'RUN_CANCELED')).toBe(true);
  });

  describe('inside testScheduler.run()', () => {
    const letters = { S: 'STEP_START', R: 'STEP_RETRY', O: 'STEP_OUTPUT', K: 'STEP_SUCCESS' } as const;
    const stepEvents = (source: ReturnType<typeof run>) =>
      source.pipe(
        map((e) => e.type),
        filter((t) => Object.values(letters).includes(t as never)),
      );

    it('runs on that TestScheduler, so a run reads as a marble diagram', () => {
      const { modes } = quiet();
      const p = pipeline({ name: 'p', modes, graph: () => void flaky(2, { maxRetries: 2, delayMs: 1000 })() });
      const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      testScheduler.run(({ expectObservable }) => {
        expectObservable(stepEvents(run(p, { runConfig: onVirtualTime() }))).toBe('(SR) 996ms R 999ms (OK|)', letters);
      });
    });

    it('cancels where the subscription ends', async () => {
      const { modes, memory } = quiet();
      let signal: AbortSignal | undefined;
      const slow = solid({
        name: 'slow',
        compute: (ctx) => {
          signal = ctx.signal;
          return timer(HOUR, ctx.scheduler);
        },
      });
      const p = pipeline({ name: 'p', modes, graph: () => void slow() });
      const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      testScheduler.run(({ expectObservable }) => {
        expectObservable(stepEvents(run(p, { runConfig: onVirtualTime() })), '^ 1500ms !').toBe('S', letters);
      });
      // The engine cancels in a microtask after the unsubscribe.
      await Promise.resolve();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(signal?.aborted).toBe(true);
      const canceled = memory.records().find((r) => r['event'] === 'RUN_CANCELED');
      expect(canceled).toBeDefined();
    });
  });
});
