import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  executor,
  logger,
  mode,
  pipeline,
  resource,
  runConfigJsonSchema,
  solid,
  type ConfigIssue,
  type Pipeline,
} from '../../../lib/index.ts';
import { resolveRunConfig } from '../../../lib/config/run-config.ts';
import { selectSolids } from '../../../lib/config/select.ts';

const store = resource({
  config: z.object({ path: z.string().min(3), poolSize: z.coerce.number().int().default(4) }),
  init: () => ({}),
});
const cache = resource({ config: z.object({ ttl: z.number().default(60) }), init: () => ({}) });
const files = resource({ config: z.object({ root: z.string() }), init: () => ({}) });

const load = solid({
  name: 'load',
  config: z.object({ limit: z.number().default(10), table: z.string().optional() }),
  resources: ['store'],
  output: z.array(z.number()),
  compute: () => [1, 2],
});
const total = solid({
  name: 'total',
  inputs: { rows: z.array(z.number()), factor: z.number() },
  resources: ['cache'],
  output: z.number(),
  compute: (_ctx, { rows, factor }) => rows.length * factor,
});
const report = solid({
  name: 'report',
  inputs: { sum: z.number(), title: z.string().default('Report') },
  config: z.object({ format: z.enum(['text', 'html']) }),
  compute: () => undefined,
});
const archive = solid({ name: 'archive', resources: ['files'], compute: () => undefined });
const noop = solid({ name: 'noop', compute: () => undefined });

const sales = pipeline({
  name: 'sales',
  modes: [mode({ name: 'dev', resources: { store, cache, files } })],
  graph: () => {
    report({ sum: total({ rows: load() }) });
    archive();
  },
});
const dev = sales.modes[0]!;

/** The smallest valid run config of `sales`. */
const valid = {
  solids: { total: { inputs: { factor: { value: 2 } } }, report: { config: { format: 'text' } } },
  resources: { store: { config: { path: 'dev.db' } }, files: { config: { root: '/tmp' } } },
};

function issuesOf(run: () => unknown): ConfigIssue[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return [...(error as InvalidConfigError).issues];
  }
  throw new Error('expected an InvalidConfigError');
}

const resolve = (raw: unknown, env: NodeJS.ProcessEnv = {}, p: Pipeline = sales, select?: string) =>
  resolveRunConfig(p, p.modes[0]!, raw, selectSolids(p, select), env);

