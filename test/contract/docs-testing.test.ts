// The virtual-time examples of docs/testing.md, verbatim but for the import paths.
import { fc, test } from '@fast-check/vitest';
import { firstValueFrom, timeout, timer } from 'rxjs';
import { expect } from 'vitest';
import { z } from 'zod';
import { execute, memoryLogger, mode, pipeline, solid } from 'modeflow';
import { assertRunInvariants } from 'modeflow/testing';

/** A price service that is unavailable for the first `failures` calls. */
const fetchPrices = (failures: number) =>
  solid({
    name: 'fetch_prices',
    retry: { maxRetries: 3, delayMs: 1000, backoff: 'exponential' },
    output: z.number(),
    compute: (ctx) => {
      if (ctx.attempt <= failures) throw new Error('service unavailable');
      return 42;
    },
  });

const quiet = mode({ loggers: { memory: memoryLogger() } });
const virtualTime = { execution: { virtualTime: {} } };

test.prop([fc.integer({ min: 0, max: 6 })])('retries up to 3 times, 1 s, 2 s then 4 s apart, in virtual time', async (failures) => {
  const solidOnce = fetchPrices(failures);
  const p = pipeline({ name: 'prices', modes: [quiet], graph: () => void solidOnce() });
  const result = await execute(p, { runConfig: virtualTime, raiseOnError: false });
  assertRunInvariants(result.events);
  expect(result.success).toBe(failures <= 3);
  const waits = result.events.flatMap((e) => (e.type === 'STEP_RETRY' ? [e.delayMs] : []));
  expect(waits).toEqual([1000, 2000, 4000].slice(0, Math.min(failures, 3)));
});

test.prop([fc.integer({ min: 0, max: 20_000 })], { examples: [[4999], [5000], [5001]] })(
  'gives up on a call that takes more than 5 virtual seconds',
  async (latencyMs) => {
    const quote = solid({
      name: 'quote',
      output: z.number(),
      compute: (ctx) => firstValueFrom(timer(latencyMs, ctx.scheduler).pipe(timeout({ first: 5000, scheduler: ctx.scheduler }))),
    });
    const p = pipeline({ name: 'quotes', modes: [quiet], graph: () => void quote() });
    const result = await execute(p, { runConfig: virtualTime, raiseOnError: false });
    expect(result.success).toBe(latencyMs <= 5000); // due at 5000 exactly, the answer was scheduled first
    if (!result.success) expect(result.solid('quote').error?.name).toBe('TimeoutError');
  },
);

test('docs/testing.md shows these tests as they are here', async () => {
  const { readFileSync } = await import('node:fs');
  const here = readFileSync(new URL(import.meta.url), 'utf8').split('\n\ntest(')[0]!;
  const shown = here.slice(here.indexOf('\n') + 1);
  expect(readFileSync(new URL('../../docs/testing.md', import.meta.url), 'utf8')).toContain(shown);
});
