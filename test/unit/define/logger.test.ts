/** logger() (lib/define/logger.ts): a sink opened per run with its own config, level included. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, logger, memoryLogger, mode, pipeline, solid, InvalidDefinitionError } from '../../../lib/index.ts';

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
});

describe('logger()', () => {
  it('refuses a logger config that is not a z.object', () => {
    expect(() => logger({ config: z.string() as never, init: () => ({ write: () => undefined }) })).toThrow(InvalidDefinitionError);
  });

  it('adds a level, default info, to every logger config', () => {
    const sink = logger({ config: z.object({ file: z.string().default('x') }), init: () => ({ write: () => undefined }) });
    expect(sink.config.parse({})).toEqual({ file: 'x', level: 'info' });
  });
});
