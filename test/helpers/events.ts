/** Collecting and reading the events of a run. */
import { lastValueFrom, toArray } from 'rxjs';
import { run, type Pipeline, type RunEvent, type RunEventType, type RunOptions } from '../../lib/index.ts';

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

/** Every event of one run, once it completes. */
export function eventsOf(pipeline: Pipeline, options: RunOptions = {}): Promise<RunEvent[]> {
  return lastValueFrom(run(pipeline, options).pipe(toArray()));
}

/** The types of `list`, in order. */
export function typesOf(list: readonly RunEvent[]): RunEventType[] {
  return list.map((e) => e.type);
}

/** The events of `type`, narrowed. */
export function ofType<T extends RunEventType>(list: readonly RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return list.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

/** The step keys of the events of `type`, in order. */
export function stepKeysOf(list: readonly RunEvent[], type: RunEventType): string[] {
  return list.flatMap((e) => (e.type === type && 'stepKey' in e && typeof e.stepKey === 'string' ? [e.stepKey] : []));
}

/** The error a run Observable delivers on subscribe (fails when it completes instead). */
export function subscribeError(pipeline: Pipeline, options: RunOptions = {}): Promise<{ error: unknown; events: RunEvent[] }> {
  return new Promise((resolve, reject) => {
    const events: RunEvent[] = [];
    run(pipeline, options).subscribe({
      next: (e) => events.push(e),
      error: (error: unknown) => resolve({ error, events }),
      complete: () => reject(new Error(`expected an error, the run completed with ${events.map((e) => e.type).join(', ')}`)),
    });
  });
}

/** The broken event invariants of DESIGN's "Public API" in one run's events (none: `[]`). */
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
