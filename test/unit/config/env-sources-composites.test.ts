/**
 * `{ env: NAME }` values that reach solids inside composites: the step request names every
 * position they came from (the inner solid's own entry, the composite's input that feeds
 * it, the composite's config through its `configMapping`), and `resolveEnvSources` makes
 * the same values again from another environment, so an executor that runs steps elsewhere
 * sends no value it read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError, composite, execute, mode, pipeline, resolveEnvSources, solid, type StepRequest } from '../../../lib/index.ts';
import { recordingExecutor } from '../../helpers/index.ts';

const seen: StepRequest[] = [];
/** Runs nothing: records each request and answers with a fixed output. */
const recording = recordingExecutor(seen, 'x');

const reads = solid({
  name: 'reads',
  config: z.object({ token: z.string(), retries: z.number().default(2) }),
  inputs: { seed: z.string(), extra: z.string() },
  output: z.string(),
  compute: () => '',
});
/** No mapping: its solid's entry is solids.box.solids.reads, its own input solids.box.inputs.seed. */
const box = composite({
  name: 'box',
  // The composite's own schema applies to its input, not the inner solid's.
  inputs: { seed: z.string().transform((s) => `seed:${s}`) },
  output: z.string(),
  graph: ({ seed }) => reads({ seed }),
});

const leaf = solid({
  name: 'leaf',
  config: z.object({ key: z.string(), suffix: z.string().default('!') }),
  inputs: { limit: z.number() },
  output: z.string(),
  compute: () => '',
});
const mid = composite({
  name: 'mid',
  config: z.object({ key: z.string() }),
  configMapping: (c: { key: string }) => ({ leaf: { config: { key: `${c.key}-mid` }, inputs: { limit: { value: c.key.length } } } }),
  output: z.string(),
  graph: () => leaf(),
});
const mapped = composite({
  name: 'mapped',
  config: z.object({ key: z.string().transform((k) => k.toUpperCase()) }),
  configMapping: (c: { key: string }) => ({ mid: { config: { key: c.key } } }),
  output: z.string(),
  graph: () => mid(),
});

const uses = solid({ name: 'uses', inputs: { v: z.string() }, compute: () => 1 });
const holder = composite({ name: 'holder', inputs: { v: z.string().transform((v) => `v:${v}`) }, graph: ({ v }) => void uses({ v }) });
/** Its mapping gives a nested composite's own input. */
const feeds = composite({
  name: 'feeds',
  config: z.object({ key: z.string() }),
  configMapping: (c: { key: string }) => ({ holder: { inputs: { v: { value: c.key } } } }),
  graph: () => void holder(),
});

const p = pipeline({
  name: 'env_in_composites',
  modes: [mode({ loggers: {}, executors: [recording] })],
  graph: () => {
    box();
    mapped();
    mapped.configured({ key: { env: 'MF_C_BOUND' } }).alias('bound')();
    mapped.alias('plain')();
    feeds();
  },
});

const here = { MF_C_TOKEN: 'tok-here', MF_C_SEED: 'seed-here', MF_C_EXTRA: 'extra-here', MF_C_KEY: 'key-here', MF_C_BOUND: 'bound-here' };
const there = { MF_C_TOKEN: 'tok-there', MF_C_SEED: 'seed-there', MF_C_EXTRA: 'extra-there', MF_C_KEY: 'key-there', MF_C_BOUND: 'b-there' };

const given = {
  solids: {
    box: {
      inputs: { seed: { value: { env: 'MF_C_SEED' } } },
      solids: { reads: { config: { token: { env: 'MF_C_TOKEN' } }, inputs: { extra: { value: { env: 'MF_C_EXTRA' } } } } },
    },
    mapped: { config: { key: { env: 'MF_C_KEY' } } },
    plain: { config: { key: 'no-env' } },
    feeds: { config: { key: { env: 'MF_C_KEY' } } },
  },
};

afterEach(() => {
  seen.length = 0;
  for (const name of Object.keys(here)) delete process.env[name];
});

