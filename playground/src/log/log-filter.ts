/**
 * The event log's filters (step, type, level, text) and the index of matching events,
 * kept up to date as events stream in: appending costs only the new events; changing a
 * filter rescans once (a 40,000-event run in a few milliseconds).
 */
import { describeEvent } from '../../../lib/events/describe-event.ts';
import type { RunEvent, RunEventType } from '../../../lib/events/events.ts';
import type { LevelName } from '../../../lib/define/log.ts';

export type { LevelName };

/** Levels from the most verbose; a level filter shows its level and those after it. */
export const LEVELS: readonly LevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface LogFilter {
  /** A solid or a step key; blank for every step. */
  readonly step: string;
  /** Event types shown; empty shows every type. */
  readonly types: ReadonlySet<RunEventType>;
  /** The least level shown. */
  readonly minLevel: LevelName;
  /** Words the event's text must contain (case-insensitive); blank for any. */
  readonly text: string;
}

export const NO_FILTER: LogFilter = { step: '', types: new Set(), minLevel: 'trace', text: '' };

/**
 * The level of an event: a LOG's own; failures (a hook's too) `error`; retries, skips and cancels `warn`;
 * inputs, outputs and resource starts `debug`; the rest `info`.
 *
 * @example
 * eventLevel({ type: 'STEP_FAILURE', … }); // 'error'
 */
export function eventLevel(event: RunEvent): LevelName {
  switch (event.type) {
    case 'LOG':
      return event.level;
    case 'STEP_FAILURE':
      return event.canceled ? 'warn' : 'error';
    case 'RUN_FAILURE':
    case 'HOOK_ERRORED':
      return 'error';
    // As the log sinks rate them: a loss the executor recovered from (a dead queue worker's) is a warning.
    case 'RESOURCE_INIT_FAILURE':
      return event.redelivered ? 'warn' : 'error';
    case 'RESOURCE_TEARDOWN':
      return event.error ? (event.redelivered ? 'warn' : 'error') : 'debug';
    case 'STEP_RETRY':
    case 'STEP_SKIPPED':
    case 'RUN_CANCELED':
      return 'warn';
    case 'STEP_INPUT':
    case 'STEP_OUTPUT':
    case 'RESOURCE_INIT_START':
    case 'RESOURCE_INIT_SUCCESS':
      return 'debug';
    default:
      return 'info';
  }
}

const rank = new Map(LEVELS.map((level, i) => [level, i]));

/** True when `event` passes `filter`. */
export function matchesFilter(event: RunEvent, filter: LogFilter): boolean {
  if (filter.step !== '') {
    const e = event as { stepKey?: string; solid?: string };
    if (e.stepKey !== filter.step && e.solid !== filter.step) return false;
  }
  if (filter.types.size > 0 && !filter.types.has(event.type)) return false;
  if (filter.minLevel !== 'trace' && (rank.get(eventLevel(event)) ?? 0) < (rank.get(filter.minLevel) ?? 0)) return false;
  if (filter.text !== '') {
    const needle = filter.text.toLowerCase();
    const e = event as { stepKey?: string };
    if (!describeEvent(event).toLowerCase().includes(needle) && !(e.stepKey ?? '').toLowerCase().includes(needle)) return false;
  }
  return true;
}

/** True when nothing is filtered out. */
export function isUnfiltered(filter: LogFilter): boolean {
  return filter.step === '' && filter.types.size === 0 && filter.minLevel === 'trace' && filter.text === '';
}

/**
 * The positions of the events that pass a filter, in order. With no filter the positions
 * are not stored at all: row i is event i.
 */
export class FilteredIndex {
  private matched: number[] = [];
  private scanned = 0;
  private all: boolean;
  private filter: LogFilter;

  constructor(filter: LogFilter = NO_FILTER) {
    this.filter = filter;
    this.all = isUnfiltered(filter);
  }

  /** Takes in the events appended since the last call. */
  update(events: readonly RunEvent[]): void {
    if (this.all) {
      this.scanned = events.length;
      return;
    }
    for (let i = this.scanned; i < events.length; i++) if (matchesFilter(events[i]!, this.filter)) this.matched.push(i);
    this.scanned = events.length;
  }

  /** Applies another filter to every event so far. */
  reset(filter: LogFilter, events: readonly RunEvent[]): void {
    this.filter = filter;
    this.all = isUnfiltered(filter);
    this.matched = [];
    this.scanned = 0;
    this.update(events);
  }

  get size(): number {
    return this.all ? this.scanned : this.matched.length;
  }

  /** The event position of row `row`. */
  at(row: number): number {
    return this.all ? row : this.matched[row]!;
  }
}