describe('resolveRunConfig', () => {
  describe('defaults and required values', () => {
    it('applies config defaults when entries are left out', () => {
      const resolved = resolve(valid);
      expect(resolved.solids['load']!.config).toEqual({ limit: 10 });
      expect(resolved.resources['store']!.config).toEqual({ path: 'dev.db', poolSize: 4 });
      expect(resolved.resources['cache']!.config).toEqual({ ttl: 60 });
    });

    it('gives undefined config to a solid without a config schema', () => {
      const resolved = resolve({ ...valid, solids: { ...valid.solids, archive: {} } });
      expect(resolved.solids['archive']).toEqual({ config: undefined, inputs: {} });
    });

    it('reports a missing required config at its own path', () => {
      const issues = issuesOf(() => resolve({ ...valid, solids: { total: valid.solids.total } }));
      expect(issues).toEqual([{ path: ['solids', 'report', 'config'], message: expect.stringMatching(/expected object/) }]);
    });

    it('reports every problem at once', () => {
      const issues = issuesOf(() =>
        resolve({
          solids: { load: { config: { limit: 'many' } }, report: { config: { format: 'pdf' } } },
          resources: { store: { config: { path: 'x' } } },
          execution: { turbo: {} },
        }),
      );
      expect(issues.map((i) => i.path)).toEqual(
        expect.arrayContaining([
          ['solids', 'load', 'config', 'limit'],
          ['solids', 'total', 'inputs', 'factor'],
          ['solids', 'report', 'config', 'format'],
          ['resources', 'store', 'config', 'path'],
          ['resources', 'files', 'config'],
          ['execution', 'turbo'],
        ]),
      );
      expect(issues.length).toBeGreaterThanOrEqual(6);
    });

    it('reads a missing run config as empty', () => {
      const bare = pipeline({
        name: 'bare',
        graph: () => {
          noop();
        },
      });
      const resolved = resolveRunConfig(bare, bare.modes[0]!, undefined, undefined, {});
      expect(resolved.solids).toEqual({}); // noop has nothing to configure: no entry
      expect(resolved.loggers).toEqual({ console: { config: { level: 'info' } } });
    });
  });

  describe('unknown keys', () => {
    it('refuses an unknown top-level key and lists the valid ones', () => {
      const issues = issuesOf(() => resolve({ ...valid, solid: {} }));
      expect(issues).toEqual([{ path: ['solid'], message: expect.stringMatching(/unknown key "solid".*"solids", "resources"/) }]);
    });

    it('refuses an unknown solid and lists the solids', () => {
      const issues = issuesOf(() => resolve({ ...valid, solids: { ...valid.solids, lod: {} } }));
      expect(issues).toEqual([
        { path: ['solids', 'lod'], message: 'unknown solid "lod"; solids are: "load", "total", "report", "archive"' },
      ]);
    });

    it('refuses an unknown key in a solid entry and lists the valid ones', () => {
      const issues = issuesOf(() => resolve({ ...valid, solids: { ...valid.solids, load: { confg: {} } } }));
      expect(issues[0]).toEqual({
        path: ['solids', 'load', 'confg'],
        message: 'unknown key "confg" in solids.load; valid: "inputs", "config"',
      });
    });

    it('refuses config for a solid that takes none', () => {
      const issues = issuesOf(() => resolve({ ...valid, solids: { ...valid.solids, archive: { config: {} } } }));
      expect(issues[0]!.message).toBe('solid "archive" takes no config; remove solids.archive.config');
    });

    it("refuses an unknown resource and lists the mode's resources", () => {
      const issues = issuesOf(() => resolve({ ...valid, resources: { ...valid.resources, db: {} } }));
      expect(issues[0]).toEqual({ path: ['resources', 'db'], message: 'unknown resource "db"; mode "dev" has: "store", "cache", "files"' });
    });

    it('refuses an unknown key in a resource entry', () => {
      const issues = issuesOf(() => resolve({ ...valid, resources: { ...valid.resources, cache: { settings: {} } } }));
      expect(issues[0]).toEqual({
        path: ['resources', 'cache', 'settings'],
        message: 'unknown key "settings" in resources.cache; valid: "config", "teardownTimeoutMs"',
      });
    });

    it("refuses an unknown logger and lists the mode's loggers", () => {
      const issues = issuesOf(() => resolve({ ...valid, loggers: { file: {} } }));
      expect(issues[0]).toEqual({ path: ['loggers', 'file'], message: 'unknown logger "file"; mode "dev" has: "console"' });
    });

    it("keeps the strictness of the user's own schemas", () => {
      const strict = resource({ config: z.strictObject({ a: z.number() }), init: () => 1 });
      const user = solid({ name: 'user', resources: ['strict'], compute: () => 1 });
      const p = pipeline({
        name: 'p',
        modes: [mode({ resources: { strict } })],
        graph: () => {
          user();
        },
      });
      const issues = issuesOf(() => resolve({ resources: { strict: { config: { a: 1, b: 2 } } } }, {}, p));
      expect(issues).toEqual([{ path: ['resources', 'strict', 'config', 'b'], message: 'unknown key "b"; valid: "a"' }]);
    });
  });

  describe('environment variables', () => {
    it('reads { env: NAME } from the given environment', () => {
      const resolved = resolve(
        { ...valid, resources: { ...valid.resources, store: { config: { path: { env: 'DB_PATH' } } } } },
        { DB_PATH: 'prod.db' },
      );
      expect(resolved.resources['store']!.config).toEqual({ path: 'prod.db', poolSize: 4 });
    });

    it('reports an unset variable at its path', () => {
      const issues = issuesOf(() =>
        resolve({ ...valid, resources: { ...valid.resources, store: { config: { path: { env: 'DB_PATH' } } } } }),
      );
      expect(issues).toEqual([{ path: ['resources', 'store', 'config', 'path'], message: 'environment variable DB_PATH is not set' }]);
    });

    it("applies the value's own schema after reading it", () => {
      const raw = { ...valid, resources: { ...valid.resources, store: { config: { path: { env: 'P' }, poolSize: { env: 'N' } } } } };
      expect(resolve(raw, { P: 'prod.db', N: '16' }).resources['store']!.config).toEqual({ path: 'prod.db', poolSize: 16 });
      expect(issuesOf(() => resolve(raw, { P: 'db', N: '16' }))[0]!.path).toEqual(['resources', 'store', 'config', 'path']);
    });

    it('reads { env: NAME } inside arrays and records', () => {
      const lists = resource({ config: z.object({ hosts: z.array(z.string()), tags: z.record(z.string(), z.string()) }), init: () => 1 });
      const user = solid({ name: 'user', resources: ['lists'], compute: () => 1 });
      const p = pipeline({
        name: 'p',
        modes: [mode({ resources: { lists } })],
        graph: () => {
          user();
        },
      });
      const raw = { resources: { lists: { config: { hosts: ['a', { env: 'H' }], tags: { team: { env: 'T' } } } } } };
      expect(resolve(raw, { H: 'b', T: 'data' }, p).resources['lists']!.config).toEqual({ hosts: ['a', 'b'], tags: { team: 'data' } });
    });

    it('reads { env: NAME } inside unions and recursive schemas', () => {
      type Tree = { name: string; children?: Tree[] | undefined };
      const tree: z.ZodType<Tree> = z.lazy(() => z.object({ name: z.string(), children: z.array(tree).optional() }));
      const shape = z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('circle'), r: z.coerce.number() }),
        z.object({ kind: z.literal('dot') }),
      ]);
      const draw = solid({ name: 'draw', config: z.object({ tree, shape }), compute: () => 1 });
      const p = pipeline({
        name: 'p',
        graph: () => {
          draw();
        },
      });
      const raw = {
        solids: {
          draw: { config: { tree: { name: 'a', children: [{ name: { env: 'LEAF' } }] }, shape: { kind: 'circle', r: { env: 'R' } } } },
        },
      };
      expect(resolve(raw, { LEAF: 'b', R: '2' }, p).solids['draw']!.config).toEqual({
        tree: { name: 'a', children: [{ name: 'b' }] },
        shape: { kind: 'circle', r: 2 },
      });
    });

    it('collects every value read from the environment as a secret', () => {
      const raw = {
        ...valid,
        solids: { ...valid.solids, report: { config: { format: { env: 'FORMAT' } } } },
        resources: { ...valid.resources, store: { config: { path: { env: 'DB_PATH' } } } },
      };
      expect(resolve(raw, { FORMAT: 'html', DB_PATH: 'secret.db' }).secrets).toEqual(['html', 'secret.db']);
    });

    it('does not coerce an env value for a schema that does not', () => {
      const raw = { ...valid, solids: { ...valid.solids, total: { inputs: { factor: { value: { env: 'F' } } } } } };
      expect(issuesOf(() => resolve(raw, { F: '3' }))).toEqual([
        { path: ['solids', 'total', 'inputs', 'factor', 'value'], message: expect.stringMatching(/expected number, received string/) },
      ]);
    });

    it('takes { env: ... } literally where the schema itself has an env key', () => {
      const target = resource({ config: z.object({ env: z.enum(['dev', 'prod']) }), init: () => 1 });
      const user = solid({ name: 'user', resources: ['target'], compute: () => 1 });
      const p = pipeline({
        name: 'p',
        modes: [mode({ resources: { target } })],
        graph: () => {
          user();
        },
      });
      expect(resolve({ resources: { target: { config: { env: 'prod' } } } }, {}, p).resources['target']!.config).toEqual({ env: 'prod' });
    });

    it('shows the run config with env references, never their values', () => {
      const raw = { ...valid, resources: { ...valid.resources, store: { config: { path: { env: 'DB_PATH' } } } } };
      const resolved = resolve(raw, { DB_PATH: 'secret.db' });
      expect(resolved.shown).toEqual(raw);
      expect(JSON.stringify(resolved.shown)).not.toContain('secret.db');
    });
  });

  describe('.configured()', () => {
    it('uses the bound config and leaves it out of run config', () => {
      const bound = store.configured({ path: 'bound.db' });
      const user = solid({ name: 'user', resources: ['store'], compute: () => 1 });
      const p = pipeline({
        name: 'p',
        modes: [mode({ resources: { store: bound } })],
        graph: () => {
          user();
        },
      });
      expect(resolve({}, {}, p).resources['store']!.config).toEqual({ path: 'bound.db', poolSize: 4 });
      const issues = issuesOf(() => resolve({ resources: { store: { config: { path: 'run.db' } } } }, {}, p));
      expect(issues[0]!.message).toMatch(/bound with \.configured\(\)/);
    });

    it('reports a bad bound value at the path it would have in run config', () => {
      const bound = store.configured({ path: { env: 'DB_PATH' } });
      const user = solid({ name: 'user', resources: ['store'], compute: () => 1 });
      const p = pipeline({
        name: 'p',
        modes: [mode({ resources: { store: bound } })],
        graph: () => {
          user();
        },
      });
      expect(issuesOf(() => resolve({}, {}, p))).toEqual([
        { path: ['resources', 'store', 'config', 'path'], message: 'environment variable DB_PATH is not set (in .configured())' },
      ]);
      expect(resolve({}, { DB_PATH: 'env.db' }, p).secrets).toEqual(['env.db']);
    });

    it("uses a solid's bound config", () => {
      const p = pipeline({
        name: 'p',
        graph: () => {
          report.configured({ format: 'html' })({});
        },
      });
      const raw = { solids: { report: { inputs: { sum: { value: 1 } } } } };
      expect(resolve(raw, {}, p).solids['report']!.config).toEqual({ format: 'html' });
      expect(runConfigJsonSchema(p)).not.toHaveProperty(['properties', 'solids', 'properties', 'report', 'properties', 'config']);
    });
  });

  describe('inputs', () => {
    it('takes an unconnected input from solids.<name>.inputs.<input>.value', () => {
      expect(resolve(valid).solids['total']!.inputs).toEqual({ factor: 2 });
    });

    it("applies an unconnected input's default", () => {
      const p = pipeline({
        name: 'p',
        graph: () => {
          report();
        },
      });
      const resolved = resolve({ solids: { report: { config: { format: 'text' }, inputs: { sum: { value: 5 } } } } }, {}, p);
      expect(resolved.solids['report']!.inputs).toEqual({ sum: 5, title: 'Report' });
    });

    it('reports a required unconnected input with no value', () => {
      const issues = issuesOf(() => resolve({ ...valid, solids: { report: valid.solids.report } }));
      expect(issues).toEqual([
        {
          path: ['solids', 'total', 'inputs', 'factor'],
          message: 'input "factor" of solid "total" is not connected; give it as solids.total.inputs.factor.value',
        },
      ]);
    });

    it("checks an input value against the input's schema", () => {
      const issues = issuesOf(() => resolve({ ...valid, solids: { ...valid.solids, total: { inputs: { factor: { value: 'two' } } } } }));
      expect(issues[0]!.path).toEqual(['solids', 'total', 'inputs', 'factor', 'value']);
    });

    it('refuses a value for a wired input, naming where it is wired from', () => {
      const raw = { ...valid, solids: { ...valid.solids, total: { inputs: { factor: { value: 2 }, rows: { value: [1] } } } } };
      expect(issuesOf(() => resolve(raw))).toEqual([
        {
          path: ['solids', 'total', 'inputs', 'rows'],
          message: expect.stringContaining('input "rows" of solid "total" is wired from "load"'),
        },
      ]);
    });
  });

  describe('selection', () => {
    it('makes solids outside the selection optional and ignores their config', () => {
      const raw = {
        solids: { report: { config: 'anything' }, load: { bogus: true }, archive: {} },
        resources: { files: { config: { root: '/' } } },
      };
      expect(Object.keys(resolve(raw, {}, sales, 'archive').solids)).toEqual(['archive']);
    });

    it('still refuses names that are no solid of the pipeline', () => {
      const issues = issuesOf(() => resolve({ solids: { nope: {} } }, {}, sales, 'archive'));
      expect(issues[0]!.message).toMatch(/unknown solid "nope"/);
    });

    it('takes inputs whose upstream is outside the selection from run config', () => {
      const resolved = resolve({ solids: { total: { inputs: { rows: { value: [1, 2, 3] }, factor: { value: 2 } } } } }, {}, sales, 'total');
      expect(resolved.solids['total']!.inputs).toEqual({ rows: [1, 2, 3], factor: 2 });
    });

    it('requires config only for resources the selected solids need', () => {
      // total needs only cache; store (load) and files (archive) are not required.
      const resolved = resolve({ solids: { total: { inputs: { rows: { value: [] }, factor: { value: 1 } } } } }, {}, sales, 'total');
      expect(resolved.resources['cache']!.config).toEqual({ ttl: 60 });
      expect(resolved.resources['store']!.config).toBeUndefined();
    });

    it('requires the resources a needed resource depends on', () => {
      const client = resource({ resources: ['files'], init: () => 1 });
      const user = solid({ name: 'user', resources: ['client'], compute: () => 1 });
      const p = pipeline({
        name: 'p',
        modes: [mode({ resources: { client, files } })],
        graph: () => {
          user();
        },
      });
      expect(issuesOf(() => resolve({}, {}, p))).toEqual([
        { path: ['resources', 'files', 'config'], message: expect.stringMatching(/expected object/) },
      ]);
    });
  });

  describe('loggers', () => {
    it("defaults every logger's level to info", () => {
      expect(resolve(valid).loggers).toEqual({ console: { config: { level: 'info' } } });
    });

    it("parses a logger's own config beside its level", () => {
      const lines = logger({ config: z.object({ prefix: z.string() }), init: () => ({ write: () => undefined }) });
      const p = pipeline({
        name: 'p',
        modes: [mode({ loggers: { lines } })],
        graph: () => {
          noop();
        },
      });
      expect(resolve({ loggers: { lines: { config: { prefix: '>', level: 'debug' } } } }, {}, p).loggers).toEqual({
        lines: { config: { prefix: '>', level: 'debug' } },
      });
      expect(issuesOf(() => resolve({}, {}, p))).toEqual([
        { path: ['loggers', 'lines', 'config'], message: expect.stringMatching(/expected object/) },
      ]);
    });
  });

  describe('execution', () => {
    it("uses the mode's first executor when none is given", () => {
      const { execution } = resolve(valid);
      expect(execution.executor.name).toBe('sync');
      expect(execution.config).toBeUndefined();
    });

    it("applies the chosen executor's config defaults", () => {
      const { execution } = resolve({ ...valid, execution: { async: {} } });
      expect(execution.executor.name).toBe('async');
      expect(execution.config).toEqual({ maxConcurrent: 16, cancelGraceMs: 1000 });
    });

    it("parses the chosen executor's config", () => {
      expect(resolve({ ...valid, execution: { async: { config: { maxConcurrent: 3 } } } }).execution.config).toEqual({
        maxConcurrent: 3,
        cancelGraceMs: 1000,
      });
    });

    it("applies the default executor's config defaults", () => {
      const p = pipeline({
        name: 'p',
        modes: [mode({ executors: [dev.executors[1]!] })],
        graph: () => {
          noop();
        },
      });
      expect(resolve({}, {}, p).execution).toEqual({ executor: dev.executors[1], config: { maxConcurrent: 16, cancelGraceMs: 1000 } });
    });

    it("refuses an unknown executor, listing the mode's executors", () => {
      expect(issuesOf(() => resolve({ ...valid, execution: { turbo: {} } }))).toEqual([
        {
          path: ['execution', 'turbo'],
          message: 'unknown executor "turbo"; mode "dev" allows: "sync", "async", "workerPool", "virtualTime"',
        },
      ]);
    });

    it('refuses two executors at once', () => {
      expect(issuesOf(() => resolve({ ...valid, execution: { sync: {}, async: {} } }))).toEqual([
        {
          path: ['execution'],
          message:
            'give one executor under execution, not "sync", "async"; mode "dev" allows: "sync", "async", "workerPool", "virtualTime"',
        },
      ]);
    });

    it('reports a required executor config when the default executor needs one', () => {
      const remote = executor({
        name: 'remote',
        config: z.object({ url: z.string() }),
        create: () => ({ scheduler: undefined as never, maxConcurrent: 1 }),
      });
      const p = pipeline({
        name: 'p',
        modes: [mode({ executors: [remote] })],
        graph: () => {
          noop();
        },
      });
      expect(issuesOf(() => resolve({}, {}, p))).toEqual([
        { path: ['execution', 'remote', 'config'], message: expect.stringMatching(/expected object/) },
      ]);
    });
  });
});
