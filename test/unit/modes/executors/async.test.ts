import { describe, expect, it } from 'vitest';
import { of, queueScheduler } from 'rxjs';
import { z } from 'zod';
import {
  InvalidConfigError,
  asyncExecutor,
  execute,
  executor,
  isTerminal,
  pipeline,
  resource,
  run,
  solid,
  syncExecutor,
  type RunEvent,
} from '../../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode, rejectionOf, sleep } from '../../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });
const add = solid({
  name: 'add',
  inputs: { a: z.number(), b: z.number() },
  output: z.number(),
  compute: (_c, { a, b }) => a + b,
});

const diamond = pipeline({
  name: 'diamond',
  modes: [quietMode()],
  graph: () => {
    const start = one();
    add(inc.alias('left')(start), inc.alias('right')(inc.alias('right_before')(start)));
  },
});

describe('the sync executor', () => {
  it('finishes a run of synchronous solids inside subscribe()', () => {
    const seen: RunEvent[] = [];
    let completed = false;
    run(diamond, { runConfig: on(syncExecutor) }).subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) });
    expect(completed).toBe(true);
    expect(seen.at(-1)?.type).toBe('RUN_SUCCESS');
  });

  it('finishes inside subscribe() with synchronous resources too', () => {
    let completed = false;
    const r = resource({ init: () => 2 });
    const s = solid({ name: 's', resources: ['r'], compute: (ctx) => ctx.resources.r });
    const p = pipeline({
      name: 'p',
      modes: [quietMode({ resources: { r } })],
      graph: () => {
        s();
      },
    });
    run(p, { runConfig: on(syncExecutor) }).subscribe({ complete: () => (completed = true) });
    expect(completed).toBe(true);
  });

  it('is the default executor of a mode that names none', async () => {
    const list = await eventsOf(diamond);
    expect(ofType(list, 'RUN_START')[0]!.executor).toBe('sync');
  });

  it('runs one step at a time', async () => {
    let inflight = 0;
    let most = 0;
    const slow = solid({
      name: 'slow',
      compute: async () => {
        most = Math.max(most, ++inflight);
        await sleep(2);
        inflight--;
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        slow();
        slow();
        slow();
      },
    });
    await execute(p, { runConfig: on(syncExecutor) });
    expect(most).toBe(1);
  });
});

