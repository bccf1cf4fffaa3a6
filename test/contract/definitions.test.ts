/**
 * Contract tests for DESIGN.md "The seed example" and "Public API" → definitions table,
 * `.configured`, names, resource helpers and `mode.fromResources`.
 * Black-box: only the public entry points are imported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queueScheduler, from, of } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  InvalidDefinitionError,
  ModeflowError,
  asyncExecutor,
  consoleLogger,
  execute,
  executor,
  hardcodedResource,
  jsonLogger,
  logger,
  mockResource,
  mode,
  noneResource,
  pipeline,
  preset,
  presetFromFiles,
  resource,
  solid,
  syncExecutor,
  valuesResource,
  virtualTimeExecutor,
  workerPoolExecutor,
  type StepRequest,
} from '../../lib/index.ts';
import { eventsOf, ofType, rejectionOf, silentMode, thrownBy, typesOf } from '../helpers/index.ts';

const noop = solid({ name: 'noop', compute: () => undefined });
const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n + 1 });

// ---------------------------------------------------------------------------------------------
describe('DESIGN "The seed example"', () => {
  it('runs as written: a resource with a defaulted config and a generator init, a solid using it, two modes, execute({ mode: "local_dev" })', async () => {
    interface Db {
      executeQuery(sql: string): Promise<unknown[]>;
    }
    const journal: string[] = [];
    const openFake = (path: string, dialect: string) => ({
      executeQuery: async (sql: string) => {
        journal.push(`${dialect}(${path}): ${sql}`);
        return [];
      },
      close: () => journal.push(`${dialect} closed`),
    });
    const sqliteDatabase = resource({
      description: 'SQLite, in memory or in a file',
      config: z.object({ path: z.string().default(':memory:') }),
      async *init({ config }) {
        const db = openFake(config.path, 'sqlite');
        try {
          yield db satisfies Db;
        } finally {
          db.close();
        }
      },
    });
    const postgresDatabase = resource({
      init: () => {
        journal.push('postgres opened');
        return openFake('pg', 'postgres');
      },
    });
    const generateTable1 = solid({
      name: 'generate_table_1',
      resources: ['seed_db'],
      compute: async (ctx) => {
        await (ctx.resources.seed_db as Db).executeQuery('create table table_1 as select * from table_0');
      },
    });
    const queryPipeline = pipeline({
      name: 'query_pipeline',
      modes: [
        mode({ name: 'local_dev', loggers: {}, resources: { seed_db: sqliteDatabase } }),
        mode({ name: 'prod', loggers: {}, resources: { seed_db: postgresDatabase } }),
      ],
      graph: () => {
        generateTable1();
      },
    });

    const result = await execute(queryPipeline, { mode: 'local_dev' });

    expect(result.success).toBe(true);
    expect(result.mode).toBe('local_dev');
    expect(result.pipelineName).toBe('query_pipeline');
    // config default applied; code after `yield` is the teardown; prod's resource untouched
    expect(journal).toEqual(['sqlite(:memory:): create table table_1 as select * from table_0', 'sqlite closed']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API": definitions are plain, immutable data, validated on creation', () => {
  it('every definition is frozen (immutable)', () => {
    const r = resource({ init: () => 1 });
    const m = silentMode({ resources: { r } });
    const p = pipeline({ name: 'p', modes: [m], graph: () => noop() });
    for (const def of [noop, r, m, p, preset({ name: 'x' }), logger({ init: () => ({ write: () => {} }) })]) {
      expect(Object.isFrozen(def)).toBe(true);
    }
  });

  it('an invalid definition throws InvalidDefinitionError (a ModeflowError) with an actionable message', () => {
    const error = thrownBy(() => solid({ name: 'has space', compute: () => 1 }));
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect(error).toBeInstanceOf(ModeflowError);
    expect(error.message).toContain('has space');
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API" → solid()', () => {
  it('a single `output` is named `result`', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => one() });
    const result = await execute(p);
    expect(Object.keys(result.solid('one').outputs)).toEqual(['result']);
    expect(result.output('one', 'result')).toBe(1);
  });

  it('a solid with no output/outputs has one output `result`; returning undefined still produces it (downstream runs)', async () => {
    const after = solid({ name: 'after', inputs: { x: z.unknown() }, output: z.string(), compute: (_c, { x }) => `got ${String(x)}` });
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => after(noop()) });
    const result = await execute(p);
    expect(result.solid('noop').outputs).toEqual({ result: [undefined] });
    expect(result.output('after')).toBe('got undefined');
    expect(ofType(result.events, 'STEP_SKIPPED')).toEqual([]);
  });

  it('compute(ctx, inputs) gets its inputs keyed by input name', async () => {
    const add = solid({
      name: 'add',
      inputs: { a: z.number(), b: z.number() },
      output: z.number(),
      compute: (_ctx, inputs) => inputs.a * 10 + inputs.b,
    });
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => add({ a: one(), b: one.alias('two')() }) });
    expect((await execute(p)).output('add')).toBe(11);
  });

  it('compute may return a value, a Promise, an Observable or an AsyncIterable', async () => {
    const value = solid({ name: 'value', output: z.number(), compute: () => 1 });
    const promise = solid({ name: 'promise', output: z.number(), compute: async () => 2 });
    const observable = solid({ name: 'observable', output: z.number(), compute: () => of(3) });
    const iterable = solid({
      name: 'iterable',
      output: z.number(),
      compute: async function* () {
        yield 4;
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [silentMode()],
      graph: () => {
        value();
        promise();
        observable();
        iterable();
      },
    });
    const result = await execute(p);
    expect(['value', 'promise', 'observable', 'iterable'].map((n) => result.output(n))).toEqual([1, 2, 3, 4]);
  });

  it('with several `outputs` compute returns an object keyed by output name; an output left out is not produced and its downstream is skipped', async () => {
    const split = solid({
      name: 'split',
      outputs: { even: z.array(z.number()), odd: z.array(z.number()) },
      compute: () => ({ even: [2, 4] }),
    });
    const count = solid({ name: 'count', inputs: { xs: z.array(z.number()) }, output: z.number(), compute: (_c, { xs }) => xs.length });
    const p = pipeline({
      name: 'p',
      modes: [silentMode()],
      graph: () => {
        const { even, odd } = split();
        count.alias('evens')(even);
        count.alias('odds')(odd);
      },
    });
    const result = await execute(p);
    expect(result.success).toBe(true);
    expect(result.output('split', 'even')).toEqual([2, 4]);
    expect(result.output('evens')).toBe(2);
    expect(result.solid('odds').skipped).toBe(true);
    expect(ofType(result.events, 'STEP_SKIPPED').map((e) => e.solid)).toEqual(['odds']);
  });

  it('several emissions from one output fan the downstream out: one downstream step per value', async () => {
    const numbers = solid({ name: 'numbers', output: z.number(), compute: () => from([1, 2, 3]) });
    const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 2 });
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => double(numbers()) });
    const result = await execute(p);
    expect(ofType(result.events, 'STEP_START').filter((e) => e.solid === 'double')).toHaveLength(3);
    expect(result.solid('double').outputs['result']).toEqual([2, 4, 6]);
  });

  it('a solid may declare description, config, resources, retry and tags', () => {
    const s = solid({
      name: 'full',
      description: 'does everything',
      config: z.object({ n: z.number() }),
      resources: ['store'],
      retry: { maxRetries: 2, delayMs: 0, backoff: 'fixed' },
      tags: { priority: 3, team: 'data' },
      compute: () => undefined,
    });
    expect(s.name).toBe('full');
    expect(s.description).toBe('does everything');
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API" → pipeline()', () => {
  it('graph() wires output handles by name or by position', async () => {
    const sub = solid({
      name: 'sub',
      inputs: { a: z.number(), b: z.number() },
      output: z.number(),
      compute: (_c, { a, b }) => a - b,
    });
    const ten = solid({ name: 'ten', output: z.number(), compute: () => 10 });
    const p = pipeline({
      name: 'p',
      modes: [silentMode()],
      graph: () => {
        const t = ten();
        const o = one();
        sub(t, o); // positional, in the order `inputs` declares them: a = 10, b = 1
        sub({ b: t, a: o }); // named: a = 1, b = 10
      },
    });
    const result = await execute(p);
    expect(result.output('sub')).toBe(9);
    expect(result.output('sub_2')).toBe(-9);
  });

  it('a.alias("a2") reuses a solid under a new name', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => inc.alias('plus_one')(one.alias('start')()) });
    const result = await execute(p);
    expect(result.output('plus_one')).toBe(2);
    expect(result.output('start')).toBe(1);
    expect(ofType(result.events, 'STEP_START').map((e) => e.solid)).toEqual(['start', 'plus_one']);
  });

  it('the Nth unaliased invocation of one solid is named <name>_N (N ≥ 2)', async () => {
    const p = pipeline({
      name: 'p',
      modes: [silentMode()],
      graph: () => {
        one();
        one();
        one();
      },
    });
    const result = await execute(p);
    expect(ofType(result.events, 'STEP_START').map((e) => e.solid)).toEqual(['one', 'one_2', 'one_3']);
    expect(result.output('one_3')).toBe(1);
  });

  it('`const { even, odd } = split(x)` picks outputs of a multi-output solid', async () => {
    const split = solid({
      name: 'split',
      inputs: { xs: z.array(z.number()) },
      outputs: { even: z.array(z.number()), odd: z.array(z.number()) },
      compute: (_c, { xs }) => ({ even: xs.filter((x) => x % 2 === 0), odd: xs.filter((x) => x % 2 !== 0) }),
    });
    const xs = solid({ name: 'xs', output: z.array(z.number()), compute: () => [1, 2, 3, 4, 5] });
    const sum = solid({
      name: 'sum',
      inputs: { v: z.array(z.number()) },
      output: z.number(),
      compute: (_c, { v }) => v.reduce((a, b) => a + b, 0),
    });
    const p = pipeline({
      name: 'p',
      modes: [silentMode()],
      graph: () => {
        const { even, odd } = split(xs());
        sum.alias('sum_even')(even);
        sum.alias('sum_odd')({ v: odd });
      },
    });
    const result = await execute(p);
    expect(result.output('sum_even')).toBe(6);
    expect(result.output('sum_odd')).toBe(9);
  });

  it('no `modes` means one mode named `default`', async () => {
    const p = pipeline({ name: 'p', graph: () => noop() });
    const result = await execute(p, { runConfig: { loggers: { console: { config: { level: 'fatal' } } } } });
    expect(result.mode).toBe('default');
    expect(ofType(result.events, 'RUN_START')[0]?.mode).toBe('default');
  });

  describe('records the module that defined it (the worker pool imports it)', () => {
    /** An executor that runs steps "elsewhere" and records the module each request names. */
    function recordingExecutor(seen: (string | undefined)[]) {
      return executor({
        name: 'recording',
        create: () => ({
          scheduler: queueScheduler,
          maxConcurrent: 1,
          runStep: (request: StepRequest) => {
            seen.push(request.pipelineModule);
            return of({ type: 'output' as const, output: 'result', value: 1 });
          },
        }),
      });
    }

    it('from its call site by default', async () => {
      const seen: (string | undefined)[] = [];
      const p = pipeline({ name: 'p', modes: [silentMode({ executors: [recordingExecutor(seen)] })], graph: () => one() });
      await execute(p);
      expect(seen).toEqual([import.meta.url]);
    });

    it('`module: import.meta.url` overrides it', async () => {
      const seen: (string | undefined)[] = [];
      const elsewhere = new URL('./somewhere-else.ts', import.meta.url).href;
      const p = pipeline({
        name: 'p',
        module: elsewhere,
        modes: [silentMode({ executors: [recordingExecutor(seen)] })],
        graph: () => one(),
      });
      await execute(p);
      expect(seen).toEqual([elsewhere]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API" → mode()', () => {
  it('`name` defaults to `default`', async () => {
    const m = mode({ loggers: {} });
    expect(m.name).toBe('default');
    const result = await execute(pipeline({ name: 'p', modes: [m], graph: () => noop() }));
    expect(result.mode).toBe('default');
  });

  it('`loggers` defaults to { console: consoleLogger }', async () => {
    const m = mode({ name: 'm' });
    expect(Object.keys(m.loggers)).toEqual(['console']);
    expect(m.loggers['console']).toBe(consoleLogger);
    // the key `console` is what run config configures
    const result = await execute(pipeline({ name: 'p', modes: [m], graph: () => noop() }), {
      runConfig: { loggers: { console: { config: { level: 'fatal' } } } },
    });
    expect(result.success).toBe(true);
  });

  it('`executors` defaults to [syncExecutor, asyncExecutor, workerPoolExecutor, virtualTimeExecutor], the first being the default', async () => {
    const m = mode({ loggers: {} });
    expect(m.executors).toEqual([syncExecutor, asyncExecutor, workerPoolExecutor, virtualTimeExecutor]);
    const events = await eventsOf(pipeline({ name: 'p', modes: [m], graph: () => noop() }));
    expect(ofType(events, 'RUN_START')[0]?.executor).toBe('sync');
  });

  it('the first of the executors a mode lists is its default, whichever it is', async () => {
    const m = mode({ loggers: {}, executors: [asyncExecutor, syncExecutor] });
    const events = await eventsOf(pipeline({ name: 'p', modes: [m], graph: () => noop() }));
    expect(ofType(events, 'RUN_START')[0]?.executor).toBe('async');
  });

  it('accepts a description', () => {
    expect(mode({ name: 'm', description: 'laptop', loggers: {} }).description).toBe('laptop');
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API" → resource()', () => {
  it('init gets { config, resources, log, runId }', async () => {
    let seen: Record<string, unknown> = {};
    const base = resource({ init: () => 'base value' });
    const r = resource({
      config: z.object({ n: z.number() }),
      resources: ['base'],
      init: (ctx) => {
        seen = { config: ctx.config, resources: { base: ctx.resources.base }, runId: ctx.runId, log: typeof ctx.log.info };
        return 'r';
      },
    });
    const user = solid({ name: 'user', resources: ['r'], compute: () => undefined });
    const p = pipeline({ name: 'p', modes: [silentMode({ resources: { base, r } })], graph: () => user() });
    await execute(p, { runId: 'run-42', runConfig: { resources: { r: { config: { n: 7 } } } } });
    expect(seen).toEqual({ config: { n: 7 }, resources: { base: 'base value' }, runId: 'run-42', log: 'function' });
  });

  it('init may return the value, or a Promise of it', async () => {
    const p = pipeline({
      name: 'p',
      modes: [silentMode({ resources: { v: resource({ init: () => 'plain' }), pr: resource({ init: async () => 'promised' }) } })],
      graph: () =>
        solid({
          name: 's',
          resources: ['v', 'pr'],
          output: z.string(),
          compute: (ctx) => `${ctx.resources.v as string}+${ctx.resources.pr as string}`,
        })(),
    });
    expect((await execute(p)).output('s')).toBe('plain+promised');
  });

  it('an async generator init yields the value once and tears down after the yield (after the steps ran)', async () => {
    const journal: string[] = [];
    const gen = resource({
      async *init() {
        journal.push('open');
        try {
          yield 'gen value';
        } finally {
          journal.push('close');
        }
      },
    });
    const s = solid({ name: 's', resources: ['gen'], compute: (ctx) => void journal.push(`use ${ctx.resources.gen as string}`) });
    await execute(pipeline({ name: 'p', modes: [silentMode({ resources: { gen } })], graph: () => s() }));
    expect(journal).toEqual(['open', 'use gen value', 'close']);
  });

  it('a value with Symbol.asyncDispose or Symbol.dispose is disposed at teardown', async () => {
    const journal: string[] = [];
    const asyncOne = resource({ init: () => ({ [Symbol.asyncDispose]: async () => void journal.push('async disposed') }) });
    const syncOne = resource({ init: () => ({ [Symbol.dispose]: () => void journal.push('disposed') }) });
    const s = solid({ name: 's', resources: ['a', 'b'], compute: () => void journal.push('ran') });
    await execute(pipeline({ name: 'p', modes: [silentMode({ resources: { a: asyncOne, b: syncOne } })], graph: () => s() }));
    expect(journal[0]).toBe('ran');
    expect([...journal.slice(1)].sort()).toEqual(['async disposed', 'disposed']);
  });

  it('`resources` lists other resource keys it depends on: they are initialised first and handed in', async () => {
    const order: string[] = [];
    const base = resource({ init: () => (order.push('base'), 2) });
    const derived = resource({ resources: ['base'], init: ({ resources }) => (order.push('derived'), (resources.base as number) * 21) });
    const s = solid({ name: 's', resources: ['derived'], output: z.number(), compute: (ctx) => ctx.resources.derived as number });
    const result = await execute(pipeline({ name: 'p', modes: [silentMode({ resources: { derived, base } })], graph: () => s() }));
    expect(result.output('s')).toBe(42);
    expect(order).toEqual(['base', 'derived']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API" → logger()', () => {
  function collecting(lines: string[]) {
    return logger({
      description: 'collects lines',
      config: z.object({ prefix: z.string().default('') }),
      init: ({ config }) => ({ write: (line: string) => void lines.push(config.prefix + line) }),
    });
  }
  const chatty = solid({
    name: 'chatty',
    compute: (ctx) => {
      ctx.log.debug('a debug line');
      ctx.log.info('an info line');
    },
  });

  it('init({ config }) returns a destination with write(line) that gets one JSON line per record at or above `level` (default info)', async () => {
    const lines: string[] = [];
    await execute(pipeline({ name: 'p', modes: [mode({ loggers: { sink: collecting(lines) } })], graph: () => chatty() }));
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    expect(records.some((r) => r['msg'] === 'an info line')).toBe(true);
    expect(records.some((r) => r['msg'] === 'a debug line')).toBe(false);
  });

  it('each write(line) is one JSON record (one line)', async () => {
    const lines: string[] = [];
    await execute(pipeline({ name: 'p', modes: [mode({ loggers: { sink: collecting(lines) } })], graph: () => chatty() }));
    for (const line of lines) {
      expect(line.trimEnd()).not.toContain('\n');
      expect(typeof JSON.parse(line)).toBe('object');
    }
  });

  it('every logger config has `level`: at `debug` the sink also gets debug records', async () => {
    const lines: string[] = [];
    await execute(pipeline({ name: 'p', modes: [mode({ loggers: { sink: collecting(lines) } })], graph: () => chatty() }), {
      runConfig: { loggers: { sink: { config: { level: 'debug' } } } },
    });
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.some((r) => r['msg'] === 'a debug line')).toBe(true);
  });

  it('the sink also gets its own config', async () => {
    const lines: string[] = [];
    await execute(pipeline({ name: 'p', modes: [mode({ loggers: { sink: collecting(lines) } })], graph: () => chatty() }), {
      runConfig: { loggers: { sink: { config: { prefix: '#' } } } },
    });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith('#{'))).toBe(true);
  });

  it('built-ins consoleLogger and jsonLogger are loggers whose config has `level`', async () => {
    for (const builtIn of [consoleLogger, jsonLogger]) {
      const p = pipeline({ name: 'p', modes: [mode({ loggers: { out: builtIn } })], graph: () => noop() });
      // level fatal: nothing reaches the terminal; an unknown level is refused
      expect((await execute(p, { runConfig: { loggers: { out: { config: { level: 'fatal' } } } } })).success).toBe(true);
      expect(await rejectionOf(execute(p, { runConfig: { loggers: { out: { config: { level: 'loud' } } } } }))).toBeInstanceOf(
        InvalidConfigError,
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API" → executor()', () => {
  it('built-ins are named sync, async, workerPool and virtualTime', () => {
    expect([syncExecutor, asyncExecutor, workerPoolExecutor, virtualTimeExecutor].map((e) => e.name)).toEqual([
      'sync',
      'async',
      'workerPool',
      'virtualTime',
    ]);
  });

  it('executor({ name, config, create }) defines one a mode can run on, with its config from execution.<name>.config', async () => {
    let created: unknown;
    const serial = executor({
      name: 'serial',
      config: z.object({ label: z.string() }),
      create: ({ config }) => {
        created = config;
        return { scheduler: queueScheduler, maxConcurrent: 1 };
      },
    });
    const p = pipeline({ name: 'p', modes: [silentMode({ executors: [syncExecutor, serial] })], graph: () => one() });
    const events = await eventsOf(p, { runConfig: { execution: { serial: { config: { label: 'x' } } } } });
    expect(ofType(events, 'RUN_START')[0]?.executor).toBe('serial');
    expect(created).toEqual({ label: 'x' });
    expect(typesOf(events).at(-1)).toBe('RUN_SUCCESS');
  });

  it('asyncExecutor takes `maxConcurrent`, workerPoolExecutor `maxWorkers`', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => one() });
    const result = await execute(p, { runConfig: { execution: { async: { config: { maxConcurrent: 2 } } } } });
    expect(result.output('one')).toBe(1);
    expect(await rejectionOf(execute(p, { runConfig: { execution: { async: { config: { maxConcurrent: 'two' } } } } }))).toBeInstanceOf(
      InvalidConfigError,
    );
    // workerPool's `maxWorkers` is a typed config field (validated before the run starts)
    const error = await rejectionOf(execute(p, { runConfig: { execution: { workerPool: { config: { maxWorkers: 'two' } } } } }));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).issues.map((i) => i.path)).toContainEqual(['execution', 'workerPool', 'config', 'maxWorkers']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API" → preset() and presetFromFiles()', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'modeflow-contract-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const configured = solid({
    name: 'configured',
    config: z.object({ a: z.number(), b: z.number().default(0), c: z.string().default('none') }),
    output: z.unknown(),
    compute: (ctx) => ctx.config,
  });

  it('a preset is a named, ready run: mode + run config + selection + tags', async () => {
    const p = pipeline({
      name: 'p',
      modes: [silentMode({ name: 'dev' }), silentMode({ name: 'prod' })],
      presets: [
        preset({
          name: 'ready',
          mode: 'prod',
          runConfig: { solids: { configured: { config: { a: 1 } } } },
          select: 'configured',
          tags: { owner: 'qa' },
        }),
      ],
      graph: () => {
        configured();
        noop();
      },
    });
    const result = await execute(p, { preset: 'ready' });
    expect(result.mode).toBe('prod');
    expect(result.output('configured')).toEqual({ a: 1, b: 0, c: 'none' });
    expect(ofType(result.events, 'STEP_START').map((e) => e.solid)).toEqual(['configured']);
    expect(ofType(result.events, 'RUN_START')[0]?.tags).toMatchObject({ owner: 'qa' });
  });

  it('presetFromFiles(name, files, opts) deep-merges YAML files in order, later wins', async () => {
    const base = join(scratch, 'base.yaml');
    const prod = join(scratch, 'prod.yaml');
    writeFileSync(base, 'solids:\n  configured:\n    config:\n      a: 1\n      b: 2\n');
    writeFileSync(prod, 'solids:\n  configured:\n    config:\n      b: 20\n      c: prod\n');
    const fromFiles = presetFromFiles('from_files', [base, prod], { mode: 'prod' });
    const p = pipeline({
      name: 'p',
      modes: [silentMode({ name: 'dev' }), silentMode({ name: 'prod' })],
      presets: [fromFiles],
      graph: () => configured(),
    });
    const result = await execute(p, { preset: 'from_files' });
    expect(result.mode).toBe('prod');
    expect(result.output('configured')).toEqual({ a: 1, b: 20, c: 'prod' });
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API": `.configured(config)` binds config; it no longer appears in run config', () => {
  const greet = solid({
    name: 'greet',
    config: z.object({ who: z.string() }),
    output: z.string(),
    compute: (ctx) => `hello ${ctx.config.who}`,
  });

  it('on a solid: the bound config is used, and the original is unchanged (a copy)', async () => {
    const bound = greet.configured({ who: 'world' });
    expect(bound).not.toBe(greet);
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => bound() });
    expect((await execute(p)).output('greet')).toBe('hello world');
    // the original still needs run config
    const unbound = pipeline({ name: 'p', modes: [silentMode()], graph: () => greet() });
    expect(await rejectionOf(execute(unbound))).toBeInstanceOf(InvalidConfigError);
  });

  it('on a solid: giving solids.<name>.config for a configured solid is refused', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => greet.configured({ who: 'world' })() });
    const error = await rejectionOf(execute(p, { runConfig: { solids: { greet: { config: { who: 'again' } } } } }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });

  it('on a resource, a logger and an executor', async () => {
    const r = resource({ config: z.object({ n: z.number() }), init: ({ config }) => config.n });
    const lines: string[] = [];
    const sink = logger({
      config: z.object({ tag: z.string() }),
      init: ({ config }) => ({ write: (l: string) => void lines.push(`${config.tag}${l}`) }),
    });
    let maxSeen: unknown;
    const ex = executor({
      name: 'bounded',
      config: z.object({ max: z.number() }),
      create: ({ config }) => ((maxSeen = config.max), { scheduler: queueScheduler, maxConcurrent: config.max }),
    });
    const s = solid({ name: 's', resources: ['r'], output: z.number(), compute: (ctx) => ctx.resources.r as number });
    const p = pipeline({
      name: 'p',
      modes: [
        mode({
          resources: { r: r.configured({ n: 5 }) },
          loggers: { sink: sink.configured({ tag: 'T', level: 'info' }) },
          executors: [ex.configured({ max: 2 })],
        }),
      ],
      graph: () => s(),
    });
    const result = await execute(p);
    expect(result.output('s')).toBe(5);
    expect(maxSeen).toBe(2);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith('T{'))).toBe(true);
    // and their config no longer appears in run config
    expect(await rejectionOf(execute(p, { runConfig: { resources: { r: { config: { n: 6 } } } } }))).toBeInstanceOf(InvalidConfigError);
  });

  it('a .configured() value that fails the schema is refused', () => {
    // README "Errors": InvalidConfigError is thrown when run config (or a `.configured()` value) fails validation
    expect(() => greet.configured({ who: 42 })).toThrow(InvalidConfigError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API": names match ^[A-Za-z0-9_]+$', () => {
  it('accepts letters, digits and underscores', () => {
    expect(() => solid({ name: 'Abc_09', compute: () => 1 })).not.toThrow();
    expect(() => mode({ name: 'Prod_2', loggers: {}, resources: { db_1: noneResource() } })).not.toThrow();
    expect(() => preset({ name: 'small_1' })).not.toThrow();
  });

  it.each([
    ['a solid', () => solid({ name: 'bad-name', compute: () => 1 })],
    ['an empty solid name', () => solid({ name: '', compute: () => 1 })],
    ['an alias', () => noop.alias('bad.alias')],
    ['a mode', () => mode({ name: 'local dev', loggers: {} })],
    ['a resource key', () => mode({ loggers: {}, resources: { 'my-store': noneResource() } })],
    ['a logger key', () => mode({ loggers: { 'my/sink': jsonLogger } })],
    ['a preset', () => preset({ name: 'dev:small' })],
    ['a pipeline', () => pipeline({ name: 'my pipeline', modes: [silentMode()], graph: () => noop() })],
  ])('refuses %s that does not match, with InvalidDefinitionError', (_what, define) => {
    expect(define).toThrow(InvalidDefinitionError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Errors" → InvalidDefinitionError at definition time', () => {
  it('a mode missing a resource that a solid requires: names pipeline, mode, key, requirer and the keys the mode provides', () => {
    const user = solid({ name: 'needs_db', resources: ['warehouse'], compute: () => undefined });
    const error = thrownBy(() =>
      pipeline({
        name: 'needy_pipeline',
        modes: [
          silentMode({ name: 'fine', resources: { warehouse: noneResource() } }),
          silentMode({ name: 'lacking', resources: { cache_1: noneResource(), files_1: noneResource() } }),
        ],
        graph: () => user(),
      }),
    );
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect(error.message).toContain('needy_pipeline');
    expect(error.message).toContain('lacking');
    expect(error.message).toContain('warehouse');
    expect(error.message).toContain('needs_db');
    expect(error.message).toContain('cache_1');
    expect(error.message).toContain('files_1');
  });

  it('a mode missing a resource that another resource requires: names the requiring resource', () => {
    const client = resource({ resources: ['connection_pool'], init: () => 1 });
    const user = solid({ name: 'user', resources: ['client'], compute: () => undefined });
    const error = thrownBy(() =>
      pipeline({ name: 'p2', modes: [silentMode({ name: 'dev', resources: { client } })], graph: () => user() }),
    );
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect(error.message).toContain('connection_pool');
    expect(error.message).toContain('client');
    expect(error.message).toContain('dev');
    expect(error.message).toContain('p2');
  });

  it('a cycle among resources', () => {
    const a = resource({ resources: ['b'], init: () => 1 });
    const b = resource({ resources: ['a'], init: () => 2 });
    const attempt = () =>
      pipeline({
        name: 'p',
        modes: [silentMode({ resources: { a, b } })],
        graph: () => solid({ name: 's', resources: ['a'], compute: () => 1 })(),
      });
    expect(attempt).toThrow(InvalidDefinitionError);
  });

  it('duplicate names: two invocations with one name, two modes with one name, two presets with one name', () => {
    expect(() =>
      pipeline({
        name: 'p',
        modes: [silentMode()],
        graph: () => {
          one();
          inc.alias('one')();
        },
      }),
    ).toThrow(InvalidDefinitionError);
    expect(() => pipeline({ name: 'p', modes: [silentMode({ name: 'dev' }), silentMode({ name: 'dev' })], graph: () => noop() })).toThrow(
      InvalidDefinitionError,
    );
    expect(() =>
      pipeline({ name: 'p', modes: [silentMode()], presets: [preset({ name: 'x' }), preset({ name: 'x' })], graph: () => noop() }),
    ).toThrow(InvalidDefinitionError);
  });

  it('a preset naming an unknown mode', () => {
    const error = thrownBy(() =>
      pipeline({ name: 'p', modes: [silentMode({ name: 'dev' })], presets: [preset({ name: 'x', mode: 'prod' })], graph: () => noop() }),
    );
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect(error.message).toContain('prod');
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API": resource helpers and mode.fromResources', () => {
  const probe = solid({ name: 'probe', resources: ['thing'], output: z.unknown(), compute: (ctx) => ctx.resources.thing });

  it('hardcodedResource(value) is always that value', async () => {
    const value = { url: 'mem://' };
    const p = pipeline({ name: 'p', modes: [silentMode({ resources: { thing: hardcodedResource(value) } })], graph: () => probe() });
    expect((await execute(p)).output('probe')).toEqual(value);
  });

  it('noneResource() provides a key whose value is undefined', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode({ resources: { thing: noneResource() } })], graph: () => probe() });
    const result = await execute(p);
    expect(result.success).toBe(true);
    expect(result.output('probe')).toBeUndefined();
  });

  it('valuesResource(schema): the value is its config, parsed by the schema', async () => {
    const p = pipeline({
      name: 'p',
      modes: [silentMode({ resources: { thing: valuesResource(z.object({ batch: z.number().default(100), name: z.string() })) } })],
      graph: () => probe(),
    });
    const result = await execute(p, { runConfig: { resources: { thing: { config: { name: 'x' } } } } });
    expect(result.output('probe')).toEqual({ batch: 100, name: 'x' });
    expect(await rejectionOf(execute(p, { runConfig: { resources: { thing: { config: { name: 3 } } } } }))).toBeInstanceOf(
      InvalidConfigError,
    );
  });

  it('mockResource(partial?) records calls; methods in partial run as given', async () => {
    const db = mockResource<{ query(sql: string): number; ping(): void }>({ query: () => 3 });
    const s = solid({
      name: 's',
      resources: ['thing'],
      output: z.number(),
      compute: (ctx) => {
        const m = ctx.resources.thing as { query(sql: string): number; ping(): void };
        m.ping();
        return m.query('select 1');
      },
    });
    const result = await execute(pipeline({ name: 'p', modes: [silentMode({ resources: { thing: db } })], graph: () => s() }));
    expect(result.output('s')).toBe(3);
    expect(db.value.calls).toEqual([
      { method: 'ping', args: [] },
      { method: 'query', args: ['select 1'] },
    ]);
  });

  it('mockResource() with no partial works too', async () => {
    const m = mockResource();
    const s = solid({
      name: 's',
      resources: ['thing'],
      compute: (ctx) => void (ctx.resources.thing as { hello(x: number): void }).hello(1),
    });
    await execute(pipeline({ name: 'p', modes: [silentMode({ resources: { thing: m } })], graph: () => s() }));
    expect(m.value.calls).toEqual([{ method: 'hello', args: [1] }]);
  });

  it('mode.fromResources({ key: value }, name?) wraps plain values as resources; the name is optional', async () => {
    const named = mode.fromResources({ thing: { answer: 42 } }, 'unit');
    expect(named.name).toBe('unit');
    expect(mode.fromResources({ thing: 1 }).name).toBe('default');
    const p = pipeline({ name: 'p', modes: [named], graph: () => probe() });
    const result = await execute(p, { runConfig: { loggers: { console: { config: { level: 'fatal' } } } } });
    expect(result.mode).toBe('unit');
    expect(result.output('probe')).toEqual({ answer: 42 });
  });
});
