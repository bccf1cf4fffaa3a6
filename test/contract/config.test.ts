/**
 * Contract tests for DESIGN.md "Public API" → run config (the YAML shape, validation per
 * pipeline and mode, `InvalidConfigError.issues`), `{ env: NAME }` and its redaction, and
 * `runConfigSchema`.
 * Black-box: only the public entry points are imported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  InvalidConfigError,
  ModeflowError,
  asyncExecutor,
  execute,
  memoryLogger,
  mode,
  pipeline,
  resource,
  run,
  runConfigJsonSchema,
  runConfigSchema,
  solid,
  syncExecutor,
  valuesResource,
  type RunEvent,
} from '../../lib/index.ts';
import { eventsOf, memoryMode, ofType, rejectionOf, silentMode } from '../helpers/index.ts';

/** An InvalidConfigError's issues (fails when `promise` does not reject with one). */
async function issuesOf(promise: Promise<unknown>): Promise<{ path: readonly (string | number)[]; message: string }[]> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(InvalidConfigError);
  expect(error).toBeInstanceOf(ModeflowError);
  return [...(error as InvalidConfigError).issues];
}

const envNames: string[] = [];
/** A fresh environment variable name, removed after each test. */
function envName(): string {
  const name = `MODEFLOW_CONTRACT_${Math.random().toString(36).slice(2).toUpperCase()}`;
  envNames.push(name);
  return name;
}
afterEach(() => {
  for (const name of envNames.splice(0)) delete process.env[name];
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Run config": the YAML shape solids / resources / loggers / execution', () => {
  const yamlText = `
solids:    { generate_table_1: { config: { minValue: 10 }, inputs: { x: { value: 3 } } } }
resources: { store: { config: { path: dev.db } } }
loggers:   { console: { config: { level: debug } } }
execution: { async: { config: { maxConcurrent: 4 } } }   # one key: the executor to use
`;

  it('a run config in that shape runs, each section reaching what it configures', async () => {
    const console = memoryLogger();
    const generateTable1 = solid({
      name: 'generate_table_1',
      inputs: { x: z.number() },
      config: z.object({ minValue: z.number() }),
      resources: ['store'],
      output: z.string(),
      compute: (ctx, { x }) => {
        ctx.log.debug('a debug line');
        return `${ctx.config.minValue}/${x}/${(ctx.resources.store as { path: string }).path}`;
      },
    });
    const p = pipeline({
      name: 'query_pipeline',
      modes: [mode({ name: 'local_dev', resources: { store: valuesResource(z.object({ path: z.string() })) }, loggers: { console } })],
      graph: () => generateTable1(),
    });
    const result = await execute(p, { runConfig: parseYaml(yamlText) as Record<string, unknown> });
    expect(result.output('generate_table_1')).toBe('10/3/dev.db');
    expect(ofType(result.events, 'RUN_START')[0]?.executor).toBe('async');
    expect(console.records().some((r) => r['msg'] === 'a debug line')).toBe(true);
  });

  it('`execution` holds one key: two executors at once are refused', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => solid({ name: 's', compute: () => 1 })() });
    const issues = await issuesOf(execute(p, { runConfig: { execution: { sync: {}, async: {} } } }));
    expect(issues.some((i) => i.path[0] === 'execution')).toBe(true);
  });

  it('an unknown top-level section is refused (README "Run config": unknown keys are refused)', async () => {
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => solid({ name: 's', compute: () => 1 })() });
    const issues = await issuesOf(execute(p, { runConfig: { solid: {} } }));
    expect(issues.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Run config": validated with zod against a schema built for the pipeline *and the chosen mode*', () => {
  const user = solid({ name: 'user', compute: () => undefined });
  const p = pipeline({
    name: 'p',
    modes: [
      silentMode({ name: 'dev', resources: { cache: valuesResource(z.object({ ttl: z.number() })) }, executors: [syncExecutor] }),
      mode({ name: 'prod', loggers: { file: memoryLogger() }, executors: [syncExecutor, asyncExecutor] }),
    ],
    graph: () => user(),
  });

  it('a resource key of one mode is refused in another', async () => {
    expect((await execute(p, { mode: 'dev', runConfig: { resources: { cache: { config: { ttl: 1 } } } } })).success).toBe(true);
    const issues = await issuesOf(execute(p, { mode: 'prod', runConfig: { resources: { cache: { config: { ttl: 1 } } } } }));
    expect(issues.map((i) => i.path[0])).toContain('resources');
  });

  it('a logger key and an executor that only another mode has are refused', async () => {
    const loggerIssues = await issuesOf(execute(p, { mode: 'dev', runConfig: { loggers: { file: {} } } }));
    expect(loggerIssues.map((i) => i.path[0])).toContain('loggers');
    const executorIssues = await issuesOf(execute(p, { mode: 'dev', runConfig: { execution: { async: {} } } }));
    expect(executorIssues.map((i) => i.path[0])).toContain('execution');
    expect((await execute(p, { mode: 'prod', runConfig: { execution: { async: {} } } })).success).toBe(true);
  });

  it("the mode's resource config is validated by the resource's schema", async () => {
    const issues = await issuesOf(execute(p, { mode: 'dev', runConfig: { resources: { cache: { config: { ttl: 'long' } } } } }));
    expect(issues).toEqual([{ path: ['resources', 'cache', 'config', 'ttl'], message: expect.any(String) }]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Run config": every problem is reported at once with its path, as InvalidConfigError.issues', () => {
  const load = solid({ name: 'load', config: z.object({ limit: z.number(), table: z.string() }), compute: () => undefined });
  const report = solid({
    name: 'report',
    inputs: { n: z.number() },
    config: z.object({ format: z.enum(['text', 'html']) }),
    compute: () => undefined,
  });
  const p = pipeline({
    name: 'p',
    modes: [silentMode({ resources: { store: valuesResource(z.object({ path: z.string() })) } })],
    graph: () => {
      load();
      report();
      solid({ name: 'stored', resources: ['store'], compute: () => undefined })();
    },
  });

  it('issues are { path, message }, path an array of keys as zod gives it, all problems together', async () => {
    const issues = await issuesOf(
      execute(p, {
        runConfig: {
          solids: { load: { config: { limit: 'many', table: 1 } }, report: { config: { format: 'pdf' } } },
          resources: { store: { config: { path: 7 } } },
        },
      }),
    );
    for (const issue of issues) {
      expect(Array.isArray(issue.path)).toBe(true);
      expect(typeof issue.message).toBe('string');
      expect(issue.message.length).toBeGreaterThan(0);
    }
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        ['solids', 'load', 'config', 'limit'],
        ['solids', 'load', 'config', 'table'],
        ['solids', 'report', 'config', 'format'],
        ['solids', 'report', 'inputs', 'n'],
        ['resources', 'store', 'config', 'path'],
      ]),
    );
  });

  it('the error is raised before any step starts (the Observable errors on subscribe, no events)', async () => {
    let computed = false;
    const watched = pipeline({
      name: 'w',
      modes: [silentMode()],
      graph: () => {
        solid({ name: 'first', compute: () => void (computed = true) })();
        solid({ name: 'cfg', config: z.object({ n: z.number() }), compute: () => undefined })();
      },
    });
    const events: RunEvent[] = [];
    const error = await new Promise((resolve) => run(watched).subscribe({ next: (e) => events.push(e), error: resolve }));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(events).toEqual([]);
    expect(computed).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Run config" → `{ env: NAME }`', () => {
  const echo = solid({ name: 'echo', config: z.object({ value: z.string() }), output: z.string(), compute: (ctx) => ctx.config.value });

  it('is read from the environment at run start (subscribe), not when run() is called; the solid gets the real value', async () => {
    const name = envName();
    let seen: unknown;
    const capture = solid({ name: 'capture', config: z.object({ value: z.string() }), compute: (ctx) => void (seen = ctx.config.value) });
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => capture() });
    const runConfig = { solids: { capture: { config: { value: { env: name } } } } };
    process.env[name] = 'before';
    const observable = run(p, { runConfig });
    process.env[name] = 'at-start';
    await new Promise<void>((resolve) => observable.subscribe({ complete: resolve }));
    expect(seen).toBe('at-start');
    process.env[name] = 'later';
    await execute(p, { runConfig });
    expect(seen).toBe('later');
  });

  it('works in resource config too', async () => {
    const name = envName();
    process.env[name] = 'hunter2';
    let password: unknown;
    const db = resource({ config: z.object({ password: z.string() }), init: ({ config }) => void (password = config.password) });
    const p = pipeline({
      name: 'p',
      modes: [silentMode({ resources: { db } })],
      graph: () => solid({ name: 'user', resources: ['db'], compute: () => undefined })(),
    });
    await execute(p, { runConfig: { resources: { db: { config: { password: { env: name } } } } } });
    expect(password).toBe('hunter2');
  });

  it('an unset variable is an InvalidConfigError issue at its path', async () => {
    const name = envName();
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => echo() });
    const issues = await issuesOf(execute(p, { runConfig: { solids: { echo: { config: { value: { env: name } } } } } }));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['solids', 'echo', 'config', 'value']);
    expect(issues[0]?.message).toContain(name);
  });

  describe("is redacted ('[redacted]') wherever events or logs would show it", () => {
    const SECRET = 's3cr3t-Value-42';
    function leaky() {
      const leak = solid({
        name: 'leak',
        config: z.object({ password: z.string() }),
        output: z.string(),
        compute: (ctx) => {
          ctx.log.info({ password: ctx.config.password }, `connecting with ${ctx.config.password}`);
          return `postgres://user:${ctx.config.password}@host/db`;
        },
      });
      const { mode: m, memory } = memoryMode();
      return { p: pipeline({ name: 'p', modes: [m], graph: () => leak() }), memory };
    }
    function configFor(name: string) {
      return { solids: { leak: { config: { password: { env: name } } } } };
    }

    it('no event carries the secret; STEP_OUTPUT and LOG show [redacted]', async () => {
      const name = envName();
      process.env[name] = SECRET;
      const { p } = leaky();
      const events = await eventsOf(p, { runConfig: configFor(name) });
      expect(JSON.stringify(events)).not.toContain(SECRET);
      expect(ofType(events, 'STEP_OUTPUT')[0]?.value).toBe('postgres://user:[redacted]@host/db');
      const log = ofType(events, 'LOG').find((e) => e.stepKey === 'leak');
      expect(log?.message).toBe('connecting with [redacted]');
      expect(JSON.stringify(log?.fields)).toContain('[redacted]');
    });

    it('no logger line carries the secret', async () => {
      const name = envName();
      process.env[name] = SECRET;
      const { p, memory } = leaky();
      await execute(p, { runConfig: configFor(name), tags: {} });
      expect(memory.lines.length).toBeGreaterThan(0);
      for (const line of memory.lines) expect(line).not.toContain(SECRET);
      expect(memory.lines.some((l) => l.includes('connecting with [redacted]'))).toBe(true);
    });

    it('also in resource init logs, engine event lines at debug, retry/teardown/run errors, results and StepExecutionError.message; RUN_START.runConfig shows the name', async () => {
      const name = envName();
      process.env[name] = SECRET;
      const r = resource({
        config: z.object({ password: z.string() }),
        async *init({ config, log }) {
          log.info({ password: config.password }, `opening with ${config.password}`);
          try {
            yield config.password;
          } finally {
            throw new Error(`close failed for ${config.password}`);
          }
        },
      });
      const use = solid({
        name: 'use',
        resources: ['r'],
        retry: { maxRetries: 1 },
        output: z.unknown(),
        compute: (ctx) => {
          const password = ctx.resources.r as string;
          ctx.log.warn({ nested: { deep: [password] } }, 'nested field');
          if (ctx.attempt === 1) throw new Error(`retrying ${password}`);
          return { url: `x://${password}@h` };
        },
      });
      const consume = solid({
        name: 'consume',
        inputs: { v: z.unknown() },
        compute: (_ctx, { v }) => {
          throw new Error(`cannot use ${JSON.stringify(v)}`);
        },
      });
      const memory = memoryLogger();
      const p = pipeline({ name: 'p', modes: [mode({ loggers: { memory }, resources: { r } })], graph: () => consume(use()) });
      const error = await rejectionOf(
        execute(p, {
          runConfig: { resources: { r: { config: { password: { env: name } } } }, loggers: { memory: { config: { level: 'debug' } } } },
        }),
      );
      expect(error).toBeInstanceOf(Error);
      const result = (error as { result: { events: RunEvent[]; output(s: string): unknown } }).result;
      expect(JSON.stringify(result.events)).not.toContain(SECRET);
      expect(memory.lines.length).toBeGreaterThan(0);
      for (const line of memory.lines) expect(line).not.toContain(SECRET);
      expect(memory.lines.some((l) => l.includes('"event":"STEP_OUTPUT"'))).toBe(true); // engine events reached the sink
      expect((error as Error).message).not.toContain(SECRET);
      expect(result.output('use')).toEqual({ url: 'x://[redacted]@h' });
      expect(ofType(result.events, 'RUN_START')[0]?.runConfig).toMatchObject({ resources: { r: { config: { password: { env: name } } } } });
      // the downstream solid got the real value (its message, redacted in the event, was built from it)
      expect(ofType(result.events, 'STEP_FAILURE').find((e) => e.solid === 'consume')?.error.message).toContain('[redacted]');
    });

    it('a step failure message that holds the secret is redacted in its event', async () => {
      const name = envName();
      process.env[name] = SECRET;
      const fail = solid({
        name: 'fail',
        config: z.object({ password: z.string() }),
        compute: (ctx) => {
          throw new Error(`login failed for ${ctx.config.password}`);
        },
      });
      const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => fail() });
      const events = await eventsOf(p, { runConfig: { solids: { fail: { config: { password: { env: name } } } } } });
      expect(JSON.stringify(events)).not.toContain(SECRET);
      expect(ofType(events, 'STEP_FAILURE')[0]?.error.message).toContain('[redacted]');
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Run config" → runConfigSchema(pipeline, mode) returns the zod schema', () => {
  const cfg = solid({ name: 'cfg', config: z.object({ n: z.number() }), compute: () => undefined });
  const two = pipeline({
    name: 'two',
    modes: [
      silentMode({ name: 'dev', resources: { store: valuesResource(z.object({ path: z.string() })) } }),
      silentMode({ name: 'prod' }),
    ],
    graph: () => cfg(),
  });

  it('is a zod schema that accepts a valid run config and refuses an invalid one', () => {
    const schema = runConfigSchema(two, 'dev');
    expect(schema).toBeInstanceOf(z.ZodType);
    expect(schema.safeParse({ solids: { cfg: { config: { n: 1 } } }, resources: { store: { config: { path: 'x' } } } }).success).toBe(true);
    const bad = schema.safeParse({ solids: { cfg: { config: { n: 'one' } } }, resources: { store: { config: { path: 'x' } } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path)).toContainEqual(['solids', 'cfg', 'config', 'n']);
  });

  it('is built for the chosen mode', () => {
    const withStore = { solids: { cfg: { config: { n: 1 } } }, resources: { store: { config: { path: 'x' } } } };
    expect(runConfigSchema(two, 'dev').safeParse(withStore).success).toBe(true);
    expect(runConfigSchema(two, 'prod').safeParse(withStore).success).toBe(false);
  });

  it('the mode may be left out when the pipeline has one mode', () => {
    const single = pipeline({ name: 'single', modes: [silentMode()], graph: () => cfg() });
    const schema = runConfigSchema(single);
    expect(schema.safeParse({ solids: { cfg: { config: { n: 2 } } } }).success).toBe(true);
    expect(schema.safeParse({ solids: { cfg: { config: {} } } }).success).toBe(false);
  });

  it("accepts `{ env: NAME }` at a leaf (resolved before the leaf's own schema: env values are strings)", () => {
    const name = envName();
    process.env[name] = 'from the environment';
    const labelled = solid({ name: 'labelled', config: z.object({ label: z.string() }), compute: () => undefined });
    const schema = runConfigSchema(pipeline({ name: 'p', modes: [silentMode()], graph: () => labelled() }));
    expect(schema.safeParse({ solids: { labelled: { config: { label: { env: name } } } } }).success).toBe(true);
  });

  it('its JSON Schema (runConfigJsonSchema) describes the same sections, as plain JSON', () => {
    const json = runConfigJsonSchema(two, 'dev') as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    const text = JSON.stringify(json);
    for (const key of ['solids', 'resources', 'cfg', 'store']) expect(text).toContain(`"${key}"`);
  });
});
