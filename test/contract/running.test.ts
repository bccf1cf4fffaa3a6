/**
 * Contract tests for DESIGN.md "Public API" → Running table, `options`, mode resolution,
 * selection, `tags.priority`, and the fields of `ctx`.
 * Black-box: only the public entry points are imported.
 */
import { Observable, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  InvalidSubsetError,
  InvariantViolationError,
  ModeflowError,
  StepExecutionError,
  execute,
  hardcodedResource,
  mode,
  pipeline,
  preset,
  resource,
  run,
  solid,
  type RunEvent,
} from '../../lib/index.ts';
import { executeSolid } from '../../lib/testing/index.ts';
import {
  eventsOf,
  memoryMode,
  ofType,
  rejectionOf,
  silentMode,
  sleep,
  subscribeError,
  thrownBy,
  typesOf,
  until,
} from '../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n + 1 });
const boom = solid({
  name: 'boom',
  compute: () => {
    throw new Error('kaput');
  },
});

const startedSolids = (list: readonly RunEvent[]) => ofType(list, 'STEP_START').map((e) => e.solid);

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Running" → run(pipeline, options?): a cold Observable<RunEvent>', () => {
  it('nothing runs until subscribe; subscribing starts the run', async () => {
    let computed = 0;
    let inits = 0;
    const counted = solid({ name: 'counted', resources: ['r'], compute: () => void computed++ });
    const p = pipeline({
      name: 'p',
      modes: [silentMode({ resources: { r: resource({ init: () => void inits++ }) } })],
      graph: () => counted(),
    });
    const observable = run(p);
    await sleep(10);
    expect([computed, inits]).toEqual([0, 0]);
    const events = await eventsOf(p);
    expect([computed, inits]).toEqual([1, 1]);
    expect(typesOf(events)[0]).toBe('RUN_START');
    void observable;
  });

  it('each subscription is a new run (its own runId)', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => one() });
    const observable = run(p);
    const first: RunEvent[] = [];
    const second: RunEvent[] = [];
    await new Promise<void>((resolve) => observable.subscribe({ next: (e) => first.push(e), complete: resolve }));
    await new Promise<void>((resolve) => observable.subscribe({ next: (e) => second.push(e), complete: resolve }));
    expect(first[0]?.runId).toBeTruthy();
    expect(second[0]?.runId).toBeTruthy();
    expect(first[0]?.runId).not.toBe(second[0]?.runId);
    expect(typesOf(second)).toEqual(typesOf(first));
  });
});

