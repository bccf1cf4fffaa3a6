/**
 * Run config of composites: `solids.<composite>.solids.<inner>`, the composite's own inputs,
 * config mapped onto its solids, and the JSON Schema and scaffold that show the shape.
 * Dagster's behaviours K119–K121 (shared/reference/dagster-0.12.md, section K) each have a
 * test named after them.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError, composite, execute, pipeline, runConfigJsonSchema, solid, type RunOptions } from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';
import { scaffoldConfig } from '../../../lib/cli/scaffold-config.ts';

/** The issues of the InvalidConfigError a run rejects with. */
async function issuesOf(p: Parameters<typeof execute>[0], options: RunOptions): Promise<{ path: (string | number)[]; message: string }[]> {
  const error = await execute(p, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidConfigError);
  return (error as InvalidConfigError).issues as { path: (string | number)[]; message: string }[];
}

// Dagster's test_config_mappings / test_composite_descent shapes, in modeflow.
const returnInt = solid({ name: 'return_int', config: z.number().int(), output: z.number(), compute: (ctx) => ctx.config });
const layerThreeWrap = composite({
  name: 'layer_three_wrap',
  config: z.object({ number: z.number() }),
  configMapping: (c) => ({ return_int: { config: c.number + 1 } }),
  graph: () => returnInt(),
});
const layerTwoDoubleWrap = composite({
  name: 'layer_two_double_wrap',
  config: z.object({ number: z.number(), inject_error: z.boolean() }),
  configMapping: (c) => ({ layer_three_wrap: { config: { number: c.inject_error ? 'a_string' : c.number + 1 } } }),
  graph: () => layerThreeWrap(),
});
const layerTwoPassthrough = composite({ name: 'layer_two_passthrough', graph: () => returnInt() });
const layerOne = composite({ name: 'layer_one', graph: () => void (layerTwoPassthrough(), layerTwoDoubleWrap()) });
const layered = pipeline({ name: 'layered_config', modes: [quietMode()], graph: () => void layerOne() });

const layeredConfig = (injectError: boolean) => ({
  solids: {
    layer_one: {
      solids: {
        layer_two_passthrough: { solids: { return_int: { config: 55 } } },
        layer_two_double_wrap: { config: { number: 7, inject_error: injectError } },
      },
    },
  },
});

