import { getEventListeners } from 'node:events';
import { queueScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  StepExecutionError,
  execute,
  executor,
  memoryLogger,
  mode,
  pipeline,
  resource,
  run,
  solid,
  type RunEvent,
} from '../../../lib/index.ts';
import { aborted, deferred, eventsOf, executors, ofType, on, rejectionOf, typesOf, until } from '../../helpers/index.ts';

/**
 * first → second (resources), a `wait` step that blocks until the run is canceled, and a
 * `later` step downstream of it. `started` resolves when `wait` is running.
 */
function blocking() {
  const journal: string[] = [];
  const started = deferred();
  const signals: AbortSignal[] = [];
  const tracked = (key: string, deps: readonly string[] = []) =>
    resource({
      resources: deps,
      async *init() {
        journal.push(`init ${key}`);
        try {
          yield key;
        } finally {
          journal.push(`teardown ${key}`);
        }
      },
    });
  const wait = solid({
    name: 'wait',
    resources: ['second'],
    output: z.number(),
    compute: async (ctx) => {
      signals.push(ctx.signal);
      started.resolve();
      await aborted(ctx.signal);
      journal.push('wait saw abort');
      return 1;
    },
  });
  const later = solid({ name: 'later', inputs: { n: z.number() }, compute: () => void journal.push('later ran') });
  const memory = memoryLogger();
  const p = pipeline({
    name: 'blocking',
    modes: [mode({ loggers: { memory }, resources: { first: tracked('first'), second: tracked('second', ['first']) } })],
    graph: () => {
      later(wait());
    },
  });
  return { p, journal, started: started.promise, signals, memory };
}

