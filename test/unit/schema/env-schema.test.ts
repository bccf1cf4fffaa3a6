/**
 * DESIGN "Semantics in detail → Config": unknown keys are issues at every level, inside the
 * users' own `z.object` config schemas too, at a path ending with the key (Dagster's
 * behaviour); `z.looseObject`, `.catchall()` and `z.record` opt out.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  asyncExecutor,
  consoleLogger,
  execute,
  mode,
  pipeline,
  resource,
  runConfigJsonSchema,
  solid,
  syncExecutor,
  workerPoolExecutor,
  type Pipeline,
} from '../../../lib/index.ts';
import { memoryLogger } from '../../../lib/index.ts';
import { rejectionOf } from '../../helpers/index.ts';

/** The seed example's resource: a typo in `path` must not open an in-memory store. */
const sqliteDatabase = resource({
  config: z.object({ path: z.string().default(':memory:') }),
  init: ({ config }) => ({ path: config.path }),
});

const generate = solid({
  name: 'generate',
  resources: ['store'],
  config: z.object({ rows: z.number().default(1000) }),
  compute: (ctx) => ctx.config.rows,
});

const seed = pipeline({
  name: 'seed',
  modes: [mode({ name: 'local_dev', resources: { store: sqliteDatabase }, executors: [syncExecutor, asyncExecutor, workerPoolExecutor] })],
  graph: () => {
    generate();
  },
});

async function issuesOf(
  p: Pipeline,
  runConfig: Record<string, unknown>,
): Promise<readonly { path: readonly PropertyKey[]; message: string }[]> {
  const error = await rejectionOf(execute(p, { runConfig }));
  expect(error).toBeInstanceOf(InvalidConfigError);
  return (error as InvalidConfigError).issues;
}

/** A one-solid pipeline whose solid takes `config`; resolves with the config the compute saw. */
function configPipeline(config: z.ZodType): Pipeline {
  return pipeline({
    name: 'configs',
    modes: [mode({ loggers: {} })],
    graph: () => {
      solid({ name: 'c', config, compute: (ctx) => ctx.config })();
    },
  });
}

