import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, logger, memoryLogger, mode, pipeline, resource, runConfigSchema, solid, valuesResource } from '../../../lib/index.ts';
import { configArbitrary, executeSolid, inputsArbitrary, runConfigArbitrary } from '../../../lib/testing/index.ts';

const scale = solid({
  name: 'scale',
  inputs: { xs: z.array(z.number().int().min(-1000).max(1000)), factor: z.number().int().min(-5).max(5), label: z.string().optional() },
  config: z.object({ round: z.boolean().default(false), offset: z.number().int().min(0).max(9) }),
  output: z.array(z.number()),
  compute: (ctx, { xs, factor }) => xs.map((x) => x * factor + ctx.config.offset),
});

const list = solid({ name: 'list', output: z.array(z.number().int()), compute: () => [1, 2, 3] });

const settings = valuesResource(z.object({ batch: z.number().int().positive().default(100), region: z.enum(['eu', 'us']) }));
const cache = resource({ config: z.object({ ttlMs: z.number().int().min(0).default(0) }), resources: ['settings'], init: () => 'cache' });
const counted = logger({ config: z.object({ prefix: z.string().max(8).default('') }), init: () => ({ write: () => undefined }) });
const p = pipeline({
  name: 'scaled',
  modes: [mode({ name: 'test', resources: { settings, cache }, loggers: { memory: memoryLogger(), counted } })],
  graph: () => {
    scale();
    scale.alias('scale_again')({ xs: list() });
  },
});

describe('inputsArbitrary, configArbitrary, runConfigArbitrary', () => {
  it('inputsArbitrary gives inputs a solid runs with', async () => {
    await fc.assert(
      fc.asyncProperty(inputsArbitrary(scale), configArbitrary(scale), async (inputs, config) => {
        const result = await executeSolid(scale, { inputs, config });
        expect(result.output()).toEqual(inputs.xs.map((x) => x * inputs.factor + (config as { offset: number }).offset));
      }),
      { numRuns: 30 },
    );
  });

  it('configArbitrary gives undefined for a definition without config or with its config bound', () => {
    expect(fc.sample(configArbitrary(solid({ name: 'bare', compute: () => 1 })), 3)).toEqual([undefined, undefined, undefined]);
    expect(fc.sample(configArbitrary(scale.configured({ offset: 1 })), 2)).toEqual([undefined, undefined]);
  });

  it('runConfigArbitrary gives run configs the pipeline schema accepts, in every section', () => {
    const schema = runConfigSchema(p, 'test');
    const seen = new Set<string>();
    fc.assert(
      fc.property(runConfigArbitrary(p, 'test'), (runConfig) => {
        const parsed = schema.safeParse(runConfig);
        if (!parsed.success) throw new Error(`${JSON.stringify(runConfig)}: ${parsed.error.message}`);
        for (const section of Object.keys(runConfig)) seen.add(section);
        seen.add(`execution.${Object.keys(runConfig['execution'] as object)[0]}`);
      }),
      { numRuns: 200 },
    );
    expect([...seen].sort()).toEqual([
      'execution',
      'execution.async',
      'execution.sync',
      'execution.virtualTime',
      'execution.workerPool',
      'loggers',
      'resources',
      'solids',
    ]);
  });

  it('runConfigArbitrary fills unconnected inputs and required config, and runs', async () => {
    await fc.assert(
      fc.asyncProperty(runConfigArbitrary(p, undefined, { sections: ['solids', 'resources'] }), async (runConfig) => {
        const solids = runConfig['solids'] as Record<string, { inputs?: object; config?: object }>;
        expect(Object.keys(solids.scale!.inputs!).sort()).toEqual(['factor', 'label', 'xs']);
        expect(Object.keys(solids.scale_again!.inputs!).sort()).toEqual(['factor', 'label']);
        const result = await execute(p, { runConfig, raiseOnError: false });
        expect(result.status, JSON.stringify(result.events.at(-1))).toBe('SUCCESS');
      }),
      { numRuns: 30 },
    );
  });
});