describe('DESIGN "Running" → unsubscribing cancels: running steps stop', () => {
  it('an Observable compute is unsubscribed', async () => {
    let ticks = 0;
    let torn = false;
    const ticking = solid({
      name: 'ticking',
      compute: () =>
        new Observable<number>(() => {
          const id = setInterval(() => ticks++, 1);
          return () => {
            torn = true;
            clearInterval(id);
          };
        }),
    });
    const subscription = run(pipeline({ name: 'p', modes: [silentMode()], graph: () => ticking() })).subscribe();
    await until(() => ticks > 2, 'a few ticks');
    subscription.unsubscribe();
    await until(() => torn, 'the compute to be unsubscribed');
    const after = ticks;
    await sleep(20);
    expect(ticks).toBe(after);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Running" → execute(pipeline, options?): Promise<RunResult>', () => {
  it('resolves with the RunResult of a successful run', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => inc(one()) });
    const result = await execute(p);
    expect(result.status).toBe('SUCCESS');
    expect(result.success).toBe(true);
    expect(result.output('inc')).toBe(2);
  });

  it('rejects with StepExecutionError carrying .result on failure', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => boom() });
    const error = await rejectionOf(execute(p));
    expect(error).toBeInstanceOf(StepExecutionError);
    expect(error).toBeInstanceOf(ModeflowError);
    const result = (error as StepExecutionError).result as Awaited<ReturnType<typeof execute>>;
    expect(result.status).toBe('FAILURE');
    expect(result.solid('boom').status).toBe('FAILURE');
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Running" → executeSolid(solid, { resources?, config?, inputs?, mode? }) from modeflow/testing', () => {
  const quietConsole = { loggers: { console: { config: { level: 'fatal' } } } };
  const scaled = solid({
    name: 'scaled',
    inputs: { n: z.number() },
    config: z.object({ factor: z.number() }),
    resources: ['offset'],
    output: z.number(),
    compute: (ctx, { n }) => n * ctx.config.factor + (ctx.resources.offset as number),
  });

  it('runs one solid alone with plain resource values, config and inputs', async () => {
    const result = await executeSolid(scaled, {
      resources: { offset: 1 },
      config: { factor: 10 },
      inputs: { n: 4 },
      runConfig: quietConsole,
    });
    expect(result.success).toBe(true);
    expect(result.output()).toBe(41);
  });

  it('takes resource definitions too', async () => {
    const result = await executeSolid(scaled, {
      resources: { offset: hardcodedResource(2) },
      config: { factor: 1 },
      inputs: { n: 1 },
      runConfig: quietConsole,
    });
    expect(result.output()).toBe(3);
  });

  it('runs in a given mode', async () => {
    const m = silentMode({ name: 'unit', resources: { offset: hardcodedResource(100) } });
    const result = await executeSolid(scaled, { mode: m, config: { factor: 0 }, inputs: { n: 9 } });
    expect(result.output()).toBe(100);
    expect(result.runResult.mode).toBe('unit');
  });

  it('rejects with StepExecutionError when the solid fails: its step, what it threw, its message', async () => {
    const error = (await rejectionOf(executeSolid(boom, { mode: silentMode() }))) as StepExecutionError;
    expect(error).toBeInstanceOf(StepExecutionError);
    expect(error.stepKey).toBe('boom');
    expect((error.cause as Error).message).toBe('kaput');
    expect(error.message).toContain('kaput');
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Running" → options { mode?, preset?, runConfig?, select?, runId?, tags?, signal?, raiseOnError? }', () => {
  it('runId is the id of the run: in every event and the result', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => one() });
    const result = await execute(p, { runId: 'my-run-1' });
    expect(result.runId).toBe('my-run-1');
    expect(result.events.every((e) => e.runId === 'my-run-1')).toBe(true);
  });

  it('without runId, each run gets a fresh UUID (README: default a UUID)', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => one() });
    const [a, b] = [await execute(p), await execute(p)];
    expect(a.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    expect(a.runId).not.toBe(b.runId);
  });

  it('tags are recorded on the run (RUN_START.tags, README "Events")', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => one() });
    const events = await eventsOf(p, { tags: { team: 'qa', ticket: 7 } });
    expect(ofType(events, 'RUN_START')[0]?.tags).toMatchObject({ team: 'qa', ticket: 7 });
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Running" → mode resolution: explicit mode, else the preset\'s mode, else the only mode', () => {
  const two = pipeline({
    name: 'two_modes',
    modes: [silentMode({ name: 'dev' }), silentMode({ name: 'prod' })],
    presets: [preset({ name: 'nightly', mode: 'prod' }), preset({ name: 'modeless' })],
    graph: () => one(),
  });

  it('an explicit `mode` is used', async () => {
    expect((await execute(two, { mode: 'dev' })).mode).toBe('dev');
    expect((await execute(two, { mode: 'prod' })).mode).toBe('prod');
  });

  it("else the preset's mode", async () => {
    expect((await execute(two, { preset: 'nightly' })).mode).toBe('prod');
  });

  it("an explicit mode equal to the preset's is fine", async () => {
    expect((await execute(two, { preset: 'nightly', mode: 'prod' })).mode).toBe('prod');
  });

  it('else the only mode', async () => {
    const single = pipeline({ name: 'single', modes: [silentMode({ name: 'only' })], graph: () => one() });
    expect((await execute(single)).mode).toBe('only');
  });

  it('several modes and none chosen is an InvariantViolationError (listing the modes, README "Modes")', async () => {
    const error = await rejectionOf(execute(two));
    expect(error).toBeInstanceOf(InvariantViolationError);
    expect(error).toBeInstanceOf(ModeflowError);
    expect((error as Error).message).toContain('dev');
    expect((error as Error).message).toContain('prod');
  });

  it('a preset without a mode, on a pipeline with several modes and none chosen, is an InvariantViolationError', async () => {
    expect(await rejectionOf(execute(two, { preset: 'modeless' }))).toBeInstanceOf(InvariantViolationError);
  });

  it('an unknown mode is an InvariantViolationError that lists the available ones', async () => {
    const error = await rejectionOf(execute(two, { mode: 'staging' }));
    expect(error).toBeInstanceOf(InvariantViolationError);
    const message = (error as Error).message;
    expect(message).toContain('staging');
    expect(message).toContain('dev');
    expect(message).toContain('prod');
  });

  it('a preset whose mode differs from an explicit `mode` is an InvariantViolationError', async () => {
    expect(await rejectionOf(execute(two, { preset: 'nightly', mode: 'dev' }))).toBeInstanceOf(InvariantViolationError);
  });

  it('an unknown preset at run time is an InvariantViolationError listing the presets', async () => {
    const error = await rejectionOf(execute(two, { preset: 'weekly', mode: 'dev' }));
    expect(error).toBeInstanceOf(InvariantViolationError);
    expect((error as Error).message).toContain('nightly');
    expect((error as Error).message).toContain('modeless');
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Semantics/Run lifecycle" as referenced by "Running": errors before the run starts', () => {
  const two = pipeline({ name: 'two_modes', modes: [silentMode({ name: 'dev' }), silentMode({ name: 'prod' })], graph: () => one() });
  const needsConfig = pipeline({
    name: 'needs_config',
    modes: [silentMode()],
    graph: () => solid({ name: 'cfg', config: z.object({ n: z.number() }), compute: () => undefined })(),
  });

  it.each([
    ['mode resolution', two, { mode: 'nope' }, InvariantViolationError],
    ['config', needsConfig, {}, InvalidConfigError],
    ['selection', two, { mode: 'dev', select: 'nothing_here' }, InvalidSubsetError],
  ] as const)(
    "%s problems are the Observable's `error` on subscribe, with no event and no synchronous throw from run()",
    async (_what, p, options, cls) => {
      let observable: ReturnType<typeof run> | undefined;
      expect(() => (observable = run(p, options))).not.toThrow();
      void observable;
      const { error, events } = await subscribeError(p, options);
      expect(error).toBeInstanceOf(cls);
      expect(events).toEqual([]);
    },
  );

  it.each([
    ['mode resolution', two, { mode: 'nope' }, InvariantViolationError],
    ['config', needsConfig, {}, InvalidConfigError],
    ['selection', two, { mode: 'dev', select: 'nothing_here' }, InvalidSubsetError],
  ] as const)(
    'execute rejects with the %s error unchanged, whatever raiseOnError says, and never throws synchronously',
    async (_what, p, options, cls) => {
      for (const raiseOnError of [true, false, undefined]) {
        let promise: Promise<unknown> | undefined;
        expect(() => (promise = execute(p, { ...options, ...(raiseOnError === undefined ? {} : { raiseOnError }) }))).not.toThrow();
        const error = await rejectionOf(promise!);
        expect(error).toBeInstanceOf(cls);
        expect(error).not.toBeInstanceOf(StepExecutionError);
      }
    },
  );

  it('execute never throws synchronously, even when handed something that is not a pipeline', async () => {
    let promise: Promise<unknown> | undefined;
    expect(() => (promise = execute(undefined as never))).not.toThrow();
    await rejectionOf(promise!);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Running" → selection (`select`)', () => {
  const source = solid({ name: 'source', output: z.number(), compute: () => 1 });
  const join = solid({
    name: 'join',
    inputs: { left: z.number(), right: z.number() },
    output: z.number(),
    compute: (_c, { left, right }) => left + right,
  });
  // a → b → c → d → join ← side
  const chain = pipeline({
    name: 'chain',
    modes: [silentMode()],
    graph: () => {
      const a = source.alias('a')();
      const d = inc.alias('d')(inc.alias('c')(inc.alias('b')(a)));
      join({ left: d, right: source.alias('side')() });
    },
  });
  /** The expected sets, written out by hand for the clauses these tests use. */
  const expected: Record<string, string[]> = {
    c: ['c'],
    '*c': ['a', 'b', 'c'],
    'c*': ['c', 'd', 'join'],
    '*c*': ['a', 'b', 'c', 'd', 'join'],
    '+c': ['b', 'c'],
    '++c': ['a', 'b', 'c'],
    'b+': ['b', 'c'],
    'b++': ['b', 'c', 'd'],
    'a,side': ['a', 'side'],
    'b,*d': ['a', 'b', 'c', 'd'],
    '+join,a': ['a', 'd', 'join', 'side'],
  };
  /** Where each input comes from: a selected solid whose upstream is not selected takes it from run config. */
  const upstream: Record<string, Record<string, string>> = {
    b: { n: 'a' },
    c: { n: 'b' },
    d: { n: 'c' },
    join: { left: 'd', right: 'side' },
  };
  /** Runs `select`, giving `inputs.<i>.value` exactly for the inputs cut by the selection; the solids that ran. */
  async function selected(select: string): Promise<string[]> {
    const chosen = new Set(expected[select]);
    const solids: Record<string, unknown> = {};
    for (const name of chosen) {
      const cut = Object.entries(upstream[name] ?? {}).filter(([, from]) => !chosen.has(from));
      if (cut.length) solids[name] = { inputs: Object.fromEntries(cut.map(([input]) => [input, { value: 0 }])) };
    }
    const result = await execute(chain, { select, runConfig: { solids } });
    return startedSolids(result.events).sort();
  }

  it.each(Object.entries(expected))('%s selects %j', async (select, names) => {
    expect(await selected(select)).toEqual([...names].sort());
  });

  it('a clause that matches nothing is an InvalidSubsetError (a ModeflowError)', async () => {
    const error = await rejectionOf(execute(chain, { select: 'a,nope*' }));
    expect(error).toBeInstanceOf(InvalidSubsetError);
    expect(error).toBeInstanceOf(ModeflowError);
    expect((error as Error).message).toContain('nope');
  });

  it('a selected solid whose upstream is not selected takes that input from solids.<name>.inputs', async () => {
    const result = await execute(chain, { select: 'c', runConfig: { solids: { c: { inputs: { n: { value: 41 } } } } } });
    expect(result.output('c')).toBe(42);
  });

  it('config for solids outside the selection is accepted and ignored', async () => {
    const cfg = solid({ name: 'cfg', config: z.object({ n: z.number() }), compute: () => undefined });
    const p = pipeline({
      name: 'p',
      modes: [silentMode()],
      graph: () => {
        cfg();
        one();
      },
    });
    const result = await execute(p, { select: 'one', runConfig: { solids: { cfg: { config: { n: 'not a number' } } } } });
    expect(result.success).toBe(true);
    expect(startedSolids(result.events)).toEqual(['one']);
    // and required config of an unselected solid may be left out
    expect((await execute(p, { select: 'one' })).success).toBe(true);
  });

  it('with a selection, names that are no solid are still refused in run config', async () => {
    const error = await rejectionOf(execute(chain, { select: 'a', runConfig: { solids: { not_a_solid: {} } } }));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).message).toContain('not_a_solid');
  });

  it('only resources the selected steps need are initialised', async () => {
    const inits: string[] = [];
    const track = (name: string) => resource({ init: () => void inits.push(name) });
    const p = pipeline({
      name: 'p',
      modes: [silentMode({ resources: { left_r: track('left_r'), right_r: track('right_r') } })],
      graph: () => {
        solid({ name: 'left', resources: ['left_r'], compute: () => undefined })();
        solid({ name: 'right', resources: ['right_r'], compute: () => undefined })();
      },
    });
    await execute(p, { select: 'right' });
    expect(inits).toEqual(['right_r']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Running": ready steps run highest `tags.priority` first (integer, default 0)', () => {
  const at = (name: string, priority?: number) =>
    solid({ name, ...(priority === undefined ? {} : { tags: { priority } }), compute: () => undefined });

  it.each(['sync', 'async', 'virtualTime'])('with the %s executor, one step at a time', async (executorName) => {
    const p = pipeline({
      name: 'p',
      modes: [silentMode()],
      graph: () => {
        at('low', -2)();
        at('plain')();
        at('high', 5)();
        at('mid', 1)();
      },
    });
    const config = executorName === 'sync' ? { sync: {} } : { [executorName]: { config: { maxConcurrent: 1 } } };
    const result = await execute(p, { runConfig: { execution: config } });
    expect(startedSolids(result.events)).toEqual(['high', 'mid', 'plain', 'low']);
  });

  it('a priority that is not an integer is refused at definition time', () => {
    expect(thrownBy(() => at('bad', 0.5))).toBeInstanceOf(ModeflowError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Running" → `ctx` in compute', () => {
  it('has config, resources, log, runId, pipelineName, mode, solid, stepKey, signal, attempt', async () => {
    let seen: Record<string, unknown> = {};
    const probe = solid({
      name: 'probe',
      config: z.object({ n: z.number().default(3) }),
      resources: ['thing'],
      compute: (ctx) => {
        seen = {
          config: ctx.config,
          thing: ctx.resources.thing,
          log: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((l) => typeof (ctx.log as unknown as Record<string, unknown>)[l]),
          runId: ctx.runId,
          pipelineName: ctx.pipelineName,
          mode: ctx.mode,
          solid: ctx.solid,
          stepKey: ctx.stepKey,
          signal: ctx.signal instanceof AbortSignal && !ctx.signal.aborted,
          attempt: ctx.attempt,
        };
      },
    });
    const p = pipeline({
      name: 'ctx_pipeline',
      modes: [silentMode({ name: 'here', resources: { thing: hardcodedResource('the thing') } })],
      graph: () => probe.alias('probe_alias')(),
    });
    await execute(p, { runId: 'rid' });
    expect(seen).toEqual({
      config: { n: 3 },
      thing: 'the thing',
      log: ['function', 'function', 'function', 'function', 'function', 'function'],
      runId: 'rid',
      pipelineName: 'ctx_pipeline',
      mode: 'here',
      solid: 'probe_alias',
      stepKey: 'probe_alias',
      signal: true,
      attempt: 1,
    });
  });

  it('ctx.resources has only the declared keys; any other key throws, naming the solid, the key and what it declared', async () => {
    let caught: unknown;
    const nosy = solid({
      name: 'nosy',
      resources: ['mine'],
      compute: (ctx) => {
        try {
          void (ctx.resources as Record<string, unknown>)['theirs'];
        } catch (error) {
          caught = error;
        }
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [silentMode({ resources: { mine: hardcodedResource(1), theirs: hardcodedResource(2) } })],
      graph: () => nosy(),
    });
    await execute(p);
    expect(caught).toBeInstanceOf(Error);
    const message = (caught as Error).message;
    expect(message).toContain('nosy');
    expect(message).toContain('theirs');
    expect(message).toContain('mine');
  });

  it('ctx.log is bound to runId, pipeline, mode, solid and stepKey (in every sink line)', async () => {
    const talk = solid({ name: 'talk', compute: (ctx) => ctx.log.info({ rows: 3 }, 'loaded') });
    const { mode: m, memory } = memoryMode({ name: 'logmode' });
    const p = pipeline({ name: 'log_pipeline', modes: [m], graph: () => talk.alias('talker')() });
    await execute(p, { runId: 'log-run' });
    const record = memory.records().find((r) => r['msg'] === 'loaded');
    expect(record).toMatchObject({
      runId: 'log-run',
      pipeline: 'log_pipeline',
      mode: 'logmode',
      solid: 'talker',
      stepKey: 'talker',
      rows: 3,
    });
  });

  it('ctx.log is pino-style: trace, debug, info, warn, error and fatal each write a record at that level', async () => {
    const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
    const talk = solid({ name: 'talk', compute: (ctx) => levels.forEach((level) => ctx.log[level](`at ${level}`)) });
    const { mode: m, memory } = memoryMode();
    const result = await execute(pipeline({ name: 'p', modes: [m], graph: () => talk() }), {
      runConfig: { loggers: { memory: { config: { level: 'trace' } } } },
    });
    const mine = memory.records().filter((r) => typeof r['msg'] === 'string' && (r['msg'] as string).startsWith('at '));
    expect(mine.map((r) => [r['msg'], r['level']])).toEqual([
      ['at trace', 10],
      ['at debug', 20],
      ['at info', 30],
      ['at warn', 40],
      ['at error', 50],
      ['at fatal', 60],
    ]);
    expect(ofType(result.events, 'LOG').map((e) => e.level)).toEqual([...levels]);
  });

  it('ctx.attempt counts attempts under a retry policy', async () => {
    const attempts: number[] = [];
    const flaky = solid({
      name: 'flaky',
      retry: { maxRetries: 2 },
      compute: (ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error('again');
      },
    });
    const result = await execute(pipeline({ name: 'p', modes: [silentMode()], graph: () => flaky() }));
    expect(result.success).toBe(true);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('two invocations of the same solid under different modes see their own mode', async () => {
    const seen: string[] = [];
    const who = solid({ name: 'who', compute: (ctx) => void seen.push(ctx.mode) });
    const p = pipeline({ name: 'p', modes: [mode({ name: 'a', loggers: {} }), mode({ name: 'b', loggers: {} })], graph: () => who() });
    await execute(p, { mode: 'a' });
    await execute(p, { mode: 'b' });
    expect(seen).toEqual(['a', 'b']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Public API" → built-in executors', () => {
  it('asyncExecutor runs ready steps concurrently, at most `maxConcurrent` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = (name: string) =>
      solid({
        name,
        compute: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await sleep(15);
          inFlight--;
        },
      });
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => ['s1', 's2', 's3', 's4', 's5'].forEach((n) => slow(n)()) });
    await execute(p, { runConfig: { execution: { async: { config: { maxConcurrent: 2 } } } } });
    expect(most).toBe(2);
  });

  it('virtualTimeExecutor runs in virtual time: a one-minute retry delay and timer take no wall time', async () => {
    const waits = solid({
      name: 'waits',
      retry: { maxRetries: 1, delayMs: 60_000 },
      output: z.number(),
      compute: (ctx) => {
        if (ctx.attempt === 1) throw new Error('once');
        return timer(60_000, ctx.scheduler);
      },
    });
    const started = Date.now();
    const result = await execute(pipeline({ name: 'p', modes: [silentMode()], graph: () => waits() }), {
      runConfig: { execution: { virtualTime: {} } },
    });
    expect(result.output('waits')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
