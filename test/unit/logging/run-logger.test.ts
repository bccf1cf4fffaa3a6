import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  ModeflowError,
  consoleLogger,
  execute,
  jsonLogger,
  logger,
  memoryLogger,
  mode,
  pipeline,
  resource,
  solid,
  type LevelName,
  type MemoryLogger,
  type SolidContext,
} from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on } from '../../helpers/index.ts';

/** A pipeline whose one solid runs `compute`, with the given sinks. */
function withSinks(loggers: Record<string, MemoryLogger>, compute: (ctx: SolidContext) => unknown = () => undefined) {
  const s = solid({ name: 'talk', compute });
  return pipeline({
    name: 'logs',
    modes: [mode({ name: 'test', loggers })],
    graph: () => {
      s();
    },
  });
}

const levels = (sinks: Record<string, LevelName>) => ({
  loggers: Object.fromEntries(Object.entries(sinks).map(([k, level]) => [k, { config: { level } }])),
});

const byMsg = (sink: MemoryLogger, msg: string) => sink.records().filter((r) => r['msg'] === msg);
const byEvent = (sink: MemoryLogger, type: string) => sink.records().filter((r) => r['event'] === type);

describe.each(executors)('$name executor', (exec) => {
  describe('ctx.log', () => {
    it('writes a record to the memory sink', async () => {
      const memory = memoryLogger();
      await execute(
        withSinks({ memory }, (ctx) => ctx.log.info('hello')),
        { runConfig: on(exec) },
      );
      expect(byMsg(memory, 'hello')).toHaveLength(1);
    });

    it('binds records to runId, pipeline, mode, solid and stepKey', async () => {
      const memory = memoryLogger();
      await execute(
        withSinks({ memory }, (ctx) => ctx.log.warn('bound')),
        { runConfig: on(exec), runId: 'run_7' },
      );
      expect(byMsg(memory, 'bound')[0]).toMatchObject({ runId: 'run_7', pipeline: 'logs', mode: 'test', solid: 'talk', stepKey: 'talk' });
    });

    it('takes pino-style fields before the message', async () => {
      const memory = memoryLogger();
      await execute(
        withSinks({ memory }, (ctx) => ctx.log.info({ rows: 3 }, 'loaded')),
        { runConfig: on(exec) },
      );
      expect(byMsg(memory, 'loaded')[0]).toMatchObject({ rows: 3 });
    });

    it('makes a record at the lowest sink level a LOG event with level, message, fields, stepKey and solid', async () => {
      const memory = memoryLogger();
      const list = await eventsOf(
        withSinks({ memory }, (ctx) => ctx.log.info({ rows: 3 }, 'loaded')),
        { runConfig: on(exec) },
      );
      expect(ofType(list, 'LOG')).toEqual([
        expect.objectContaining({ level: 'info', message: 'loaded', fields: { rows: 3 }, stepKey: 'talk', solid: 'talk' }),
      ]);
    });

    it('drops a record below every sink level: no line, no LOG event', async () => {
      const memory = memoryLogger();
      const list = await eventsOf(
        withSinks({ memory }, (ctx) => ctx.log.debug('too low')),
        { runConfig: on(exec) },
      );
      expect(byMsg(memory, 'too low')).toEqual([]);
      expect(ofType(list, 'LOG')).toEqual([]);
    });

    it('writes a record only to the sinks whose level it meets', async () => {
      const loud = memoryLogger();
      const chatty = memoryLogger();
      await execute(
        withSinks({ loud, chatty }, (ctx) => ctx.log.info('middle')),
        {
          runConfig: on(exec, levels({ loud: 'warn', chatty: 'debug' })),
        },
      );
      expect(byMsg(chatty, 'middle')).toHaveLength(1);
      expect(byMsg(loud, 'middle')).toEqual([]);
    });

    it('makes a LOG event of a record that only the lowest sink takes', async () => {
      const loud = memoryLogger();
      const chatty = memoryLogger();
      const list = await eventsOf(
        withSinks({ loud, chatty }, (ctx) => ctx.log.debug('detail')),
        {
          runConfig: on(exec, levels({ loud: 'error', chatty: 'debug' })),
        },
      );
      expect(ofType(list, 'LOG').map((e) => e.message)).toEqual(['detail']);
    });

    it('writes a LOG record once, not again as an engine event', async () => {
      const memory = memoryLogger();
      await execute(
        withSinks({ memory }, (ctx) => ctx.log.info('once')),
        { runConfig: on(exec, levels({ memory: 'trace' })) },
      );
      expect(memory.lines.filter((l) => l.includes('"once"'))).toHaveLength(1);
      expect(byEvent(memory, 'LOG')).toEqual([]);
    });

    it('logs from a resource init as a LOG event without a stepKey', async () => {
      const memory = memoryLogger();
      const r = resource({ init: ({ log }) => log.info('connecting') });
      const s = solid({ name: 's', resources: ['r'], compute: () => undefined });
      const p = pipeline({
        name: 'p',
        modes: [mode({ loggers: { memory }, resources: { r } })],
        graph: () => {
          s();
        },
      });
      const list = await eventsOf(p, { runConfig: on(exec) });
      const log = ofType(list, 'LOG').find((e) => e.message === 'connecting');
      expect(log).toBeDefined();
      expect(log?.stepKey).toBeUndefined();
    });

    it("names the resource in a resource init log's LOG event and line, as the workerPool does", async () => {
      const memory = memoryLogger();
      const r = resource({ init: ({ log }) => log.info({ host: 'db' }, 'connecting') });
      const s = solid({ name: 's', resources: ['r'], compute: () => undefined });
      const p = pipeline({
        name: 'p',
        modes: [mode({ loggers: { memory }, resources: { r } })],
        graph: () => {
          s();
        },
      });
      const list = await eventsOf(p, { runConfig: on(exec) });
      expect(ofType(list, 'LOG').find((e) => e.message === 'connecting')?.fields).toEqual({ resource: 'r', host: 'db' });
      expect(byMsg(memory, 'connecting')[0]).toMatchObject({ resource: 'r', host: 'db' });
    });
  });

  describe('engine events in the sinks', () => {
    it('writes step events at debug', async () => {
      const memory = memoryLogger();
      await execute(withSinks({ memory }), { runConfig: on(exec, levels({ memory: 'debug' })) });
      expect(byEvent(memory, 'STEP_START')).toHaveLength(1);
      expect(byEvent(memory, 'STEP_START')[0]!['level']).toBe(20);
    });

    it('leaves step events out of a sink at info', async () => {
      const memory = memoryLogger();
      await execute(withSinks({ memory }), { runConfig: on(exec) });
      expect(byEvent(memory, 'STEP_START')).toEqual([]);
      expect(byEvent(memory, 'STEP_SUCCESS')).toEqual([]);
    });

    it('writes RUN_START and RUN_SUCCESS at info', async () => {
      const memory = memoryLogger();
      await execute(withSinks({ memory }), { runConfig: on(exec) });
      expect(byEvent(memory, 'RUN_START').map((r) => r['level'])).toEqual([30]);
      expect(byEvent(memory, 'RUN_SUCCESS').map((r) => r['level'])).toEqual([30]);
    });

    it('writes STEP_FAILURE and RUN_FAILURE at error', async () => {
      const memory = memoryLogger();
      const p = withSinks({ memory }, () => {
        throw new Error('nope');
      });
      await execute(p, { runConfig: on(exec, levels({ memory: 'error' })), raiseOnError: false });
      expect(byEvent(memory, 'STEP_FAILURE').map((r) => r['level'])).toEqual([50]);
      expect(byEvent(memory, 'RUN_FAILURE').map((r) => r['level'])).toEqual([50]);
      expect(byEvent(memory, 'RUN_START')).toEqual([]);
    });

    it('binds engine records to the run', async () => {
      const memory = memoryLogger();
      await execute(withSinks({ memory }), { runConfig: on(exec), runId: 'run_9' });
      expect(byEvent(memory, 'RUN_SUCCESS')[0]).toMatchObject({ runId: 'run_9', pipeline: 'logs', mode: 'test' });
    });

    it('a sink that throws while writing an event fails the run, which still ends (no crash, no hang)', async () => {
      const unhandled: unknown[] = [];
      const onUncaught = (error: unknown) => unhandled.push(error);
      process.on('uncaughtException', onUncaught);
      try {
        const failing = logger({
          init: () => ({
            write: (line: string) => {
              if (line.includes('"STEP_SUCCESS"')) throw new Error('disk full');
            },
          }),
        });
        const s = solid({ name: 'later', compute: async () => 1 });
        const p = pipeline({
          name: 'full_disk',
          modes: [mode({ loggers: { failing } })],
          graph: () => {
            s();
          },
        });
        const list = await eventsOf(p, { runConfig: on(exec, { loggers: { failing: { config: { level: 'debug' } } } }) });
        await new Promise((resolve) => setTimeout(resolve, 0));
        expect(unhandled).toEqual([]);
        expect(ofType(list, 'STEP_SUCCESS')).toHaveLength(1);
        const failure = list.at(-1)!;
        expect(failure.type).toBe('RUN_FAILURE');
        expect((failure as { error?: { message: string } }).error?.message).toContain('threw while writing an event: disk full');
      } finally {
        process.off('uncaughtException', onUncaught);
      }
    });
  });
});