async function requests(
  runConfig: Record<string, unknown> = given,
  inputs?: Record<string, Record<string, unknown>>,
): Promise<Map<string, StepRequest>> {
  Object.assign(process.env, here);
  await execute(p, { runConfig, ...(inputs ? { inputs } : {}) });
  return new Map(seen.map((r) => [r.solid, r]));
}

/** The request as an executor that keeps env values home sends it: without the positions read. */
function withoutValues(request: StepRequest): StepRequest {
  const s = request.envSources!;
  const inputs: Record<string, unknown> = { ...request.inputs };
  for (const name of [...Object.keys(s.inputs ?? {}), ...Object.keys(s.compositeInputs ?? {}), ...(s.mapped?.inputs ?? [])])
    delete inputs[name];
  return { ...request, config: s.config || s.mapped?.config ? undefined : request.config, inputs };
}

describe('StepRequest.envSources inside composites', () => {
  it("names an inner solid's own entry and the composite input that feeds it, at their entries", async () => {
    const request = (await requests()).get('box.reads')!;
    expect([request.config, request.inputs]).toEqual([
      { token: 'tok-here', retries: 2 },
      { extra: 'extra-here', seed: 'seed:seed-here' },
    ]);
    expect(request.envSources).toEqual({
      config: { written: { token: { env: 'MF_C_TOKEN' } } },
      inputs: { extra: { env: 'MF_C_EXTRA' } },
      compositeInputs: { seed: { composite: 'box', input: 'seed', written: { env: 'MF_C_SEED' } } },
    });
  });

  it('names the mapping composite whose config reads the environment, given or bound, for each solid it configures', async () => {
    const byName = await requests();
    expect(byName.get('mapped.mid.leaf')!.config).toEqual({ key: 'KEY-HERE-mid', suffix: '!' });
    expect(byName.get('mapped.mid.leaf')!.envSources).toEqual({
      mapped: { composite: 'mapped', written: { key: { env: 'MF_C_KEY' } }, config: true, inputs: ['limit'] },
    });
    expect(byName.get('bound.mid.leaf')!.envSources).toEqual({
      mapped: { composite: 'bound', written: undefined, config: true, inputs: ['limit'] },
    });
    expect(byName.get('feeds.holder.uses')!.envSources).toEqual({
      mapped: { composite: 'feeds', written: { key: { env: 'MF_C_KEY' } }, config: false, inputs: ['v'] },
    });
    // The same composite given a plain value reads nothing.
    expect(byName.get('plain.mid.leaf')!.envSources).toBeUndefined();
  });

  it('leaves an input given in code out: its value is not run config', async () => {
    const byName = await requests(given, { 'mapped.mid.leaf': { limit: 7 }, 'box.reads': { extra: 'in code' } });
    expect(byName.get('mapped.mid.leaf')!.envSources?.mapped?.inputs).toEqual([]);
    expect(byName.get('box.reads')!.envSources?.inputs).toBeUndefined();
    expect(byName.get('box.reads')!.inputs['extra']).toBe('in code');
  });
});