const tornDown = (journal: string[]) => journal.filter((j) => j.startsWith('teardown'));

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  describe('unsubscribing', () => {
    it('aborts ctx.signal of the running step', async () => {
      const { p, started, signals } = blocking();
      const subscription = run(p, { runConfig }).subscribe();
      await started;
      expect(signals[0]!.aborted).toBe(false);
      subscription.unsubscribe();
      await until(() => signals[0]!.aborted, 'ctx.signal to abort');
      expect(signals[0]!.aborted).toBe(true);
    });

    it('tears resources down in reverse order', async () => {
      const { p, started, journal } = blocking();
      const subscription = run(p, { runConfig }).subscribe();
      await started;
      subscription.unsubscribe();
      await until(() => tornDown(journal).length === 2, 'teardown');
      expect(tornDown(journal)).toEqual(['teardown second', 'teardown first']);
    });

    it('delivers nothing more to the subscriber', async () => {
      const { p, started, journal } = blocking();
      const seen: RunEvent[] = [];
      let completed = false;
      const subscription = run(p, { runConfig }).subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) });
      await started;
      subscription.unsubscribe();
      const count = seen.length;
      await until(() => tornDown(journal).length === 2, 'teardown');
      await new Promise((r) => setTimeout(r, 5));
      expect(seen.length).toBe(count);
      expect(seen.some((e) => e.type === 'RUN_CANCELED')).toBe(false);
      expect(completed).toBe(false);
    });

    it('sends RUN_CANCELED to the loggers', async () => {
      const { p, started, memory } = blocking();
      const subscription = run(p, { runConfig }).subscribe();
      await started;
      subscription.unsubscribe();
      await until(() => memory.records().some((r) => r['event'] === 'RUN_CANCELED'), 'RUN_CANCELED in the sink');
      expect(memory.records().filter((r) => r['event'] === 'RUN_CANCELED')).toHaveLength(1);
    });

    it('starts no step after the cancel', async () => {
      const { p, started, journal } = blocking();
      const subscription = run(p, { runConfig }).subscribe();
      await started;
      subscription.unsubscribe();
      await until(() => tornDown(journal).length === 2, 'teardown');
      expect(journal).not.toContain('later ran');
    });

    it('lets a running compute settle before tearing its resources down', async () => {
      const journal: string[] = [];
      const started = deferred();
      const r = resource({
        async *init() {
          try {
            yield 'r';
          } finally {
            journal.push('teardown r');
          }
        },
      });
      const s = solid({
        name: 's',
        resources: ['r'],
        compute: async (ctx) => {
          started.resolve();
          await aborted(ctx.signal);
          await new Promise((resolve) => setTimeout(resolve, 5));
          journal.push('compute settled');
        },
      });
      const p = pipeline({
        name: 'p',
        modes: [mode({ loggers: { memory: memoryLogger() }, resources: { r } })],
        graph: () => {
          s();
        },
      });
      const subscription = run(p, { runConfig }).subscribe();
      await started.promise;
      subscription.unsubscribe();
      await until(() => journal.includes('teardown r'), 'teardown');
      expect(journal).toEqual(['compute settled', 'teardown r']);
    });

    it('tears down a resource whose init was still running', async () => {
      const journal: string[] = [];
      const initStarted = deferred();
      const release = deferred();
      const slow = resource({
        async *init() {
          initStarted.resolve();
          await release.promise;
          journal.push('init slow');
          try {
            yield 'slow';
          } finally {
            journal.push('teardown slow');
          }
        },
      });
      const s = solid({ name: 's', resources: ['slow'], compute: () => void journal.push('s ran') });
      const p = pipeline({
        name: 'p',
        modes: [mode({ loggers: { memory: memoryLogger() }, resources: { slow } })],
        graph: () => {
          s();
        },
      });
      const subscription = run(p, { runConfig }).subscribe();
      await initStarted.promise;
      subscription.unsubscribe();
      release.resolve();
      await until(() => journal.includes('teardown slow'), 'teardown');
      expect(journal).toEqual(['init slow', 'teardown slow']);
    });
  });

  describe('aborting options.signal', () => {
    /** Runs `blocking()` and aborts options.signal once its step has started. */
    const abortWhileRunning = async () => {
      const run = blocking();
      const controller = new AbortController();
      const done = eventsOf(run.p, { runConfig, signal: controller.signal });
      await run.started;
      controller.abort();
      return { ...run, list: await done };
    };

    it('ends the stream with RUN_CANCELED, then completes', async () => {
      const { list } = await abortWhileRunning();
      expect(list.at(-1)?.type).toBe('RUN_CANCELED');
      expect(list.filter((e) => e.type.startsWith('RUN_') && e.type !== 'RUN_START')).toHaveLength(1);
    });

    it('aborts ctx.signal of the running step', async () => {
      const { signals } = await abortWhileRunning();
      expect(signals[0]!.aborted).toBe(true);
    });

    it('tears resources down in reverse order before RUN_CANCELED', async () => {
      const { journal, list } = await abortWhileRunning();
      expect(tornDown(journal)).toEqual(['teardown second', 'teardown first']);
      expect(ofType(list, 'RESOURCE_TEARDOWN').map((e) => e.resource)).toEqual(['second', 'first']);
      const teardownAt = list.findIndex((e) => e.type === 'RESOURCE_TEARDOWN');
      expect(teardownAt).toBeLessThan(list.length - 1);
    });

    it('never starts the steps downstream of the canceled one', async () => {
      const { journal, list } = await abortWhileRunning();
      expect(journal).not.toContain('later ran');
      expect(ofType(list, 'STEP_START').map((e) => e.stepKey)).toEqual(['wait']);
    });

    it('gives each started step exactly one terminal step event', async () => {
      const { list } = await abortWhileRunning();
      const ends = list.filter((e) => (e.type === 'STEP_SUCCESS' || e.type === 'STEP_FAILURE') && e.stepKey === 'wait');
      expect(ends).toHaveLength(1);
    });

    it('makes execute resolve with status CANCELED when raiseOnError is false', async () => {
      const { p, started } = blocking();
      const controller = new AbortController();
      const done = execute(p, { runConfig, signal: controller.signal, raiseOnError: false });
      await started;
      controller.abort();
      const result = await done;
      expect(result.status).toBe('CANCELED');
      expect(result.success).toBe(false);
      expect(result.solid('wait').status).toBe('CANCELED');
    });

    it('makes execute reject with a StepExecutionError carrying the canceled result', async () => {
      const { p, started } = blocking();
      const controller = new AbortController();
      const done = execute(p, { runConfig, signal: controller.signal });
      await started;
      controller.abort();
      const error = await rejectionOf(done);
      expect(error).toBeInstanceOf(StepExecutionError);
      expect((error as StepExecutionError<{ status: string }>).result.status).toBe('CANCELED');
    });

    it('cancels at once a run whose signal is already aborted, running no step', async () => {
      const { p, journal } = blocking();
      const controller = new AbortController();
      controller.abort();
      const list = await eventsOf(p, { runConfig, signal: controller.signal });
      expect(list[0]?.type).toBe('RUN_START');
      expect(list.at(-1)?.type).toBe('RUN_CANCELED');
      expect(ofType(list, 'STEP_START')).toEqual([]);
      expect(journal.filter((j) => j.startsWith('init'))).toEqual([]);
    });

    it('sends RUN_CANCELED to the loggers', async () => {
      const { memory } = await abortWhileRunning();
      expect(memory.records().filter((r) => r['event'] === 'RUN_CANCELED')).toHaveLength(1);
    });
  });
});

