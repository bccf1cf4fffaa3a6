/**
 * The built-ins a mode defaults to: `executors` [sync, async, workerPool, virtualTime]
 * (the first is the default) and `loggers` `{ console: consoleLogger }`. They are made
 * from the definitions in lib/define/, so mode() cannot import them: this file, loaded by
 * each entry (lib/index.ts, lib/testing/index.ts) before any user code runs, hands them
 * to it.
 */
import { setModeDefaults } from './define/mode.ts';
import type { Executor } from './define/executor.ts';
import { asyncExecutor } from '../modes/executors/async.ts';
import { syncExecutor } from '../modes/executors/sync.ts';
import { virtualTimeExecutor } from '../modes/executors/virtual-time.ts';
import { workerPoolExecutor } from '../modes/executors/worker-pool/main/worker-pool-executor.ts';
import { consoleLogger } from '../modes/loggers/console.ts';

/** The executors a mode gets when it names none; the first is the default. */
export const defaultExecutors: readonly Executor[] = Object.freeze([syncExecutor, asyncExecutor, workerPoolExecutor, virtualTimeExecutor]);

setModeDefaults({ executors: defaultExecutors, loggers: { console: consoleLogger } });
