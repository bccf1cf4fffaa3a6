/**
 * Secrets read from `{ env: NAME }` never show in events or log lines: as object keys, at
 * any depth, inside cycles, and URL-encoded inside connection strings.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StepExecutionError, execute, memoryLogger, mode, pipeline, resource, solid, type MemoryLogger } from '../../../lib/index.ts';
import { makeRedactor } from '../../../lib/config/redact.ts';
import { eventsOf, ofType } from '../../helpers/index.ts';

const NAME = 'MODEFLOW_REDACTION_TEST_SECRET';
/** A password as they come: characters that URL encoding changes. */
const SECRET = 'pa&ss/wo:rd@42 x';

beforeEach(() => {
  process.env[NAME] = SECRET;
});
afterEach(() => {
  delete process.env[NAME];
});

/** A pipeline whose one solid gets the secret as `ctx.config.token` and runs `compute`. */
function leaky(memory: MemoryLogger, compute: (token: string, log: (fields: object) => void) => unknown) {
  const s = solid({
    name: 'leak',
    config: z.object({ token: z.string() }),
    compute: (ctx) => compute(ctx.config.token, (f) => ctx.log.info(f, 'fields')),
  });
  return pipeline({
    name: 'p',
    modes: [mode({ loggers: { memory } })],
    graph: () => {
      s();
    },
  });
}
const runConfig = { solids: { leak: { config: { token: { env: NAME } } } }, loggers: { memory: { config: { level: 'debug' } } } };

/** Nothing of the run, events or sink lines, shows the secret in any of its forms. */
function expectHidden(list: unknown, memory: MemoryLogger): void {
  const shown = JSON.stringify(list) + memory.lines.join('\n');
  for (const form of [SECRET, encodeURIComponent(SECRET), encodeURI(SECRET)]) expect(shown).not.toContain(form);
}

