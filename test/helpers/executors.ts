/** The executors a behaviour is checked under, as run config. */
import { of, queueScheduler } from 'rxjs';
import { executor, type Executor, type StepRequest } from '../../lib/index.ts';

/** One executor to run a suite under: its name and the run config that picks it. */
export interface ExecutorCase {
  readonly name: string;
  readonly runConfig: { readonly execution: Readonly<Record<string, object>> };
}

const picking = (name: string, config?: object): ExecutorCase => ({
  name,
  runConfig: { execution: { [name]: config ? { config } : {} } },
});

/** The in-process executors every behaviour must hold under (steps run in the test's own thread). */
export const executors = [picking('sync'), picking('async')] as const;

/** The in-process executors plus virtual time. */
export const inProcessExecutors = [...executors, picking('virtualTime')] as const;

/**
 * Every built-in executor, workerPool on real threads: a suite run under these uses only
 * pipelines exported from importable modules (the threads import them), and observes the
 * run through its events and result, never through the test's own variables.
 */
export const everyExecutor = [
  picking('sync'),
  picking('async', { maxConcurrent: 3 }),
  picking('workerPool', { maxWorkers: 2 }),
  picking('virtualTime'),
] as const;

/** Run config that picks the virtual-time executor. */
export const virtualTime = picking('virtualTime').runConfig;

/** Run config that picks `executor` (by name), merged with `rest`. */
export function on(
  executor: { readonly name: string; readonly runConfig?: ExecutorCase['runConfig'] },
  rest: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return { ...rest, execution: executor.runConfig?.execution ?? { [executor.name]: {} } };
}

/**
 * An executor that runs nothing: it pushes each step request onto `seen` and answers with
 * output `result` = `value`, for tests of what the engine sends an executor.
 */
export function recordingExecutor(seen: StepRequest[], value: unknown): Executor {
  return executor({
    name: 'recording',
    create: () => ({
      scheduler: queueScheduler,
      maxConcurrent: 1,
      runStep: (request) => {
        seen.push(request);
        return of({ type: 'output' as const, output: 'result', value });
      },
    }),
  });
}