describe('composite config', () => {
  it('K119: a composite with config and a mapping takes only solids.<composite>.config, mapped onto its solids at any depth', async () => {
    const result = await execute(layered, { runConfig: layeredConfig(false) });
    expect(result.output('layer_one.layer_two_passthrough.return_int')).toBe(55);
    // 7 → layer_three_wrap.number 8 → return_int 9, through two mappings.
    expect(result.output('layer_one.layer_two_double_wrap.layer_three_wrap.return_int')).toBe(9);
    expect(result.solid('layer_one.layer_two_double_wrap').status).toBe('SUCCESS');
  });

  it('K120: a config-mapped composite takes no solids: entry for its children', async () => {
    const config = layeredConfig(false);
    (config.solids.layer_one.solids.layer_two_double_wrap as Record<string, unknown>)['solids'] = {
      layer_three_wrap: { config: { number: 1 } },
    };
    expect(await issuesOf(layered, { runConfig: config })).toEqual([
      {
        path: ['solids', 'layer_one', 'solids', 'layer_two_double_wrap', 'solids'],
        message:
          'composite "layer_one.layer_two_double_wrap" maps its config onto its solids (configMapping), so its solids take no config here; ' +
          'give solids.layer_one.solids.layer_two_double_wrap.config instead of solids.layer_one.solids.layer_two_double_wrap.solids',
      },
    ]);
  });

  it('K120: neither does a configured composite, which takes no config either', async () => {
    const fixed = layerThreeWrap.configured({ number: 41 });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void fixed() });
    expect((await execute(p)).output('layer_three_wrap.return_int')).toBe(42);
    const issues = await issuesOf(p, { runConfig: { solids: { layer_three_wrap: { config: { number: 1 }, solids: {} } } } });
    expect(issues.map((i) => i.path)).toEqual([
      ['solids', 'layer_three_wrap', 'config'],
      ['solids', 'layer_three_wrap', 'solids'],
    ]);
    expect(issues[0]!.message).toMatch(/composite "layer_three_wrap" has its config bound with .configured\(\)/);
  });

  it('K121: a bad value produced by a mapping is an issue at the config given, naming the inner solid and its path inside', async () => {
    const issues = await issuesOf(layered, { runConfig: layeredConfig(true) });
    expect(issues).toEqual([
      {
        path: ['solids', 'layer_one', 'solids', 'layer_two_double_wrap', 'config'],
        message:
          'configMapping of composite "layer_one.layer_two_double_wrap" gave a bad value for composite ' +
          '"layer_one.layer_two_double_wrap.layer_three_wrap" (definition "layer_three_wrap") at layer_three_wrap.config.number: ' +
          'Invalid input: expected number, received string',
      },
    ]);
  });

  it('K121: names the solid and its definition when the bad value is a solid\u2019s config, and reports a mapping that throws', async () => {
    const toSolid = composite({
      name: 'to_solid',
      config: z.object({ n: z.number() }),
      configMapping: (c) => ({ val: { config: c.n > 0 ? 'positive' : c.n } }),
      graph: () => returnInt.alias('val')(),
    });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void toSolid() });
    expect(await issuesOf(p, { runConfig: { solids: { to_solid: { config: { n: 1 } } } } })).toEqual([
      {
        path: ['solids', 'to_solid', 'config'],
        message:
          'configMapping of composite "to_solid" gave a bad value for solid "to_solid.val" (definition "return_int") at val.config: ' +
          'Invalid input: expected number, received string',
      },
    ]);
    const throws = composite({
      name: 'throws',
      configMapping: () => {
        throw new Error('no mapping today');
      },
      graph: () => returnInt(),
    });
    const q = pipeline({ name: 'q', modes: [quietMode()], graph: () => void throws() });
    expect(await issuesOf(q, {})).toEqual([
      { path: ['solids', 'throws', 'config'], message: 'configMapping of composite "throws" threw: no mapping today' },
    ]);
  });

  it('configures the solids of a composite without a mapping at solids.<composite>.solids, and lists its solids for an unknown name', async () => {
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void layerTwoPassthrough() });
    const result = await execute(p, { runConfig: { solids: { layer_two_passthrough: { solids: { return_int: { config: 3 } } } } } });
    expect(result.output('layer_two_passthrough.return_int')).toBe(3);
    const issues = await issuesOf(p, { runConfig: { solids: { layer_two_passthrough: { solids: { return_it: { config: 3 } } } } } });
    expect(issues).toEqual([
      {
        path: ['solids', 'layer_two_passthrough', 'solids', 'return_int', 'config'],
        message: 'Invalid input: expected number, received undefined',
      },
      {
        path: ['solids', 'layer_two_passthrough', 'solids', 'return_it'],
        message: 'unknown solid "return_it" in solids.layer_two_passthrough.solids; solids are: "return_int"',
      },
    ]);
  });

  it('feeds every inner input wired to an unwired composite input from solids.<composite>.inputs.<input>.value, checked by its schema', async () => {
    const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n + 1 });
    const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, output: z.number(), compute: (_c, { a, b }) => a + b });
    const both = composite({ name: 'both', inputs: { x: z.number() }, graph: ({ x }) => add(inc(x), inc(x)) });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void both() });
    const result = await execute(p, { runConfig: { solids: { both: { inputs: { x: { value: 10 } } } } } });
    expect(result.output('both.add')).toBe(22);
    expect(result.output('both')).toBe(22);
    expect(await issuesOf(p, {})).toEqual([
      {
        path: ['solids', 'both', 'inputs', 'x'],
        message: 'input "x" of composite "both" is not connected; give it as solids.both.inputs.x.value',
      },
    ]);
    const wrong = await issuesOf(p, {
      runConfig: { solids: { both: { inputs: { x: { value: 'ten' } }, solids: { inc: { inputs: { n: { value: 1 } } } } } } },
    });
    expect(wrong.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['solids.both.inputs.x.value', 'Invalid input: expected number, received string'],
      [
        'solids.both.solids.inc.inputs.n',
        'input "n" of solid "both.inc" takes the value of input "x" of composite "both"; give it as solids.both.inputs.x.value',
      ],
    ]);
  });

  it('takes an inner input left unconnected at solids.<composite>.solids.<inner>.inputs', async () => {
    const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n + 1 });
    const loose = composite({ name: 'loose', graph: () => inc() });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void loose() });
    const result = await execute(p, { runConfig: { solids: { loose: { solids: { inc: { inputs: { n: { value: 4 } } } } } } } });
    expect(result.output('loose')).toBe(5);
  });

  it('shows the nested shape in the run config JSON Schema and the scaffold', () => {
    const schema = runConfigJsonSchema(layered) as { properties: { solids: Record<string, any> } };
    const layerOneEntry = schema.properties.solids['properties']['layer_one'];
    expect(Object.keys(layerOneEntry.properties)).toEqual(['inputs', 'solids']);
    const double = layerOneEntry.properties.solids.properties['layer_two_double_wrap'];
    expect(Object.keys(double.properties)).toEqual(['inputs', 'config']);
    expect(double.additionalProperties).toBe(false);
    // Env references are accepted inside composites too.
    expect(JSON.stringify(double.properties.config)).toContain('"env"');
    expect(scaffoldConfig(schema)).toContain(
      [
        'solids:',
        '  layer_one:',
        '    solids:',
        '      layer_two_passthrough:',
        '        solids:',
        '          return_int:',
        '            config: null  # required: integer',
        '      layer_two_double_wrap:',
        '        config:',
        '          number: null  # required: number',
        '          inject_error: null  # required: boolean',
      ].join('\n'),
    );
  });
});