describe('redacting { env: NAME } values', () => {
  it('redacts a secret used as an object key, in outputs and log fields', async () => {
    const memory = memoryLogger();
    const list = await eventsOf(
      leaky(memory, (token, log) => {
        log({ [token]: 1, [`user:${token}`]: 2 });
        return { [token]: 'balance', nested: [{ [token]: true }] };
      }),
      { runConfig },
    );
    expectHidden(list, memory);
    expect(ofType(list, 'STEP_OUTPUT')[0]!.value).toEqual({ '[redacted]': 'balance', nested: [{ '[redacted]': true }] });
    expect(ofType(list, 'LOG')[0]!.fields).toEqual({ '[redacted]': 1, 'user:[redacted]': 2 });
  });

  it.each([25, 1_000])('redacts a secret nested %i levels deep', async (depth) => {
    const memory = memoryLogger();
    const list = await eventsOf(
      leaky(memory, (token) => {
        let value: unknown = { token };
        for (let i = 0; i < depth; i++) value = i % 2 ? { down: value } : [value];
        return value;
      }),
      { runConfig },
    );
    // Past 100 levels an event shows '[Nested too deeply]' instead (events stay JSON): hidden either way.
    if (depth < 100) expect(JSON.stringify(ofType(list, 'STEP_OUTPUT')[0]!.value)).toContain('[redacted]');
    expectHidden(list, memory);
  });

  it('reaches a secret 10,000 levels deep in the values it is given', () => {
    let value: unknown = { token: SECRET };
    for (let i = 0; i < 10_000; i++) value = i % 2 ? { down: value } : [value];
    let found: unknown = makeRedactor([SECRET])(value);
    for (let i = 10_000 - 1; i >= 0; i--) found = i % 2 ? (found as { down: unknown }).down : (found as unknown[])[0];
    expect(found).toEqual({ token: '[redacted]' });
  });

  it('redacts a secret inside an output that refers back to itself', async () => {
    const memory = memoryLogger();
    const list = await eventsOf(
      leaky(memory, (token) => {
        const account: Record<string, unknown> = { token, owner: { name: 'ann' } };
        (account['owner'] as Record<string, unknown>)['account'] = account;
        account['self'] = [account];
        return account;
      }),
      { runConfig },
    );
    expect(ofType(list, 'RUN_SUCCESS')).toHaveLength(1);
    expect(ofType(list, 'STEP_OUTPUT')[0]!.value).toMatchObject({ token: '[redacted]', owner: { name: 'ann', account: '[Circular]' } });
    expectHidden(list, memory);
  });

  it('redacts a secret written out elsewhere in the run config from the RUN_START event', async () => {
    const memory = memoryLogger();
    const s = solid({ name: 'note', config: z.object({ token: z.string(), note: z.string() }), compute: () => 1 });
    const p = pipeline({
      name: 'p',
      modes: [mode({ loggers: { memory } })],
      graph: () => {
        s();
      },
    });
    const list = await eventsOf(p, { runConfig: { solids: { note: { config: { token: { env: NAME }, note: `was ${SECRET}` } } } } });
    expect(ofType(list, 'RUN_START')[0]!.runConfig).toEqual({
      solids: { note: { config: { token: { env: NAME }, note: 'was [redacted]' } } },
    });
    expectHidden(list, memory);
  });

  describe('URL-encoded inside a connection string', () => {
    const failingDatabase = () =>
      resource({
        config: z.object({ password: z.string() }),
        init: ({ config }) => {
          throw new Error(`cannot connect to postgres://app:${encodeURIComponent(config.password)}@db:5432/app`);
        },
      });
    const s = solid({ name: 's', resources: ['db'], compute: () => undefined });
    const withDatabase = (memory: MemoryLogger) =>
      pipeline({
        name: 'p',
        modes: [mode({ loggers: { memory }, resources: { db: failingDatabase() } })],
        graph: () => {
          s();
        },
      });
    const dbConfig = { resources: { db: { config: { password: { env: NAME } } } } };

    it('redacts it from RESOURCE_INIT_FAILURE, RUN_FAILURE and every sink line', async () => {
      const memory = memoryLogger();
      const list = await eventsOf(withDatabase(memory), { runConfig: dbConfig });
      expect(ofType(list, 'RESOURCE_INIT_FAILURE')[0]!.error.message).toBe('cannot connect to postgres://app:[redacted]@db:5432/app');
      expect(ofType(list, 'RUN_FAILURE')[0]!.error?.message).toBe('cannot connect to postgres://app:[redacted]@db:5432/app');
      expectHidden(list, memory);
    });

    it("redacts it from StepExecutionError's message, whose cause stays the error as thrown", async () => {
      const error = await execute(withDatabase(memoryLogger()), { runConfig: dbConfig }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StepExecutionError);
      const failure = error as StepExecutionError;
      expect(failure.message).toContain('postgres://app:[redacted]@db');
      expect(failure.message).not.toContain(encodeURIComponent(SECRET));
      expect((failure.cause as Error).message).toContain(encodeURIComponent(SECRET));
    });

    it('redacts the form a URL gives the password', async () => {
      const memory = memoryLogger();
      const list = await eventsOf(
        leaky(memory, (token) => {
          const url = new URL('postgres://app@db:5432/app');
          url.password = token;
          return url.href;
        }),
        { runConfig },
      );
      expect(ofType(list, 'STEP_OUTPUT')[0]!.value).toBe('postgres://app:[redacted]@db:5432/app');
    });
  });
});

