/** Log lines show large values shortened, with a marker saying how much was cut; events keep them whole. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryLogger, mode, pipeline, solid, type MemoryLogger } from '../../../lib/index.ts';
import { eventsOf, ofType } from '../../helpers/index.ts';

const big = {
  blob: 'x'.repeat(1_000_000),
  rows: Array.from({ length: 10_000 }, (_, i) => i),
  table: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])),
};

function configured(memory: MemoryLogger, compute: (config: typeof big) => unknown = () => 1) {
  const s = solid({
    name: 'load',
    config: z.object({ blob: z.string(), rows: z.array(z.number()), table: z.record(z.string(), z.number()) }),
    compute: (ctx) => compute(ctx.config),
  });
  return pipeline({
    name: 'p',
    modes: [mode({ loggers: { memory } })],
    graph: () => {
      s();
    },
  });
}
const lineOf = (memory: MemoryLogger, type: string) => memory.lines.find((l) => l.includes(`"event":"${type}"`))!;

describe('engine events in log lines', () => {
  it('shortens a large run config in the RUN_START line, marking each cut, while the RUN_START event keeps it whole', async () => {
    const memory = memoryLogger();
    const runConfig = { solids: { load: { config: big } } };
    const list = await eventsOf(configured(memory), { runConfig });
    expect(ofType(list, 'RUN_START')[0]!.runConfig).toEqual(runConfig);
    const line = lineOf(memory, 'RUN_START');
    expect(line.length).toBeLessThan(64_000);
    const shown = (JSON.parse(line) as { runConfig: { solids: { load: { config: Record<string, unknown> } } } }).runConfig.solids.load
      .config;
    expect(shown['blob']).toMatch(/^x{4096}… \[\+995904 chars\]$/);
    expect((shown['rows'] as unknown[]).at(-1)).toBe('… [+9900 items]');
    expect((shown['rows'] as unknown[]).slice(0, 3)).toEqual([0, 1, 2]);
    expect(shown['table']).toMatchObject({ k0: 0, k99: 99, '…': '[+400 keys]' });
  });

  it('writes a small run config whole', async () => {
    const memory = memoryLogger();
    const small = { blob: 'abc', rows: [1, 2], table: { a: 1 } };
    await eventsOf(configured(memory), { runConfig: { solids: { load: { config: small } } } });
    expect(JSON.parse(lineOf(memory, 'RUN_START'))).toMatchObject({ runConfig: { solids: { load: { config: small } } } });
  });

  it('shortens a large output in the STEP_OUTPUT line, while the event keeps it whole', async () => {
    const memory = memoryLogger();
    const list = await eventsOf(
      configured(memory, (c) => c.rows),
      {
        runConfig: { solids: { load: { config: { ...big, blob: '' } } }, loggers: { memory: { config: { level: 'debug' } } } },
      },
    );
    expect(ofType(list, 'STEP_OUTPUT')[0]!.value).toHaveLength(10_000);
    expect((JSON.parse(lineOf(memory, 'STEP_OUTPUT')) as { value: unknown[] }).value.at(-1)).toBe('… [+9900 items]');
  });

  it('shortens a huge error message in the STEP_FAILURE and RUN_FAILURE lines, message and fields', async () => {
    const memory = memoryLogger();
    const list = await eventsOf(
      configured(memory, () => {
        throw new Error('y'.repeat(100_000));
      }),
      { runConfig: { solids: { load: { config: { blob: '', rows: [], table: {} } } } } },
    );
    expect(ofType(list, 'STEP_FAILURE')[0]!.error.message).toHaveLength(100_000);
    for (const type of ['STEP_FAILURE', 'RUN_FAILURE']) {
      const record = JSON.parse(lineOf(memory, type)) as { msg: string; error: { message: string } };
      expect(record.error.message).toContain('… [+95904 chars]');
      expect(record.msg).toMatch(/… \[\+\d+ chars\]$/);
      expect(record.msg.length).toBeLessThan(5_000);
    }
  });
});
