/** A run's tags are event data: JSON-safe and redacted like the rest of RUN_START. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, memoryLogger, mode, pipeline, solid } from '../../../lib/index.ts';

const memory = memoryLogger();
const read = solid({ name: 'read', config: z.object({ password: z.string() }), compute: () => 1 });
const p = pipeline({
  name: 'p',
  modes: [mode({ loggers: { memory } })],
  graph: () => {
    read();
  },
});

describe('run tags', () => {
  beforeEach(() => {
    process.env['MODEFLOW_TAG_SECRET'] = 'hunter2-tag';
  });
  afterEach(() => {
    delete process.env['MODEFLOW_TAG_SECRET'];
  });

  it('shows a BigInt or a cycle in tags JSON-safe in RUN_START and its log line', async () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle['self'] = cycle;
    const result = await execute(p, {
      runConfig: { solids: { read: { config: { password: { env: 'MODEFLOW_TAG_SECRET' } } } } },
      tags: { batch: 12345678901234567890n, cycle, owner: 'me' },
    });
    const start = result.events.find((e) => e.type === 'RUN_START')!;
    expect(start.tags).toEqual({ batch: '12345678901234567890', cycle: { name: 'loop', self: '[Circular]' }, owner: 'me' });
    expect(() => JSON.stringify(result.events)).not.toThrow();
    expect(memory.lines.find((l) => l.includes('"RUN_START"'))).toContain('"batch":"12345678901234567890"');
  });

  it('redacts a secret of the run config that also appears in a tag', async () => {
    const result = await execute(p, {
      runConfig: { solids: { read: { config: { password: { env: 'MODEFLOW_TAG_SECRET' } } } } },
      tags: { note: 'pw is hunter2-tag' },
    });
    const start = result.events.find((e) => e.type === 'RUN_START')!;
    expect(JSON.stringify(start)).not.toContain('hunter2-tag');
  });
});
