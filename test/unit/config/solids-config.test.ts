/** The solids section of run config (lib/config/solids-config.ts): entries only for what takes run config, at any pipeline size. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  mode,
  pipeline,
  resource,
  runConfigJsonSchema,
  runConfigSchema,
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

describe('solids with nothing to configure', () => {
  // load: config with defaults; total: a required unconnected input; report: required config
  // and an input with a default; archive: nothing (no config, no inputs).
  const given = { ...valid, solids: { ...valid.solids, archive: {} } };

  it('gives an entry to every solid with config or unconnected inputs, given or not', () => {
    const { solids } = resolve(valid);
    expect(solids).toEqual({
      load: { config: { limit: 10 }, inputs: {} },
      total: { config: undefined, inputs: { factor: 2 } },
      report: { config: { format: 'text' }, inputs: { title: 'Report' } },
    });
  });

  it('gives no entry to a solid with nothing to configure unless it is given', () => {
    expect(resolve(valid).solids).not.toHaveProperty('archive');
    expect(resolve(given).solids['archive']).toEqual({ config: undefined, inputs: {} });
  });

  it('gives an entry to a solid whose config is bound, with the bound config', () => {
    const p = pipeline({
      name: 'p',
      modes: [dev],
      graph: () => {
        load.configured({ limit: 3 })();
        noop();
      },
    });
    expect(resolve({ resources: valid.resources }, {}, p).solids).toEqual({ load: { config: { limit: 3 }, inputs: {} } });
  });

  it('gives an entry to a solid whose optional inputs are all unconnected', () => {
    const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
    const maybe = solid({ name: 'maybe', inputs: { x: z.number().optional() }, compute: () => 1 });
    const p = pipeline({
      name: 'p',
      graph: () => {
        maybe({ x: one() });
        maybe();
      },
    });
    expect(resolve({}, {}, p).solids).toEqual({ maybe_2: { config: undefined, inputs: { x: undefined } } });
  });

  it('keeps the schema output to the solids given or configurable', () => {
    const parsed = runConfigSchema(sales).safeParse(given);
    expect(parsed.success).toBe(true);
    expect(Object.keys((parsed.data as { solids: object }).solids)).toEqual(['load', 'total', 'report', 'archive']);
    const without = runConfigSchema(sales).safeParse(valid);
    expect(Object.keys((without.data as { solids: object }).solids)).toEqual(['load', 'total', 'report']);
  });

  it('still checks what such a solid is given, naming it', () => {
    const p = pipeline({
      name: 'p',
      modes: [dev],
      graph: () => {
        report({ sum: total({ rows: load() }) });
        archive();
        archive();
      },
    });
    const raw = { ...valid, solids: { ...valid.solids, archive_2: { config: {}, inputs: { x: { value: 1 } } }, archive: 3 } };
    expect(issuesOf(() => resolve(raw, {}, p))).toEqual([
      { path: ['solids', 'archive'], message: 'Invalid input: expected object, received number' },
      { path: ['solids', 'archive_2', 'inputs', 'x'], message: 'solid "archive_2" has no input "x"; its unconnected inputs are: (none)' },
      { path: ['solids', 'archive_2', 'config'], message: 'solid "archive_2" takes no config; remove solids.archive_2.config' },
    ]);
  });

  it('shares one JSON Schema entry among them', () => {
    const p = pipeline({
      name: 'p',
      modes: [dev],
      graph: () => {
        archive();
        noop();
        load();
      },
    });
    const json = runConfigJsonSchema(p) as any;
    const ref = { $ref: '#/$defs/solidWithoutRunConfig' };
    expect(json.properties.solids.properties).toMatchObject({ archive: ref, noop: ref });
    expect(json.properties.solids.properties.load.properties.config.anyOf).toHaveLength(2);
    expect(json.$defs.solidWithoutRunConfig).toMatchObject({
      type: 'object',
      properties: { inputs: { type: 'object' } },
      additionalProperties: false,
    });
  });
});

describe('a pipeline of 100,000 solids', () => {
  const inc = solid({ name: 'inc', inputs: { x: z.number().optional() }, output: z.number(), compute: (_c, { x }) => (x ?? 0) + 1 });
  const chain = pipeline({
    name: 'chain',
    graph: () => {
      let h = inc();
      for (let i = 1; i < 100_000; i++) h = inc(h);
    },
  });

  it('resolves, giving entries only to what takes run config', () => {
    expect(resolve({}, {}, chain).solids).toEqual({ inc: { config: undefined, inputs: { x: undefined } } });
    const resolved = resolve({ solids: { inc: { inputs: { x: { value: 5 } } }, inc_99999: {} } }, {}, chain);
    expect(resolved.solids).toEqual({ inc: { config: undefined, inputs: { x: 5 } }, inc_99999: { config: undefined, inputs: {} } });
  });

  it('resolves with every solid given', () => {
    const raw = { solids: Object.fromEntries(chain.nodes.map((n) => [n.name, {}])) };
    expect(Object.keys(resolve(raw, {}, chain).solids)).toHaveLength(100_000);
  });

  it('still refuses unknown names and bad entries', () => {
    const issues = issuesOf(() => resolve({ solids: { inc_100001: {}, inc_500: { inputs: { x: { value: 1 } } } } }, {}, chain));
    expect(issues).toEqual([
      {
        path: ['solids', 'inc_500', 'inputs', 'x'],
        message: expect.stringContaining('input "x" of solid "inc_500" is wired from "inc_499"'),
      },
      { path: ['solids', 'inc_100001'], message: expect.stringMatching(/^unknown solid "inc_100001"; solids are: "inc", "inc_2", /) },
    ]);
  });

  it('resolves a selection of it', () => {
    const resolved = resolve({ solids: { inc_500: { inputs: { x: { value: 1 } } } } }, {}, chain, 'inc_500+');
    expect(resolved.solids).toEqual({ inc_500: { config: undefined, inputs: { x: 1 } } });
  });

  it('has a JSON Schema', () => {
    const solids = (runConfigJsonSchema(chain) as any).properties.solids;
    expect(Object.keys(solids.properties)).toHaveLength(100_000);
    expect(solids.properties.inc_100000).toEqual({ $ref: '#/$defs/solidWithoutRunConfig' });
    expect(solids.properties.inc.properties.inputs.properties.x.properties.value.anyOf[0]).toEqual({ type: 'number' });
  });
});
