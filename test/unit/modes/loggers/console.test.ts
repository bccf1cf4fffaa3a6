/** The built-in sink consoleLogger (modes/loggers/console.ts). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { consoleLogger, execute, mode, pipeline, solid } from '../../../../lib/index.ts';

describe('consoleLogger', () => {
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
});
