import { hostname } from 'node:os';
import { isTerminal, type RunEvent } from '../events/events.ts';
import { applyEvent, initialRunState, type RunState } from '../events/run-state.ts';
import type { HistoryStore, RunEnding, StoredEvent } from './history-store.ts';

/** Events written to the file in one transaction, at most; more wait for the next one. */
const BATCH = 512;

/**
 * Records one run into a {@link HistoryStore} as it goes: the run's row at `RUN_START`,
 * each event numbered from 1 (written in small batches, at the latest on the next turn of
 * the event loop, so a process that dies leaves the events it had), and the ending with
 * the final run state at the terminal event. Keeps the run state (`state`) as it goes.
 *
 * A failing write (a full disk) does not stop the run: `onError` hears it once and the
 * recorder stops writing.
 *
 * @example
 * const recorder = new RunRecorder(store);
 * run(p).subscribe((event) => recorder.add(event));
 */
export class RunRecorder {
  /** The run state folded from every event so far. */
  readonly state: RunState = initialRunState();
  private readonly store: HistoryStore;
  private readonly onError: (error: unknown) => void;
  private key: number | undefined;
  private seq = 0;
  private pending: StoredEvent[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private failed = false;

  constructor(store: HistoryStore, options: { onError?: (error: unknown) => void } = {}) {
    this.store = store;
    this.onError = options.onError ?? (() => undefined);
  }

  /** The sequence number the next event gets. */
  get nextSeq(): number {
    return this.seq + 1;
  }

  /** Records one event; returns it as stored (its sequence number and JSON). */
  add(event: RunEvent): StoredEvent {
    const stored: StoredEvent = { seq: ++this.seq, type: event.type, json: eventJson(event) };
    applyEvent(this.state, event);
    if (event.type === 'RUN_START') {
      this.write(() => {
        this.key = this.store.addRun({
          runId: event.runId,
          pipeline: event.pipelineName,
          mode: event.mode,
          startedAt: event.timestamp,
          runConfig: event.runConfig,
          select: event.select,
          tags: event.tags,
          preset: event.preset,
          executor: event.executor,
          ownerPid: process.pid,
          ownerHost: hostname(),
        });
      });
    }
    this.pending.push(stored);
    if (isTerminal(event)) {
      const state = this.state;
      this.flush({
        status: state.status === 'SUCCESS' || state.status === 'FAILURE' ? state.status : 'CANCELED',
        endedAt: event.timestamp,
        durationMs:
          'durationMs' in event && typeof event.durationMs === 'number'
            ? event.durationMs
            : event.timestamp - (state.startedAt ?? event.timestamp),
        stateJson: JSON.stringify(state),
      });
    } else if (this.pending.length >= BATCH) {
      this.flush();
    } else {
      this.scheduled ??= setImmediate(() => this.flush());
    }
    return stored;
  }

  /** Writes the events not written yet (and, at the terminal event, how the run ended). */
  flush(ending?: RunEnding): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.pending.length === 0 && !ending) return;
    const batch = this.pending;
    this.pending = [];
    this.write(() => {
      if (this.key !== undefined) this.store.appendEvents(this.key, batch, this.seq, ending);
    });
  }

  private write(fn: () => void): void {
    if (this.failed) return;
    try {
      fn();
    } catch (error) {
      this.failed = true;
      this.onError(error);
    }
  }
}

/** An event as JSON; a value JSON cannot hold (a bigint) is written as a string. */
export function eventJson(event: RunEvent): string {
  try {
    return JSON.stringify(event);
  } catch {
    return JSON.stringify(event, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  }
}
