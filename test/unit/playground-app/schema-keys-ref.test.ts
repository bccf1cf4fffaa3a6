/** Completion (playground/src/editor/schema-keys.ts) follows the `$ref` of a solid whose entry is shared in `$defs`. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mode, pipeline, runConfigJsonSchema, solid } from '../../../lib/index.ts';
import { keyOptions, schemaAt, valueOptions } from '../../../playground/src/editor/schema-keys.ts';

const load = solid({
  name: 'load',
  config: z.object({ rows: z.number().int().default(10).describe('how many'), format: z.enum(['csv', 'json']) }),
  output: z.number(),
  compute: () => 1,
});
const p = pipeline({
  name: 'p',
  modes: [mode({ name: 'dev', loggers: {} })],
  graph: () => {
    load.alias('load_a')();
    load.alias('load_b')();
  },
});
const schema = runConfigJsonSchema(p, 'dev');

describe('completion on a solid whose entry is a $ref', () => {
  it('offers the keys and values of the shared entry', () => {
    expect((schema as any).properties.solids.properties.load_b).toEqual({ $ref: '#/$defs/solid.load' });
    expect(keyOptions(schema, ['solids']).map((o) => [o.key, o.isObject, o.required])).toEqual([
      ['load_a', true, true],
      ['load_b', true, true],
    ]);
    expect(keyOptions(schema, ['solids', 'load_b']).map((o) => o.key)).toEqual(['inputs', 'config']);
    const options = keyOptions(schema, ['solids', 'load_b', 'config']);
    expect(options.map((o) => o.key)).toEqual(['rows', 'format']);
    expect(options[0]).toMatchObject({ type: 'integer', hasDefault: true, defaultValue: 10, description: 'how many' });
    expect(valueOptions(schema, ['solids', 'load_b', 'config', 'format'])).toEqual(['csv', 'json']);
    expect(schemaAt(schema, ['solids', 'load_b', 'config', 'nope'])).toBeUndefined();
  });
});
