import { queueScheduler } from 'rxjs';
import { executor } from '../../lib/define/executor.ts';

/**
 * Runs steps one after another on RxJS's `queueScheduler`. A run of synchronous solids
 * completes inside `subscribe()`, and deep chains do not grow the stack.
 * The default executor of every mode.
 */
export const syncExecutor = executor({
  name: 'sync',
  description: 'steps one at a time, in process, on queueScheduler',
  create: () => ({ scheduler: queueScheduler, maxConcurrent: 1 }),
});