describe('{ env: NAME } values', () => {
  const SECRET = 's3cr3t-value-for-tests';
  const NAME = 'MODEFLOW_UNIT_TEST_SECRET';
  beforeEach(() => {
    process.env[NAME] = SECRET;
  });
  afterEach(() => {
    delete process.env[NAME];
  });

  const leaky = (memory: MemoryLogger, compute: (token: string) => unknown) => {
    const s = solid({ name: 'leak', config: z.object({ token: z.string() }), compute: (ctx) => compute(ctx.config.token) });
    return pipeline({
      name: 'p',
      modes: [mode({ loggers: { memory } })],
      graph: () => {
        s();
      },
    });
  };
  const runConfig = { solids: { leak: { config: { token: { env: NAME } } } }, loggers: { memory: { config: { level: 'trace' } } } };

  it('hands compute the value from the environment', async () => {
    const result = await execute(
      leaky(memoryLogger(), (t) => t.length),
      { runConfig },
    );
    expect(result.output('leak')).toBe(SECRET.length);
  });

  it('redacts the value from LOG events', async () => {
    const memory = memoryLogger();
    const s = solid({
      name: 'leak',
      config: z.object({ token: z.string() }),
      compute: (ctx) => ctx.log.info(`token is ${ctx.config.token}`),
    });
    const list = await eventsOf(
      pipeline({
        name: 'p',
        modes: [mode({ loggers: { memory } })],
        graph: () => {
          s();
        },
      }),
      { runConfig },
    );
    expect(ofType(list, 'LOG')[0]!.message).toBe('token is [redacted]');
  });

  it('redacts the value from log lines', async () => {
    const memory = memoryLogger();
    const s = solid({
      name: 'leak',
      config: z.object({ token: z.string() }),
      compute: (ctx) => ctx.log.info({ token: ctx.config.token }, 'using'),
    });
    await execute(
      pipeline({
        name: 'p',
        modes: [mode({ loggers: { memory } })],
        graph: () => {
          s();
        },
      }),
      { runConfig },
    );
    expect(memory.lines.join('\n')).not.toContain(SECRET);
    expect(memory.records().find((r) => r['msg'] === 'using')).toMatchObject({ token: '[redacted]' });
  });

  it('redacts the value from a STEP_FAILURE error', async () => {
    const memory = memoryLogger();
    const list = await eventsOf(
      leaky(memory, (t) => {
        throw new Error(`bad token ${t}`);
      }),
      { runConfig },
    );
    expect(JSON.stringify(list)).not.toContain(SECRET);
    expect(ofType(list, 'STEP_FAILURE')[0]!.error.message).toBe('bad token [redacted]');
    expect(memory.lines.join('\n')).not.toContain(SECRET);
  });

  it('shows the { env: NAME } reference, not the value, in RUN_START', async () => {
    const list = await eventsOf(
      leaky(memoryLogger(), () => undefined),
      { runConfig },
    );
    expect(ofType(list, 'RUN_START')[0]!.runConfig).toMatchObject({ solids: { leak: { config: { token: { env: NAME } } } } });
  });

  it('redacts the value from every event of a run that emits it as an output', async () => {
    const memory = memoryLogger();
    const list = await eventsOf(
      leaky(memory, (t) => `token=${t}`),
      { runConfig },
    );
    expect(JSON.stringify(list)).not.toContain(SECRET);
    expect(memory.lines.join('\n')).not.toContain(SECRET);
  });

  it('redacts the value from a RESOURCE_INIT_FAILURE error', async () => {
    const memory = memoryLogger();
    const r = resource({
      config: z.object({ password: z.string() }),
      init: ({ config }) => {
        throw new Error(`login refused for ${config.password}`);
      },
    });
    const s = solid({ name: 's', resources: ['r'], compute: () => undefined });
    const p = pipeline({
      name: 'p',
      modes: [mode({ loggers: { memory }, resources: { r } })],
      graph: () => {
        s();
      },
    });
    const list = await eventsOf(p, { runConfig: { resources: { r: { config: { password: { env: NAME } } } } } });
    expect(ofType(list, 'RESOURCE_INIT_FAILURE')[0]?.error.message).toBe('login refused for [redacted]');
    expect(JSON.stringify(list)).not.toContain(SECRET);
    expect(memory.lines.join('\n')).not.toContain(SECRET);
  });

  it('redacts a resource config value from the logs of its init', async () => {
    const memory = memoryLogger();
    const r = resource({ config: z.object({ password: z.string() }), init: ({ config, log }) => log.info(`password ${config.password}`) });
    const s = solid({ name: 's', resources: ['r'], compute: () => undefined });
    const p = pipeline({
      name: 'p',
      modes: [mode({ loggers: { memory }, resources: { r } })],
      graph: () => {
        s();
      },
    });
    const list = await eventsOf(p, { runConfig: { resources: { r: { config: { password: { env: NAME } } } } } });
    expect(JSON.stringify(list)).not.toContain(SECRET);
    expect(memory.lines.join('\n')).not.toContain(SECRET);
  });
});