describe('the async executor', () => {
  const concurrency = async (maxConcurrent: number, count: number) => {
    let inflight = 0;
    let most = 0;
    const slow = solid({
      name: 'slow',
      compute: async () => {
        most = Math.max(most, ++inflight);
        await sleep(2);
        inflight--;
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        for (let i = 0; i < count; i++) slow();
      },
    });
    const result = await execute(p, { runConfig: { execution: { async: { config: { maxConcurrent } } } } });
    expect(result.success).toBe(true);
    return most;
  };

  it('never has more than maxConcurrent computes in flight', async () => {
    expect(await concurrency(2, 6)).toBeLessThanOrEqual(2);
  });

  it('runs ready steps concurrently up to maxConcurrent', async () => {
    expect(await concurrency(3, 6)).toBe(3);
  });

  it('limits the mapped steps of a fan-out to maxConcurrent too', async () => {
    let inflight = 0;
    let most = 0;
    const src = solid({ name: 'src', output: z.number(), compute: () => of(1, 2, 3, 4, 5, 6) });
    const slow = solid({
      name: 'slow',
      inputs: { n: z.number() },
      compute: async () => {
        most = Math.max(most, ++inflight);
        await sleep(2);
        inflight--;
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        slow(src());
      },
    });
    await execute(p, { runConfig: { execution: { async: { config: { maxConcurrent: 2 } } } } });
    expect(most).toBe(2);
  });

  it('runs one at a time with maxConcurrent 1', async () => {
    expect(await concurrency(1, 4)).toBe(1);
  });

  it('refuses maxConcurrent 0 before the run starts', async () => {
    const error = await rejectionOf(execute(diamond, { runConfig: { execution: { async: { config: { maxConcurrent: 0 } } } } }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });
});

describe('choosing an executor', () => {
  it('uses the executor named under execution', async () => {
    const list = await eventsOf(diamond, { runConfig: on(asyncExecutor) });
    expect(ofType(list, 'RUN_START')[0]!.executor).toBe('async');
  });

  it("defaults to the mode's first executor", async () => {
    const p = pipeline({ name: 'p', modes: [quietMode({ executors: [asyncExecutor, syncExecutor] })], graph: () => one() });
    const list = await eventsOf(p);
    expect(ofType(list, 'RUN_START')[0]!.executor).toBe('async');
  });

  it('refuses an executor the mode does not allow', async () => {
    const p = pipeline({ name: 'p', modes: [quietMode({ executors: [syncExecutor] })], graph: () => one() });
    const error = await rejectionOf(execute(p, { runConfig: on(asyncExecutor) }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });

  it('refuses two executors under execution', async () => {
    const error = await rejectionOf(execute(diamond, { runConfig: { execution: { sync: {}, async: {} } } }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });

  it('passes execution config to a custom executor', async () => {
    let seen: unknown;
    const serial = executor({
      name: 'serial',
      config: z.object({ label: z.string() }),
      create: ({ config }) => {
        seen = config;
        return { scheduler: queueScheduler, maxConcurrent: 1 };
      },
    });
    const p = pipeline({ name: 'p', modes: [quietMode({ executors: [serial] })], graph: () => one() });
    await execute(p, { runConfig: { execution: { serial: { config: { label: 'x' } } } } });
    expect(seen).toEqual({ label: 'x' });
  });

  it("calls a custom executor's dispose when the run ends", async () => {
    let disposed = 0;
    const serial = executor({
      name: 'serial',
      create: () => ({ scheduler: queueScheduler, maxConcurrent: 1, dispose: () => void disposed++ }),
    });
    const p = pipeline({ name: 'p', modes: [quietMode({ executors: [serial] })], graph: () => one() });
    await execute(p);
    expect(disposed).toBe(1);
  });
});

describe.each(executors)('$name executor', (exec) => {
  it('gives the outputs of every step', async () => {
    const result = await execute(diamond, { runConfig: on(exec) });
    expect(result.output('one')).toBe(1);
    expect(result.output('left')).toBe(2);
    expect(result.output('right')).toBe(3);
    expect(result.output('add')).toBe(5);
  });

  it('starts each step after its upstream succeeded', async () => {
    const list = await eventsOf(diamond, { runConfig: on(exec) });
    const at = (type: string, key: string) => list.findIndex((e) => e.type === type && 'stepKey' in e && e.stepKey === key);
    expect(at('STEP_START', 'add')).toBeGreaterThan(at('STEP_SUCCESS', 'left'));
    expect(at('STEP_START', 'add')).toBeGreaterThan(at('STEP_SUCCESS', 'right'));
    expect(at('STEP_START', 'right')).toBeGreaterThan(at('STEP_SUCCESS', 'right_before'));
  });

  it('ends with exactly one terminal event, last', async () => {
    const list = await eventsOf(diamond, { runConfig: on(exec) });
    expect(list.filter(isTerminal)).toHaveLength(1);
    expect(isTerminal(list.at(-1)!)).toBe(true);
  });

  it('starts ready steps highest tags.priority first', async () => {
    const mk = (name: string, priority: number) => solid({ name, tags: { priority }, compute: () => undefined });
    const low = mk('low', -1);
    const mid = mk('mid', 0);
    const high = mk('high', 5);
    const top = mk('top', 9);
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        low();
        mid();
        high();
        top();
      },
    });
    const list = await eventsOf(p, {
      runConfig: exec.name === 'async' ? { execution: { async: { config: { maxConcurrent: 1 } } } } : on(exec),
    });
    expect(ofType(list, 'STEP_START').map((e) => e.solid)).toEqual(['top', 'high', 'mid', 'low']);
  });
});

describe('inputs', () => {
  it('hands a solid with many inputs an ordinary object holding each of them', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `in${i}`);
    let seen: Record<string, unknown> | undefined;
    const wide = solid({
      name: 'wide',
      inputs: Object.fromEntries(names.map((n) => [n, z.number()])),
      output: z.number(),
      compute: (_c, inputs) => {
        seen = inputs;
        return Object.values(inputs).reduce((a: number, b) => a + (b as number), 0);
      },
    });
    const p = pipeline({
      name: 'wide_pipeline',
      modes: [quietMode()],
      graph: () => {
        const ones = names.map(() => one());
        wide(...ones);
      },
    });
    const result = await execute(p);
    expect(result.output('wide')).toBe(40);
    expect(Object.getPrototypeOf(seen)).toBe(Object.prototype);
    expect(Object.keys(seen!)).toEqual(names);
    expect(seen!.hasOwnProperty('in7')).toBe(true);
  });
});
