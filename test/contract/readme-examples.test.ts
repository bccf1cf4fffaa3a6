// The virtual-time example of the README's Executors section, verbatim but for the import path.
import { filter, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { memoryLogger, mode, pipeline, run, solid } from '../../lib/index.ts';

const fetchPrices = solid({
  name: 'fetch_prices',
  retry: { maxRetries: 2, delayMs: 1000 },
  output: z.number(),
  compute: (ctx) => {
    if (ctx.attempt < 3) throw new Error('service unavailable');
    return 42;
  },
});
const prices = pipeline({
  name: 'prices',
  modes: [mode({ loggers: { memory: memoryLogger() } })],
  graph: () => {
    fetchPrices();
  },
});

it('retries after one virtual second, twice', () => {
  const letters = { S: 'STEP_START', R: 'STEP_RETRY', O: 'STEP_OUTPUT', K: 'STEP_SUCCESS' };
  const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  testScheduler.run(({ expectObservable }) => {
    const steps = run(prices, { runConfig: { execution: { virtualTime: {} } } }).pipe(
      map((e) => e.type),
      filter((type) => Object.values(letters).includes(type)),
    );
    // frame 0: start and first failure; 1000: second failure; 2000: output and success
    expectObservable(steps).toBe('(SR) 996ms R 999ms (OK|)', letters);
  });
});