describe('logger sinks', () => {
  it('opens a custom sink with its own config, level included', async () => {
    const lines: string[] = [];
    let seen: unknown;
    const sink = logger({
      config: z.object({ prefix: z.string() }),
      init: ({ config }) => {
        seen = config;
        return { write: (line: string) => void lines.push(config.prefix + line) };
      },
    });
    const s = solid({ name: 's', compute: (ctx) => ctx.log.warn('custom') });
    const p = pipeline({
      name: 'p',
      modes: [mode({ loggers: { sink } })],
      graph: () => {
        s();
      },
    });
    await execute(p, { runConfig: { loggers: { sink: { config: { prefix: '> ' } } } } });
    expect(seen).toEqual({ prefix: '> ', level: 'info' });
    expect(lines.filter((l) => l.startsWith('> ') && l.includes('custom'))).toHaveLength(1);
  });

  it('writes one JSON line per record', async () => {
    const memory = memoryLogger();
    const s = solid({ name: 's', compute: (ctx) => (ctx.log.info('a'), ctx.log.info('b')) });
    await execute(
      pipeline({
        name: 'p',
        modes: [mode({ loggers: { memory } })],
        graph: () => {
          s();
        },
      }),
    );
    for (const line of memory.lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(memory.records().filter((r) => r['msg'] === 'a' || r['msg'] === 'b')).toHaveLength(2);
  });

  it('awaits a sink whose init is async', async () => {
    const lines: string[] = [];
    const sink = logger({ init: async () => ({ write: (line: string) => void lines.push(line) }) });
    const s = solid({ name: 's', compute: (ctx) => ctx.log.info('late sink') });
    await execute(
      pipeline({
        name: 'p',
        modes: [mode({ loggers: { sink } })],
        graph: () => {
          s();
        },
      }),
    );
    expect(lines.some((l) => l.includes('late sink'))).toBe(true);
  });

  describe('built-ins', () => {
    let tty: PropertyDescriptor | undefined;
    beforeEach(() => {
      tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
      Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true, writable: true });
    });
    afterEach(() => {
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
      vi.restoreAllMocks();
    });

    it('consoleLogger writes JSON lines to stderr when it is not a TTY', async () => {
      const written: string[] = [];
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
      const s = solid({ name: 's', compute: (ctx) => ctx.log.warn('to stderr') });
      await execute(
        pipeline({
          name: 'p',
          modes: [mode({ loggers: { console: consoleLogger } })],
          graph: () => {
            s();
          },
        }),
      );
      const line = written.find((l) => l.includes('to stderr'));
      expect(line).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ msg: 'to stderr', solid: 's' });
    });

    it('jsonLogger writes NDJSON to stdout', async () => {
      const written: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
      const s = solid({ name: 's', compute: (ctx) => ctx.log.warn('to stdout') });
      await execute(
        pipeline({
          name: 'p',
          modes: [mode({ loggers: { json: jsonLogger } })],
          graph: () => {
            s();
          },
        }),
      );
      const line = written.find((l) => l.includes('to stdout'));
      expect(JSON.parse(line!)).toMatchObject({ msg: 'to stdout', solid: 's' });
    });
  });
});

