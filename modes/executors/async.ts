import { availableParallelism } from 'node:os';
import { asapScheduler } from 'rxjs';
import { z } from 'zod';
import { executor } from '../../lib/executor.ts';

/**
 * Runs ready steps concurrently on RxJS's `asapScheduler`, at most `maxConcurrent` computes
 * in flight (default: `os.availableParallelism()`). For solids that wait on I/O.
 *
 * @example
 * execute(p, { runConfig: { execution: { async: { config: { maxConcurrent: 8 } } } } });
 */
export const asyncExecutor = executor({
  name: 'async',
  description: 'ready steps concurrently, in process, on asapScheduler',
  config: z.object({
    maxConcurrent: z.number().int().positive().default(() => availableParallelism()),
    cancelGraceMs: z
      .number()
      .int()
      .nonnegative()
      .default(1000)
      .describe('ms running computes (and a pending resource init) get to settle after a cancel'),
  }),
  create: ({ config }) => ({ scheduler: asapScheduler, maxConcurrent: config.maxConcurrent, cancelGraceMs: config.cancelGraceMs }),
});