describe('many runs or computes on one signal', () => {
  /** The process warnings emitted while `work` runs (Node emits them on a later tick). */
  async function warningsDuring(work: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    const onWarning = (warning: Error) => seen.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      await work();
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      process.off('warning', onWarning);
    }
    return seen;
  }

  it('1,000 runs sharing one options.signal: no MaxListenersExceededWarning, one listener, none left after', async () => {
    const release = deferred();
    const controller = new AbortController();
    const hold = solid({ name: 'hold', compute: () => release.promise });
    const p = pipeline({
      name: 'shared_signal',
      modes: [mode({ loggers: {} })],
      graph: () => {
        hold();
      },
    });
    const warnings = await warningsDuring(async () => {
      const runs = Array.from({ length: 1000 }, () => execute(p, { signal: controller.signal, runConfig: { execution: { async: {} } } }));
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      release.resolve();
      const results = await Promise.all(runs);
      expect(results.every((r) => r.status === 'SUCCESS')).toBe(true);
    });
    expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('aborting the shared signal cancels every run on it, and no other', async () => {
    const controller = new AbortController();
    const hold = solid({ name: 'hold', compute: (ctx) => aborted(ctx.signal) });
    const p = pipeline({
      name: 'shared_abort',
      modes: [mode({ loggers: {} })],
      graph: () => {
        hold();
      },
    });
    const runConfig = { execution: { async: {} } };
    const shared = Array.from({ length: 20 }, () => execute(p, { signal: controller.signal, runConfig, raiseOnError: false }));
    const other = new AbortController();
    const alone = execute(p, { signal: other.signal, runConfig, raiseOnError: false });
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort();
    expect((await Promise.all(shared)).map((r) => r.status)).toEqual(Array(20).fill('CANCELED'));
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(1);
    other.abort();
    expect((await alone).status).toBe('CANCELED');
  });

  it('many concurrent computes listening to ctx.signal: no MaxListenersExceededWarning', async () => {
    const controller = new AbortController();
    const steps = Array.from({ length: 30 }, (_, i) => solid({ name: `wait_${i}`, compute: (ctx) => aborted(ctx.signal) }));
    const p = pipeline({ name: 'many_listeners', modes: [mode({ loggers: {} })], graph: () => steps.forEach((s) => s()) });
    const warnings = await warningsDuring(async () => {
      const done = execute(p, {
        signal: controller.signal,
        runConfig: { execution: { async: { config: { maxConcurrent: 64 } } } },
        raiseOnError: false,
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
      controller.abort();
      expect((await done).status).toBe('CANCELED');
    });
    expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
  });
});

describe('nothing waits forever on a resource', () => {
  /** The async executor with a short grace, and the sync one through an executor of the test's own with the same. */
  const quickSync = executor({ name: 'quickSync', create: () => ({ scheduler: queueScheduler, maxConcurrent: 1, cancelGraceMs: 20 }) });
  const setups = [
    { name: 'async', executors: undefined, runConfig: { execution: { async: { config: { cancelGraceMs: 20 } } } } },
    { name: 'sync', executors: [quickSync], runConfig: { execution: { quickSync: {} } } },
  ] as const;

  describe.each(setups)('$name executor', ({ executors: modeExecutors, runConfig }) => {
    /** `up` (torn down normally) and `hung`, whose init waits for `release`, then yields and records its teardown. */
    function hungInit() {
      const journal: string[] = [];
      const initStarted = deferred();
      const release = deferred();
      const up = resource({
        async *init() {
          try {
            yield 'up';
          } finally {
            journal.push('teardown up');
          }
        },
      });
      const hung = resource({
        resources: ['up'],
        async *init() {
          initStarted.resolve();
          await release.promise;
          journal.push('hung yields');
          try {
            yield 'hung';
          } finally {
            journal.push('teardown hung');
          }
        },
      });
      const s = solid({ name: 's', resources: ['hung'], compute: () => void journal.push('s ran') });
      const memory = memoryLogger();
      const p = pipeline({
        name: 'hung_init',
        modes: [mode({ loggers: { memory }, resources: { up, hung }, ...(modeExecutors ? { executors: modeExecutors } : {}) })],
        graph: () => {
          s();
        },
      });
      return { p, journal, initStarted: initStarted.promise, release: release.resolve, memory };
    }

    it('on cancel, abandons an init still pending after the grace period and ends RUN_CANCELED', async () => {
      const { p, journal, initStarted } = hungInit();
      const controller = new AbortController();
      const done = eventsOf(p, { runConfig, signal: controller.signal });
      await initStarted;
      controller.abort();
      const list = await done;
      expect(typesOf(list.filter((e) => e.type.startsWith('RESOURCE_') || e.type.startsWith('RUN_')))).toEqual([
        'RUN_START',
        'RESOURCE_INIT_START',
        'RESOURCE_INIT_SUCCESS',
        'RESOURCE_INIT_START',
        'RESOURCE_INIT_FAILURE',
        'RESOURCE_TEARDOWN',
        'RUN_CANCELED',
      ]);
      const abandoned = ofType(list, 'RESOURCE_INIT_FAILURE')[0]!;
      expect(abandoned.resource).toBe('hung');
      expect(abandoned.error).toMatchObject({ name: 'RunCanceledError' });
      expect(abandoned.error.message).toContain('still pending 20 ms after the run was canceled');
      expect(ofType(list, 'RESOURCE_TEARDOWN').map((e) => e.resource)).toEqual(['up']);
      expect(journal).toEqual(['teardown up']);
      expect(ofType(list, 'STEP_START')).toEqual([]);
    });

    it('tears down at once the value of an abandoned init that arrives late, with no event', async () => {
      const { p, journal, initStarted, release, memory } = hungInit();
      const controller = new AbortController();
      const done = eventsOf(p, { runConfig, signal: controller.signal });
      await initStarted;
      controller.abort();
      const list = await done;
      release();
      await until(() => journal.includes('teardown hung'), 'the late value to be torn down');
      expect(journal).toEqual(['teardown up', 'hung yields', 'teardown hung']);
      expect(list.at(-1)?.type).toBe('RUN_CANCELED');
      expect(memory.records().filter((r) => r['event'] === 'RUN_CANCELED')).toHaveLength(1);
      expect(memory.records().at(-1)?.['event']).toBe('RUN_CANCELED');
    });

    it('ends an unsubscribed run whose init hangs: RUN_CANCELED reaches the loggers', async () => {
      const { p, initStarted, memory } = hungInit();
      const subscription = run(p, { runConfig }).subscribe();
      await initStarted;
      subscription.unsubscribe();
      await until(() => memory.records().some((r) => r['event'] === 'RUN_CANCELED'), 'RUN_CANCELED in the sink');
      expect(
        memory
          .records()
          .filter((r) => r['event'] === 'RESOURCE_INIT_FAILURE')
          .map((r) => r['resource']),
      ).toEqual(['hung']);
    });
  });
});
