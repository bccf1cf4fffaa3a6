/** The built-in sink jsonLogger (modes/loggers/json.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { execute, jsonLogger, mode, pipeline, solid } from '../../../../lib/index.ts';

describe('jsonLogger', () => {
  afterEach(() => {
    vi.restoreAllMocks();
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