describe('ctx.resources', () => {
  const attempt = async (read: (resources: Record<PropertyKey, unknown>) => unknown) => {
    let outcome: { value?: unknown; error?: unknown } = {};
    const s = solid({
      name: 'reader',
      resources: ['store'],
      compute: (ctx) => {
        try {
          outcome = { value: read(ctx.resources as Record<PropertyKey, unknown>) };
        } catch (error) {
          outcome = { error };
        }
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [
        mode({
          loggers: { memory: memoryLogger() },
          resources: { store: resource({ init: () => 'S' }), other: resource({ init: () => 'O' }) },
        }),
      ],
      graph: () => {
        s();
      },
    });
    await execute(p);
    return outcome;
  };

  it('gives the declared resources', async () => {
    expect((await attempt((r) => r['store'])).value).toBe('S');
  });

  it('throws for a key the solid did not declare, even one the mode provides', async () => {
    expect((await attempt((r) => r['other'])).error).toBeInstanceOf(ModeflowError);
  });

  it('names the solid, the key and the declared keys when it throws', async () => {
    const { error } = await attempt((r) => r['other']);
    expect((error as Error).message).toContain('reader');
    expect((error as Error).message).toContain('other');
    expect((error as Error).message).toContain('store');
  });

  it('gives undefined for then, so awaiting it is harmless', async () => {
    expect((await attempt((r) => r['then'])).value).toBeUndefined();
  });

  it('gives undefined for toJSON, so serialising it is harmless', async () => {
    const { value, error } = await attempt((r) => [r['toJSON'], JSON.stringify(r)]);
    expect(error).toBeUndefined();
    expect(value).toEqual([undefined, '{"store":"S"}']);
  });

  it('gives undefined for symbol keys', async () => {
    expect((await attempt((r) => r[Symbol.iterator])).value).toBeUndefined();
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
    expect(byMsg(memory, 'using')[0]).toMatchObject({ token: '[redacted]' });
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
