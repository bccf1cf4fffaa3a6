import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asyncExecutor, mode, pipeline, resource, runConfigJsonSchema, solid } from '../../../lib/index.ts';
import { keyOptions, schemaAt, valueOptions } from '../../../playground/src/editor/schema-keys.ts';

const db = resource({
  config: z.object({
    host: z.string().default('localhost').describe('where the server is'),
    password: z.string(),
    tls: z.boolean().optional(),
  }),
  init: () => ({}),
});
const load = solid({
  name: 'load',
  config: z.object({ rows: z.number().int().default(10), format: z.enum(['csv', 'json']) }),
  resources: ['db'],
  output: z.number(),
  compute: () => 1,
});
const report = solid({ name: 'report', inputs: { n: z.number() }, compute: () => undefined });
const p = pipeline({
  name: 'p',
  modes: [mode({ name: 'dev', resources: { db }, executors: [asyncExecutor] })],
  graph: () => {
    report(load());
  },
});
const schema = runConfigJsonSchema(p, 'dev');
const keys = (path: string[]) => keyOptions(schema, path).map((o) => o.key);

describe('completion reads the mode’s JSON Schema', () => {
  it('offers the sections at the top, the solids under solids, the resources under resources', () => {
    expect(keys([])).toEqual(expect.arrayContaining(['solids', 'resources', 'loggers', 'execution']));
    expect(keys(['solids'])).toEqual(['load', 'report']);
    expect(keys(['resources'])).toEqual(['db']);
  });

  it('sees through the { env: NAME } alternative every config position has', () => {
    expect(keys(['resources', 'db', 'config'])).toEqual(['host', 'password', 'tls']);
    expect(keys(['solids', 'load', 'config'])).toEqual(['rows', 'format']);
  });

  it('says each key’s type, default, description and whether it is required', () => {
    const options = Object.fromEntries(keyOptions(schema, ['resources', 'db', 'config']).map((o) => [o.key, o]));
    expect(options['host']).toMatchObject({
      type: 'string',
      required: false,
      hasDefault: true,
      defaultValue: 'localhost',
      description: 'where the server is',
      isObject: false,
    });
    expect(options['password']).toMatchObject({ type: 'string', required: true, hasDefault: false });
    expect(options['tls']).toMatchObject({ type: 'boolean', required: false });
    expect(keyOptions(schema, ['solids']).find((o) => o.key === 'load')).toMatchObject({ isObject: true });
  });

  it('lists the values of enums and booleans', () => {
    expect(valueOptions(schema, ['solids', 'load', 'config', 'format'])).toEqual(['csv', 'json']);
    expect(valueOptions(schema, ['resources', 'db', 'config', 'tls'])).toEqual(['true', 'false']);
  });

  it('offers nothing past the schema', () => {
    expect(schemaAt(schema, ['solids', 'nope'])).toBeUndefined();
    expect(keyOptions(schema, ['solids', 'nope', 'config'])).toEqual([]);
  });
});
