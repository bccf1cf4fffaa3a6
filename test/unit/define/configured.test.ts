/** .configured() (lib/define/configured.ts): config bound to a definition, taken out of run config. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, logger, mode, pipeline, resource, solid } from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

describe('.configured()', () => {
  it('binds a solid config that compute then sees', async () => {
    const greet = solid({ name: 'greet', config: z.object({ who: z.string() }), compute: (ctx) => `hi ${ctx.config.who}` });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => greet.configured({ who: 'ann' })() });
    expect((await execute(p)).output('greet')).toBe('hi ann');
  });

  it('takes a bound solid config out of run config', async () => {
    const greet = solid({ name: 'greet', config: z.object({ who: z.string() }), compute: (ctx) => ctx.config.who });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => greet.configured({ who: 'ann' })() });
    await expect(execute(p, { runConfig: { solids: { greet: { config: { who: 'bob' } } } } })).rejects.toThrow(/configured/);
  });

  it('binds a resource config that init then sees', async () => {
    const conn = resource({ config: z.object({ url: z.string() }), init: ({ config }) => config.url });
    const read = solid({ name: 'read', resources: ['conn'], compute: (ctx) => ctx.resources.conn });
    const p = pipeline({
      name: 'p',
      modes: [quietMode({ resources: { conn: conn.configured({ url: 'mem://' }) } })],
      graph: () => read(),
    });
    expect((await execute(p)).output('read')).toBe('mem://');
  });

  it('leaves the original definition unbound', () => {
    const greet = solid({ name: 'greet', config: z.object({ who: z.string() }), compute: () => 1 });
    greet.configured({ who: 'ann' });
    expect(greet.bound).toBeUndefined();
  });

  it('binds a logger config', async () => {
    const lines: string[] = [];
    const sink = logger({ init: () => ({ write: (line: string) => void lines.push(line) }) });
    const say = solid({ name: 'say', compute: (ctx) => ctx.log.debug('quiet word') });
    const p = pipeline({ name: 'p', modes: [mode({ loggers: { sink: sink.configured({ level: 'debug' }) } })], graph: () => say() });
    await execute(p);
    expect(lines.some((l) => l.includes('quiet word'))).toBe(true);
  });
});
