/** runConfigSchema (lib/config/run-config-schema.ts): the zod schema of a run config, per pipeline, mode and selection. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvariantViolationError, mode, pipeline, resource, runConfigSchema, solid } from '../../../lib/index.ts';

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

const sales = pipeline({
  name: 'sales',
  modes: [mode({ name: 'dev', resources: { store, cache, files } })],
  graph: () => {
    report({ sum: total({ rows: load() }) });
    archive();
  },
});

/** The smallest valid run config of `sales`. */

/** The smallest valid run config of `sales`. */
const valid = {
  solids: { total: { inputs: { factor: { value: 2 } } }, report: { config: { format: 'text' } } },
  resources: { store: { config: { path: 'dev.db' } }, files: { config: { root: '/tmp' } } },
};

describe('runConfigSchema', () => {
  it('accepts { env: NAME } at a leaf', () => {
    process.env['MODEFLOW_TEST_DB_PATH'] = 'from-env.db';
    try {
      const raw = { ...valid, resources: { ...valid.resources, store: { config: { path: { env: 'MODEFLOW_TEST_DB_PATH' } } } } };
      expect(runConfigSchema(sales).safeParse(raw).success).toBe(true);
    } finally {
      delete process.env['MODEFLOW_TEST_DB_PATH'];
    }
  });

  it('is built once per pipeline, mode and selection', () => {
    expect(runConfigSchema(sales, 'dev', 'load')).toBe(runConfigSchema(sales, undefined, ' load '));
    expect(runConfigSchema(sales, 'dev')).not.toBe(runConfigSchema(sales, 'dev', 'load'));
  });

  it('refuses an unknown mode, listing the modes', () => {
    expect(() => runConfigSchema(sales, 'prod')).toThrow(InvariantViolationError);
    expect(() => runConfigSchema(sales, 'prod')).toThrow(/no mode "prod"; its modes are: "dev"/);
  });

  it('asks for a mode when the pipeline has several', () => {
    const p = pipeline({
      name: 'p',
      modes: [mode({ name: 'a' }), mode({ name: 'b' })],
      graph: () => {
        report();
      },
    });
    expect(() => runConfigSchema(p)).toThrow(/several modes; choose one of: "a", "b"/);
  });
});
