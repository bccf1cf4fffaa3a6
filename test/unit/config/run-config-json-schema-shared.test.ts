/**
 * runConfigJsonSchema (lib/config/run-config-json-schema.ts) writes an entry that several
 * solids share once, in `$defs`, instead of a copy per solid.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mode, pipeline, runConfigJsonSchema, solid } from '../../../lib/index.ts';

const config = z.object({ rows: z.number().int().positive(), table: z.string() });
const first = solid({ name: 'first', config, output: z.number(), compute: (ctx) => ctx.config.rows });
const step = solid({
  name: 'step',
  inputs: { previous: z.number() },
  config,
  output: z.number(),
  compute: (ctx, { previous }) => previous + ctx.config.rows,
});

/** The playground bench's pipeline: a chain of `n` aliased solids, each with config. */
function chain(n: number) {
  return pipeline({
    name: 'big',
    modes: [mode({ name: 'dev', loggers: {} })],
    graph: () => {
      let previous = first.alias('step_0')();
      for (let i = 1; i < n; i++) previous = step.alias(`step_${i}`)({ previous });
    },
  });
}

/** Every `$ref` in `node`, with where it is. */
function refsIn(node: unknown, at = '#', out: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(node)) node.forEach((child, i) => refsIn(child, `${at}/${i}`, out));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, child] of Object.entries(node)) {
      if (key === '$ref' && typeof child === 'string') out.push([at, child]);
      else refsIn(child, `${at}/${key}`, out);
    }
  }
  return out;
}

function resolvePointer(root: unknown, ref: string): unknown {
  let node: unknown = root;
  for (const token of ref.replace(/^#\//, '').split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

describe('runConfigJsonSchema shares the entry of solids alike', () => {
  const schema = runConfigJsonSchema(chain(1_000), 'dev') as any;
  const solids = schema.properties.solids.properties;

  it('writes the entry of the aliases of one definition once, in $defs, and refers to it from each', () => {
    expect(Object.keys(solids)).toHaveLength(1_000);
    for (let i = 1; i < 1_000; i++) expect(solids[`step_${i}`]).toEqual({ $ref: '#/$defs/solid.step' });
    const entry = schema.$defs['solid.step'];
    expect(entry).toMatchObject({ type: 'object', required: ['config'], additionalProperties: false });
    expect(entry.properties.config.anyOf[0]).toMatchObject({ required: ['rows', 'table'], additionalProperties: false });
    // Its JSON was ~745 KB with a copy per solid.
    expect(JSON.stringify(schema).length).toBeLessThan(100_000);
  });

  it('keeps a solid alike to no other inline, and still lists every required solid', () => {
    // step_0 is `first`: same config schema, another definition.
    expect(solids.step_0.properties.config.anyOf[0].required).toEqual(['rows', 'table']);
    expect(solids.step_0.additionalProperties).toBe(false);
    expect(schema.properties.solids.required).toHaveLength(1_000);
    expect(schema.properties.solids.additionalProperties).toBe(false);
  });

  it('refers only to nodes that exist, and declares draft 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const refs = refsIn(schema);
    expect(refs.length).toBeGreaterThanOrEqual(999);
    for (const [at, ref] of refs) expect(resolvePointer(schema, ref), `${ref} at ${at}`).toBeTypeOf('object');
  });

  it('gives one definition invoked with different unwired inputs one entry per kind', () => {
    const p = pipeline({
      name: 'mixed',
      modes: [mode({ name: 'dev', loggers: {} })],
      graph: () => {
        const a = step.alias('a')();
        const b = step.alias('b')();
        step.alias('c')({ previous: a });
        step.alias('d')({ previous: b });
        step();
        step();
      },
    });
    const json = runConfigJsonSchema(p, 'dev') as any;
    const entries = json.properties.solids.properties;
    expect(Object.keys(entries)).toEqual(['a', 'b', 'c', 'd', 'step', 'step_2']);
    expect(entries.a).toEqual(entries.b);
    expect(entries.c).toEqual(entries.d);
    expect(entries.a).not.toEqual(entries.c);
    expect(json.$defs[entries.a.$ref.slice('#/$defs/'.length)].properties.inputs.required).toEqual(['previous']);
    expect(json.$defs[entries.c.$ref.slice('#/$defs/'.length)].properties.inputs.properties).toEqual({});
  });
});