describe('unknown keys in config schemas', () => {
  it('reports every typo at once, each at a path ending with the key and naming the valid keys', async () => {
    const issues = await issuesOf(seed, {
      solids: { generate: { config: { rowz: 10 } } },
      resources: { store: { config: { pth: 'dev.db' } } },
      loggers: { console: { config: { levle: 'debug' } } },
      execution: { async: { config: { maxConcurent: 16 } } },
    });
    expect(issues).toEqual([
      { path: ['solids', 'generate', 'config', 'rowz'], message: 'unknown key "rowz"; valid: "rows"' },
      { path: ['resources', 'store', 'config', 'pth'], message: 'unknown key "pth"; valid: "path"' },
      { path: ['loggers', 'console', 'config', 'levle'], message: 'unknown key "levle"; valid: "level"' },
      {
        path: ['execution', 'async', 'config', 'maxConcurent'],
        message: 'unknown key "maxConcurent"; valid: "maxConcurrent", "cancelGraceMs"',
      },
    ]);
  });

  it("refuses unknown keys in the built-in worker-pool executor's config", async () => {
    const issues = await issuesOf(seed, { execution: { workerPool: { config: { maxWorker: 2 } } } });
    expect(issues).toEqual([
      {
        path: ['execution', 'workerPool', 'config', 'maxWorker'],
        message: expect.stringMatching(/^unknown key "maxWorker"; valid: "maxWorkers"/),
      },
    ]);
  });

  it('still runs a config without typos, defaults applied', async () => {
    const result = await execute(seed, {
      runConfig: { solids: { generate: { config: { rows: 10 } } }, loggers: { console: { config: { level: 'error' } } } },
    });
    expect(result.output('generate')).toBe(10);
  });

  it('refuses unknown keys in nested objects and in objects inside arrays', async () => {
    const p = configPipeline(z.object({ db: z.object({ host: z.string() }), tables: z.array(z.object({ name: z.string() })) }));
    const issues = await issuesOf(p, {
      solids: { c: { config: { db: { host: 'h', prot: 1 }, tables: [{ name: 'a' }, { name: 'b', nmae: 'c' }] } } },
    });
    expect(issues).toEqual([
      { path: ['solids', 'c', 'config', 'db', 'prot'], message: 'unknown key "prot"; valid: "host"' },
      { path: ['solids', 'c', 'config', 'tables', 1, 'nmae'], message: 'unknown key "nmae"; valid: "name"' },
    ]);
  });

  it('refuses unknown keys under optional, nullable and default wrappers', async () => {
    const inner = z.object({ a: z.number().optional() });
    const p = configPipeline(z.object({ o: inner.optional(), n: inner.nullable(), d: inner.default({}) }));
    const issues = await issuesOf(p, { solids: { c: { config: { o: { x: 1 }, n: { y: 1 }, d: { z: 1 } } } } });
    expect(issues.map((i) => i.path)).toEqual([
      ['solids', 'c', 'config', 'o', 'x'],
      ['solids', 'c', 'config', 'n', 'y'],
      ['solids', 'c', 'config', 'd', 'z'],
    ]);
  });

  it('refuses an unknown key in the option a discriminated union picks', async () => {
    const shape = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle'), r: z.number() }),
      z.object({ kind: z.literal('square'), side: z.number() }),
    ]);
    const issues = await issuesOf(configPipeline(z.object({ shape })), {
      solids: { c: { config: { shape: { kind: 'circle', r: 1, side: 2 } } } },
    });
    expect(issues).toEqual([{ path: ['solids', 'c', 'config', 'shape', 'side'], message: 'unknown key "side"; valid: "kind", "r"' }]);
  });

  it('picks the union option that takes every key given, and reports a key no option takes', async () => {
    const target = z.union([z.object({ file: z.string() }), z.object({ file: z.string(), mode: z.string().optional() })]);
    const p = configPipeline(z.object({ target }));
    const result = await execute(p, { runConfig: { solids: { c: { config: { target: { file: 'f', mode: 'w' } } } } } });
    expect(result.output('c')).toEqual({ target: { file: 'f', mode: 'w' } });
    const loose = z.union([z.object({ file: z.string().optional() }), z.object({ url: z.string().optional() })]);
    const issues = await issuesOf(configPipeline(z.object({ loose })), { solids: { c: { config: { loose: { fiel: 'f' } } } } });
    expect(issues).toEqual([
      { path: ['solids', 'c', 'config', 'loose', 'fiel'], message: 'unknown key "fiel"; no option of the union at this position takes it' },
    ]);
  });

  it('takes the keys of both sides of an intersection, and refuses others', async () => {
    const p = configPipeline(z.intersection(z.object({ a: z.number() }), z.object({ b: z.number() })));
    expect((await execute(p, { runConfig: { solids: { c: { config: { a: 1, b: 2 } } } } })).output('c')).toEqual({ a: 1, b: 2 });
    const issues = await issuesOf(p, { solids: { c: { config: { a: 1, b: 2, d: 3 } } } });
    expect(issues.map((i) => i.path)).toEqual([['solids', 'c', 'config', 'd']]);
  });

  it('refuses unknown keys inside recursive (z.lazy) schemas', async () => {
    type Tree = { name: string; children?: Tree[] | undefined };
    const tree: z.ZodType<Tree> = z.lazy(() => z.object({ name: z.string(), children: z.array(tree).optional() }));
    const issues = await issuesOf(configPipeline(tree), {
      solids: { c: { config: { name: 'a', children: [{ name: 'b', chidlren: [] }] } } },
    });
    expect(issues).toEqual([
      { path: ['solids', 'c', 'config', 'children', 0, 'chidlren'], message: 'unknown key "chidlren"; valid: "name", "children"' },
    ]);
  });

  it('keeps extra keys where the schema says it takes them: z.looseObject, .catchall(), z.record', async () => {
    const p = configPipeline(
      z.object({
        loose: z.looseObject({ a: z.number() }),
        caught: z.object({ a: z.number() }).catchall(z.string()),
        tags: z.record(z.string(), z.string()),
      }),
    );
    const config = { loose: { a: 1, extra: true }, caught: { a: 1, label: 'x' }, tags: { team: 'data' } };
    expect((await execute(p, { runConfig: { solids: { c: { config } } } })).output('c')).toEqual(config);
    const issues = await issuesOf(p, { solids: { c: { config: { ...config, caught: { a: 1, label: 2 } } } } });
    expect(issues.map((i) => i.path)).toEqual([['solids', 'c', 'config', 'caught', 'label']]);
  });

  it('refuses unknown keys in an input value given in run config', async () => {
    const take = solid({ name: 'take', inputs: { point: z.object({ x: z.number() }) }, compute: (_ctx, { point }) => point });
    const p = pipeline({
      name: 'inputs',
      modes: [mode({ loggers: {} })],
      graph: () => {
        take();
      },
    });
    const issues = await issuesOf(p, { solids: { take: { inputs: { point: { value: { x: 1, y: 2 } } } } } });
    expect(issues).toEqual([{ path: ['solids', 'take', 'inputs', 'point', 'value', 'y'], message: 'unknown key "y"; valid: "x"' }]);
  });

  it('does not make type checks of values flowing between solids strict', async () => {
    const make = solid({ name: 'make', output: z.object({ x: z.number() }), compute: () => ({ x: 1, extra: 2 }) });
    const take = solid({ name: 'take', inputs: { point: z.object({ x: z.number() }) }, compute: (_ctx, { point }) => point });
    const p = pipeline({
      name: 'flow',
      modes: [mode({ loggers: {} })],
      graph: () => {
        take({ point: make() });
      },
    });
    const result = await execute(p);
    expect(result.success).toBe(true);
    expect(result.output('take')).toEqual({ x: 1 });
  });

  it('refuses unknown keys given to .configured(), at once and at run start', async () => {
    expect(() => sqliteDatabase.configured({ pth: 'dev.db' })).toThrow(InvalidConfigError);
    expect(() => generate.configured({ rowz: 10 })).toThrow(
      expect.objectContaining({ issues: [{ path: ['rowz'], message: 'unknown key "rowz"; valid: "rows"' }] }),
    );
    expect(() => consoleLogger.configured({ levle: 'debug' })).toThrow(InvalidConfigError);
    expect(() => asyncExecutor.configured({ maxConcurent: 2 })).toThrow(InvalidConfigError);
    // A value holding { env: NAME } is checked when the run starts, as strictly.
    const bound = sqliteDatabase.configured({ path: { env: 'MODEFLOW_TEST_UNSET_PATH' }, pth: 'x' });
    const p = pipeline({
      name: 'bound',
      modes: [mode({ resources: { store: bound }, loggers: {} })],
      graph: () => {
        generate();
      },
    });
    const issues = await issuesOf(p, {});
    expect(issues.map((i) => i.path)).toContainEqual(['resources', 'store', 'config', 'pth']);
  });

  it('says so in the JSON Schema: additionalProperties false, except where extra keys are taken', () => {
    const p = pipeline({
      name: 'json',
      modes: [mode({ resources: { store: sqliteDatabase }, loggers: { mem: memoryLogger() } })],
      graph: () => {
        solid({ name: 'c', config: z.object({ nested: z.object({ a: z.number() }), loose: z.looseObject({}) }), compute: () => 1 })();
      },
    });
    const json = runConfigJsonSchema(p) as any;
    const config = json.properties.solids.properties.c.properties.config.anyOf[0];
    expect(config.additionalProperties).toBe(false);
    expect(config.properties.nested.anyOf[0].additionalProperties).toBe(false);
    expect(config.properties.loose.anyOf[0].additionalProperties).toEqual({});
    expect(json.properties.resources.properties.store.properties.config.anyOf[0].additionalProperties).toBe(false);
    expect(json.properties.loggers.properties.mem.properties.config.anyOf[0].additionalProperties).toBe(false);
    expect(json.properties.execution.properties.sync).toBeDefined();
  });
});
