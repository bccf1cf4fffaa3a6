/** runConfigJsonSchema (lib/config/run-config-json-schema.ts). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mode, pipeline, resource, runConfigJsonSchema, solid } from '../../../lib/index.ts';

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

describe('runConfigJsonSchema', () => {
  const envRef = { type: 'object', properties: { env: { type: 'string' } }, required: ['env'], additionalProperties: false };

  it('lets every config leaf be an { env: NAME } object', () => {
    const json = runConfigJsonSchema(sales) as any;
    const store = json.properties.resources.properties.store.properties.config;
    expect(store.anyOf).toContainEqual(envRef);
    expect(store.anyOf[0].properties.path.anyOf).toEqual([{ type: 'string', minLength: 3 }, envRef]);
    const factor = json.properties.solids.properties.total.properties.inputs.properties.factor.properties.value;
    expect(factor.anyOf).toEqual([{ type: 'number' }, envRef]);
  });

  it('keeps defaults and marks only required entries as required', () => {
    const json = runConfigJsonSchema(sales) as any;
    expect(json.required).toEqual(['solids', 'resources']);
    expect(json.additionalProperties).toBe(false);
    const poolSize = json.properties.resources.properties.store.properties.config.anyOf[0].properties.poolSize;
    expect(poolSize.default).toBe(4);
  });
});
