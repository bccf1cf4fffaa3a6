import { asapScheduler } from 'rxjs';
import { z } from 'zod';
import { executor } from '../../lib/define/executor.ts';

/**
 * How many computes the async executor keeps in flight by default. Its steps wait on I/O,
 * which takes no core while it waits, so the core count is the wrong bound: 128 steps each
 * waiting 10 ms ran 7.6× faster with 16 than with 2, a 2-core machine's count (bench:
 * async-io-latency). 16 keeps a fan-out from flooding a database or an API with more
 * requests than a typical connection pool serves at once; raise it for latency-bound work.
 */
export const DEFAULT_ASYNC_MAX_CONCURRENT = 16;

/**
 * Runs ready steps concurrently on RxJS's `asapScheduler`, at most `maxConcurrent` computes
 * in flight (default 16, see {@link DEFAULT_ASYNC_MAX_CONCURRENT}). For solids that wait on
 * I/O; for CPU-bound solids, use the workerPool executor.
 *
 * @example
 * execute(p, { runConfig: { execution: { async: { config: { maxConcurrent: 8 } } } } });
 */
export const asyncExecutor = executor({
  name: 'async',
  description: 'ready steps concurrently, in process, on asapScheduler',
  config: z.object({
    maxConcurrent: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_ASYNC_MAX_CONCURRENT)
      .describe('computes in flight at once; they wait on I/O, so this is not the core count'),
    cancelGraceMs: z
      .number()
      .int()
      .nonnegative()
      .default(1000)
      .describe('ms running computes (and a pending resource init) get to settle after a cancel'),
  }),
  create: ({ config }) => ({ scheduler: asapScheduler, maxConcurrent: config.maxConcurrent, cancelGraceMs: config.cancelGraceMs }),
});
