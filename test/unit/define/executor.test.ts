/** executor() (lib/define/executor.ts), and how a run creates and disposes the executor it picks. */
import { describe, expect, it } from 'vitest';
import {
  InvalidDefinitionError,
  executor,
  execute,
  pipeline,
  solid,
  InvalidConfigError,
  asyncExecutor,
  syncExecutor,
} from '../../../lib/index.ts';
import { queueScheduler } from 'rxjs';
import { z } from 'zod';
import { eventsOf, ofType, on, rejectionOf, quietMode } from '../../helpers/index.ts';

describe('executor()', () => {
  it('refuses an executor without create', () => {
    expect(() => executor({ name: 'x' } as never)).toThrow(InvalidDefinitionError);
  });
});

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
