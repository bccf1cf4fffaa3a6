/** Shared helpers of the unit tests: quiet modes, event collection, executor selection. */
import { lastValueFrom, toArray } from 'rxjs';
import {
  asyncExecutor,
  memoryLogger,
  mode,
  run,
  syncExecutor,
  type Executor,
  type Mode,
  type ModeOptions,
  type Pipeline,
  type Resource,
  type RunEvent,
  type RunEventType,
  type RunOptions,
} from '../../lib/index.ts';

/** The in-process executors that must agree on every behaviour. */
export const executors = [syncExecutor, asyncExecutor] as const;

/** Run config that picks `executor`, merged with `rest`. */
export function on(executor: Executor, rest: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { ...rest, execution: { [executor.name]: {} } };
}

/** A mode whose only logger sink is a fresh memory logger (no console noise). */
export function quietMode<R extends Record<string, Resource<any>> = {}>(options: ModeOptions<R> = {}): Mode {
  return mode({ loggers: { memory: memoryLogger() }, ...options });
}

/** Every event of one run, once it completes. */
export function events(pipeline: Pipeline, options: RunOptions = {}): Promise<RunEvent[]> {
  return lastValueFrom(run(pipeline, options).pipe(toArray()));
}

/** The types of `list`, in order. */
export function types(list: readonly RunEvent[]): RunEventType[] {
  return list.map((e) => e.type);
}

/** The events of `type`, narrowed. */
export function ofType<T extends RunEventType>(list: readonly RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return list.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

/** A promise with its resolve and reject exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves after `ms` milliseconds (for ordering, never for timing assertions). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Waits until `predicate` holds, polling on the macrotask queue. */
export async function until(predicate: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (predicate()) return;
    await sleep(1);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The rejection of `promise` (fails when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
