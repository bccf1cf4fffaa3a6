/**
 * `{ env: NAME }` config for steps that run on other machines: the step request says which
 * positions were read from the environment, as written (so that an executor can send the
 * references instead of the values), and `resolveEnvSources` reads them where the step runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError, execute, mode, pipeline, resolveEnvSources, resource, solid, type StepRequest } from '../../../lib/index.ts';
import { recordingExecutor } from '../../helpers/index.ts';

const seen: StepRequest[] = [];
/** Runs nothing: records each request and answers with a fixed output. */
const recording = recordingExecutor(seen, 1);

const db = resource({
  config: z.object({ host: z.string(), password: z.string().transform((p) => `pw:${p}`) }),
  init: ({ config }) => config,
});
const cache = resource({ config: z.object({ size: z.number() }), init: () => ({}) });
const boundDb = db.configured({ host: 'h', password: { env: 'MF_TEST_BOUND' } });
const query = solid({
  name: 'query',
  resources: ['db'],
  config: z.object({ token: z.string(), limit: z.number().default(5) }),
  inputs: { since: z.string() },
  compute: () => 1,
});
const plain = solid({ name: 'plain', compute: () => 1 });

const p = pipeline({
  name: 'env_sources',
  modes: [
    mode({ loggers: {}, executors: [recording], resources: { db, cache } }),
    mode({ name: 'bound', loggers: {}, executors: [recording], resources: { db: boundDb, cache } }),
  ],
  graph: () => {
    query();
    plain();
  },
});

const given = {
  solids: { query: { config: { token: { env: 'MF_TEST_TOKEN' } }, inputs: { since: { value: { env: 'MF_TEST_SINCE' } } } } },
  resources: { db: { config: { host: 'db', password: { env: 'MF_TEST_PASSWORD' } } }, cache: { config: { size: 3 } } },
};

const env = { MF_TEST_TOKEN: 'tok-main', MF_TEST_SINCE: '2020', MF_TEST_PASSWORD: 'pw-main', MF_TEST_BOUND: 'bound-main' };

afterEach(() => {
  seen.length = 0;
  for (const name of Object.keys(env)) delete process.env[name];
});

async function requests(
  modeName: 'default' | 'bound' = 'default',
  runConfig: Record<string, unknown> = given,
): Promise<Map<string, StepRequest>> {
  Object.assign(process.env, env);
  await execute(p, { mode: modeName, runConfig });
  return new Map(seen.map((r) => [r.solid, r]));
}

describe('StepRequest.envSources', () => {
  it('names the positions read from the environment, as written, beside the values read here', async () => {
    const byName = await requests();
    const request = byName.get('query')!;
    expect(request.config).toEqual({ token: 'tok-main', limit: 5 });
    expect(request.envSources).toEqual({
      config: { written: { token: { env: 'MF_TEST_TOKEN' } } },
      inputs: { since: { env: 'MF_TEST_SINCE' } },
      resourceConfigs: { db: { host: 'db', password: { env: 'MF_TEST_PASSWORD' } } },
    });
    // A solid that reads nothing from the environment still carries the resources' positions.
    expect(byName.get('plain')!.envSources).toEqual({ resourceConfigs: { db: { host: 'db', password: { env: 'MF_TEST_PASSWORD' } } } });
  });

  it('names a .configured() value that reads the environment', async () => {
    const byName = await requests('bound', {
      solids: { query: { config: { token: 't' }, inputs: { since: { value: '2020' } } } },
      resources: { cache: { config: { size: 3 } } },
    });
    expect(byName.get('plain')!.envSources).toEqual({ resourceConfigs: { db: { host: 'h', password: { env: 'MF_TEST_BOUND' } } } });
  });

  it('is absent when nothing was read from the environment', async () => {
    const byName = await requests('default', {
      solids: { query: { config: { token: 't' }, inputs: { since: { value: '2020' } } } },
      resources: { db: { config: { host: 'db', password: 'p' } }, cache: { config: { size: 3 } } },
    });
    expect([...byName.values()].map((r) => r.envSources)).toEqual([undefined, undefined]);
  });
});

describe('resolveEnvSources', () => {
  it('reads the positions from the given environment with the same schemas, and redacts what it read', async () => {
    const request = (await requests()).get('query')!;
    const there = { MF_TEST_TOKEN: 'tok-there', MF_TEST_SINCE: '2021', MF_TEST_PASSWORD: 'pw-there' };
    const resolved = resolveEnvSources(p, { ...request, config: undefined, resourceConfigs: { db: undefined, cache: { size: 3 } } }, there);
    expect(resolved.config).toEqual({ token: 'tok-there', limit: 5 });
    expect(resolved.inputs).toEqual({ since: '2021' });
    expect(resolved.resourceConfigs).toEqual({ db: { host: 'db', password: 'pw:pw-there' }, cache: { size: 3 } });
    expect(resolved.redact({ line: 'connecting with tok-there and pw-there' })).toEqual({
      line: 'connecting with [redacted] and [redacted]',
    });
  });

  it('reports a variable unset where the step runs at its run-config path', async () => {
    const request = (await requests()).get('query')!;
    let error: unknown;
    try {
      resolveEnvSources(p, request, { MF_TEST_TOKEN: 't', MF_TEST_SINCE: 's' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).issues).toEqual([
      {
        path: ['resources', 'db', 'config', 'password'],
        message: 'environment variable MF_TEST_PASSWORD is not set (read where the step runs)',
      },
    ]);
  });

  it('hands back what it was sent when there is nothing to resolve', () => {
    const step = { mode: 'default', solid: 'plain', config: 1, inputs: { a: 2 }, resourceConfigs: { cache: { size: 3 } } };
    const resolved = resolveEnvSources(p, step, {});
    expect([resolved.config, resolved.inputs, resolved.resourceConfigs]).toEqual([1, { a: 2 }, { cache: { size: 3 } }]);
    expect(resolved.redact('anything')).toBe('anything');
  });
});
