import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StepExecutionError, execute, memoryLogger, mode, pipeline, resource, run, solid, type RunEvent } from '../../../lib/index.ts';
import { aborted, deferred, eventsOf, executors, ofType, on, rejectionOf, until } from '../../helpers/index.ts';

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
