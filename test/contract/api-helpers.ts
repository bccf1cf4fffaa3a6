/**
 * Helpers of the public-API contract tests (DESIGN.md: "The seed example", "Public API",
 * "Errors"). Black-box: only the public entry points `modeflow` and `modeflow/testing`.
 */
import { lastValueFrom, toArray } from 'rxjs';
import {
  memoryLogger,
  mode,
  run,
  type MemoryLogger,
  type Mode,
  type ModeOptions,
  type Pipeline,
  type Resource,
  type RunEvent,
  type RunEventType,
  type RunOptions,
} from '../../lib/index.ts';

/** DESIGN "Events": the event types, as listed. */
export const EVENT_TYPES = [
  'RUN_START',
  'RESOURCE_INIT_START',
  'RESOURCE_INIT_SUCCESS',
  'RESOURCE_INIT_FAILURE',
  'STEP_START',
  'STEP_INPUT',
  'STEP_OUTPUT',
  'STEP_SUCCESS',
  'STEP_FAILURE',
  'STEP_SKIPPED',
  'STEP_RETRY',
  'LOG',
  'RESOURCE_TEARDOWN',
  'RUN_SUCCESS',
  'RUN_FAILURE',
  'RUN_CANCELED',
] as const satisfies readonly RunEventType[];

/** A mode with no logger sinks at all: no console noise. */
export function silent<R extends Record<string, Resource<any>> = {}>(options: ModeOptions<R> = {}): Mode {
  return mode({ loggers: {}, ...options });
}

/** A mode whose only sink is a fresh memory logger, and that logger. */
export function withMemory<R extends Record<string, Resource<any>> = {}>(
  options: ModeOptions<R> = {},
): { mode: Mode; memory: MemoryLogger } {
  const memory = memoryLogger();
  return { mode: mode({ loggers: { memory }, ...options }), memory };
}

/** Every event of one run, once it completes. */
export function eventsOf(p: Pipeline, options: RunOptions = {}): Promise<RunEvent[]> {
  return lastValueFrom(run(p, options).pipe(toArray()));
}

export function typesOf(list: readonly RunEvent[]): RunEventType[] {
  return list.map((e) => e.type);
}

export function ofType<T extends RunEventType>(list: readonly RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return list.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

/** The error `fn` throws synchronously (fails the test when it does not throw). */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a synchronous throw');
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** The error a run Observable delivers on subscribe (fails when it emits an event or completes). */
export function subscribeError(p: Pipeline, options: RunOptions = {}): Promise<{ error: unknown; events: RunEvent[] }> {
  return new Promise((resolve, reject) => {
    const events: RunEvent[] = [];
    run(p, options).subscribe({
      next: (e) => events.push(e),
      error: (error: unknown) => resolve({ error, events }),
      complete: () => reject(new Error(`expected an error, the run completed with ${events.map((e) => e.type).join(', ')}`)),
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function until(predicate: () => boolean, what = 'condition', ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return;
    await sleep(2);
  }
  throw new Error(`timed out waiting for ${what}`);
}
