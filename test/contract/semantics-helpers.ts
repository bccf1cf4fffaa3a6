/**
 * Helpers of the semantics contract tests (DESIGN.md, "Semantics in detail" and the event
 * invariants of "Public API"). Black-box: only the public entry points are used.
 */
import type { RunEvent, RunEventType } from '../../lib/index.ts';
import { eventsOf, silent, withMemory } from './api-helpers.ts';

export { ofType, rejectionOf, sleep, typesOf, until } from './api-helpers.ts';
/** A mode with no logger sinks at all (no console noise). */
export const silentMode = silent;
/** A mode whose only sink is a fresh memory logger, and that logger. */
export const memoryMode = withMemory;
/** Every event of one run, once it completes. */
export const collectEvents = eventsOf;

/** The in-process executors every behaviour must hold under, as run config. */
export const executorConfigs = [
  { name: 'sync', runConfig: { execution: { sync: {} } } },
  { name: 'async', runConfig: { execution: { async: {} } } },
] as const;

/** The in-process executors plus virtual time. */
export const allInProcessConfigs = [...executorConfigs, { name: 'virtualTime', runConfig: { execution: { virtualTime: {} } } }] as const;

export const virtualTime = { execution: { virtualTime: {} } } as const;

export function stepKeysOf(list: readonly RunEvent[], type: RunEventType): string[] {
  return list.flatMap((e) => (e.type === type && 'stepKey' in e && typeof e.stepKey === 'string' ? [e.stepKey] : []));
}

export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Checks the event invariants of DESIGN's "Public API" on one run's events. */
export function expectInvariants(list: readonly RunEvent[]): string[] {
  const problems: string[] = [];
  if (list[0]?.type !== 'RUN_START') problems.push(`first event is ${list[0]?.type}`);
  const terminals = list.filter((e) => e.type === 'RUN_SUCCESS' || e.type === 'RUN_FAILURE' || e.type === 'RUN_CANCELED');
  if (terminals.length !== 1) problems.push(`${terminals.length} terminal events`);
  const last = list[list.length - 1];
  if (!last || !['RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED'].includes(last.type)) problems.push(`last event is ${last?.type}`);
  const starts = new Map<string, number>();
  const ends = new Map<string, number>();
  for (const e of list) {
    if (e.type === 'STEP_START') starts.set(e.stepKey, (starts.get(e.stepKey) ?? 0) + 1);
    if (e.type === 'STEP_SUCCESS' || e.type === 'STEP_FAILURE') ends.set(e.stepKey, (ends.get(e.stepKey) ?? 0) + 1);
  }
  for (const [key, n] of starts) {
    if (n !== 1) problems.push(`${key}: ${n} STEP_START`);
    if (ends.get(key) !== 1) problems.push(`${key}: ${ends.get(key) ?? 0} STEP_SUCCESS/STEP_FAILURE`);
  }
  for (const key of ends.keys()) if (!starts.has(key)) problems.push(`${key}: end without start`);
  return problems;
}
