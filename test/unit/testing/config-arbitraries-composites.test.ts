import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { composite, execute, InvalidConfigError, memoryLogger, mode, pipeline, resolveRunConfig, solid } from '../../../lib/index.ts';
import { configArbitrary, runConfigArbitrary } from '../../../lib/testing/index.ts';

// A solid whose config has no default, so that every entry leading to it is required.
const scale = solid({
  name: 'scale',
  inputs: { x: z.number().int().min(-10_000).max(10_000) },
  config: z.object({ factor: z.number().int().min(-5).max(5), note: z.string().max(3).optional() }),
  output: z.number(),
  compute: (ctx, { x }) => x * ctx.config.factor,
});
const label = solid({
  name: 'label',
  inputs: { n: z.number(), prefix: z.string().max(4), suffix: z.string().max(2).optional() },
  output: z.string(),
  compute: (_ctx, { n, prefix, suffix }) => `${prefix}${n}${suffix ?? ''}`,
});
const one = solid({ name: 'one', output: z.number().int(), compute: () => 1 });

const inner = composite({
  name: 'inner',
  inputs: { x: z.number().int().min(-100).max(100) },
  output: z.number(),
  graph: ({ x }) => scale(x),
});
// Nested: an inner composite, and a solid with an input left unconnected inside.
const outer = composite({
  name: 'outer',
  inputs: { x: z.number().int().min(-100).max(100) },
  outputs: { a: z.number(), b: z.string() },
  graph: ({ x }) => ({ a: inner(x), b: label({ n: scale(x) }) }),
});
const mapped = composite({
  name: 'mapped',
  inputs: { x: z.number().int().min(-100).max(100) },
  output: z.number(),
  config: z.object({ k: z.number().int().min(0).max(5) }),
  configMapping: ({ k }) => ({ scale: { config: { factor: k } }, inner: { solids: { scale: { config: { factor: -k } } } } }),
  graph: ({ x }) => inner(scale(x)),
});
const fixedMapping = composite({
  name: 'fixed_mapping',
  output: z.number(),
  configMapping: () => ({ scale: { config: { factor: 2 } } }),
  graph: () => scale(one()),
});

const p = pipeline({
  name: 'composites_config',
  modes: [mode({ name: 'test', loggers: { memory: memoryLogger() } })],
  graph: () => {
    const n = one();
    outer(n); // wired
    outer.alias('outer_unwired')(); // its own input from solids.outer_unwired.inputs.x.value
    mapped(n);
    mapped.configured({ k: 3 }).alias('mapped_bound')(); // bound: only its input
    fixedMapping();
  },
});
const test = p.modes[0]!;

describe('runConfigArbitrary with composites', () => {
  it('nests entries as run config does: solids.<composite>.solids.<inner>, its own inputs, a mapping composite its config', () => {
    const [sample] = fc.sample(runConfigArbitrary(p, 'test', { sections: ['solids'] }), { numRuns: 1, seed: 7 });
    const solids = (sample as { solids: Record<string, Record<string, unknown>> }).solids;
    expect(Object.keys(solids).sort()).toEqual(['mapped', 'mapped_bound', 'outer', 'outer_unwired']);
    expect(Object.keys(solids['outer']!)).toEqual(['solids']);
    expect(Object.keys(solids['outer']!['solids'] as object).sort()).toEqual(['inner', 'label', 'scale']);
    expect(solids['outer_unwired']!['inputs']).toEqual({ x: { value: expect.any(Number) } });
    expect(Object.keys(solids['mapped']!)).toEqual(['config']);
    expect(Object.keys(solids['mapped_bound']!)).toEqual(['inputs']);
    expect(Object.keys(sample!).some((key) => key.includes('.'))).toBe(false);
  });

  it('every config it gives is accepted at run start (resolveRunConfig)', () => {
    fc.assert(
      fc.property(runConfigArbitrary(p, 'test'), (runConfig) => {
        expect(() => resolveRunConfig(p, test, runConfig, undefined, {})).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });

  it('every config of the solids section runs', async () => {
    await fc.assert(
      fc.asyncProperty(runConfigArbitrary(p, 'test', { sections: ['solids'] }), async (runConfig) => {
        const result = await execute(p, { runConfig: { ...runConfig, execution: { sync: {} } }, raiseOnError: false });
        expect(result.events.filter((e) => e.type === 'STEP_FAILURE')).toEqual([]);
        expect(result.output(mapped)).toBe(((runConfig as any).solids.mapped.config.k as number) ** 2 * -1);
      }),
      { numRuns: 15 },
    );
  });

  it('a config it gives with a dotted key would be refused: the check the run makes is real', () => {
    const flat = { solids: { 'outer.inner.scale': { config: { factor: 1 } } } };
    expect(() => resolveRunConfig(p, test, flat, undefined, {})).toThrow(InvalidConfigError);
  });
});

describe('configArbitrary of a composite', () => {
  it('gives the config its mapping takes; none when it has no config or has it bound', () => {
    for (const config of fc.sample(configArbitrary(mapped), 30)) expect(mapped.config!.safeParse(config).success).toBe(true);
    expect(fc.sample(configArbitrary(fixedMapping), 3)).toEqual([undefined, undefined, undefined]);
    expect(fc.sample(configArbitrary(mapped.configured({ k: 1 })), 3)).toEqual([undefined, undefined, undefined]);
    expect(fc.sample(configArbitrary(outer), 3)).toEqual([undefined, undefined, undefined]);
  });
});