describe('resolveEnvSources inside composites', () => {
  it("reads the inner solid's entry and the composite's input there, with their own schemas", async () => {
    const request = withoutValues((await requests()).get('box.reads')!);
    expect([request.config, request.inputs]).toEqual([undefined, {}]);
    const resolved = resolveEnvSources(p, request, there);
    expect(resolved.config).toEqual({ token: 'tok-there', retries: 2 });
    expect(resolved.inputs).toEqual({ extra: 'extra-there', seed: 'seed:seed-there' });
    expect(resolved.redact('tok-there seed-there extra-there')).toBe('[redacted] [redacted] [redacted]');
  });

  it('runs the mappings again there, nested, from the config given or bound', async () => {
    const byName = await requests();
    const mappedLeaf = resolveEnvSources(p, withoutValues(byName.get('mapped.mid.leaf')!), there);
    expect(mappedLeaf.config).toEqual({ key: 'KEY-THERE-mid', suffix: '!' });
    expect(mappedLeaf.inputs).toEqual({ limit: 'KEY-THERE'.length });
    expect(mappedLeaf.redact('key-there')).toBe('[redacted]');
    const boundLeaf = resolveEnvSources(p, withoutValues(byName.get('bound.mid.leaf')!), there);
    expect(boundLeaf.config).toEqual({ key: 'B-THERE-mid', suffix: '!' });
    expect(boundLeaf.inputs).toEqual({ limit: 'B-THERE'.length });
    // A nested composite's input the mapping gives, with that composite's schema.
    const uses = byName.get('feeds.holder.uses')!;
    expect(uses.inputs).toEqual({ v: 'v:key-here' });
    expect(resolveEnvSources(p, withoutValues(uses), there).inputs).toEqual({ v: 'v:key-there' });
  });

  it("reports a variable unset there at the mapping composite's config", async () => {
    const request = withoutValues((await requests()).get('mapped.mid.leaf')!);
    const error = thrown(() => resolveEnvSources(p, request, {}));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).issues).toEqual([
      { path: ['solids', 'mapped', 'config', 'key'], message: 'environment variable MF_C_KEY is not set (read where the step runs)' },
    ]);
  });

  it("reports a bad value a mapping gives there at the root composite's config, naming the solid", async () => {
    const strict = solid({ name: 'strict', config: z.object({ n: z.coerce.number().int() }), compute: () => 1 });
    const numbers = composite({
      name: 'numbers',
      config: z.object({ n: z.string() }),
      configMapping: (c: { n: string }) => ({ strict: { config: { n: c.n } } }),
      graph: () => void strict(),
    });
    const q = pipeline({ name: 'bad_mapping', modes: [mode({ loggers: {}, executors: [recording] })], graph: () => void numbers() });
    process.env['MF_C_N'] = '3';
    try {
      await execute(q, { runConfig: { solids: { numbers: { config: { n: { env: 'MF_C_N' } } } } } });
    } finally {
      delete process.env['MF_C_N'];
    }
    const request = withoutValues(seen.find((r) => r.solid === 'numbers.strict')!);
    const error = thrown(() => resolveEnvSources(q, request, { MF_C_N: 'three' }));
    expect((error as InvalidConfigError).issues).toEqual([
      {
        path: ['solids', 'numbers', 'config'],
        message: expect.stringMatching(
          /^configMapping of composite "numbers" gave a bad value for solid "numbers\.strict" at solids\.numbers\.solids\.strict\.config\.n: .* \(read where the step runs\)$/,
        ),
      },
    ]);
  });
});

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('envSources when a selection cuts a composite from its producer', () => {
  const source = solid({ name: 'source', output: z.string(), compute: () => 'from upstream' });
  const cut = pipeline({
    name: 'env_cut_by_selection',
    modes: [mode({ loggers: {}, executors: [recording] })],
    graph: () => {
      box.alias('wired')({ seed: source() });
    },
  });
  const runConfig = {
    solids: {
      wired: {
        inputs: { seed: { value: { env: 'MF_C_SEED' } } },
        solids: { reads: { config: { token: 'plain' }, inputs: { extra: { value: 'plain' } } } },
      },
    },
  };

  it("names the composite input that takes the producer's place, and resolves it there with the composite's schema", async () => {
    Object.assign(process.env, here);
    await execute(cut, { runConfig, select: 'wired' });
    const request = seen.find((r) => r.solid === 'wired.reads')!;
    expect(request.inputs['seed']).toBe('seed:seed-here');
    expect(request.envSources).toEqual({
      compositeInputs: { seed: { composite: 'wired', input: 'seed', written: { env: 'MF_C_SEED' } } },
    });
    const resolved = resolveEnvSources(cut, withoutValues(request), there);
    expect(resolved.inputs).toEqual({ extra: 'plain', seed: 'seed:seed-there' });
  });
});
