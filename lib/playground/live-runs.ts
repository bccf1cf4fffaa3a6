import { randomUUID } from 'node:crypto';
import type { Pipeline } from '../define/pipeline.ts';
import { isTerminal } from '../events/events.ts';
import type { RunState } from '../events/run-state.ts';
import type { HistoryStore, StoredEvent } from '../history/history-store.ts';
import { RunRecorder } from '../history/run-recorder.ts';
import type { RunOptions } from '../plan/prepare.ts';
import { run } from '../run.ts';

/** Hears each event of a live run as recorded (its sequence number and JSON). */
export type RunListener = (event: StoredEvent, terminal: boolean) => void;

/** A run going on in this process, launched by the playground. */
export class LiveRun {
  readonly runId: string;
  /** The pipeline's name. */
  readonly pipeline: string;
  /** When it was launched (epoch ms); its RUN_START may come a little later. */
  readonly launchedAt = Date.now();
  readonly recorder: RunRecorder;
  readonly controller = new AbortController();
  /** Settles once the run's stream has completed (its terminal event recorded). */
  readonly done: Promise<void>;
  private readonly listeners = new Set<RunListener>();
  private settle!: () => void;
  ended = false;

  constructor(runId: string, pipeline: string, recorder: RunRecorder) {
    this.runId = runId;
    this.pipeline = pipeline;
    this.recorder = recorder;
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  /** The run state so far. */
  get state(): RunState {
    return this.recorder.state;
  }

  /** Calls `listener` for each event from now on; returns what stops it. */
  listen(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the run to cancel: it ends `RUN_CANCELED`, its resources torn down. */
  cancel(): void {
    this.controller.abort();
  }

  push(stored: StoredEvent, terminal: boolean): void {
    if (terminal) this.ended = true;
    for (const listener of this.listeners) listener(stored, terminal);
  }

  end(): void {
    this.ended = true;
    this.recorder.flush();
    this.listeners.clear();
    this.settle();
  }
}

/**
 * The runs the playground launched that are still going: each runs in this process with the
 * same engine and executors as the CLI, and is recorded to the history as it goes.
 */
export class LiveRuns {
  private readonly runs = new Map<string, LiveRun>();
  private readonly store: HistoryStore;
  private readonly onRecordError: (error: unknown) => void;

  constructor(store: HistoryStore, onRecordError: (error: unknown) => void) {
    this.store = store;
    this.onRecordError = onRecordError;
  }

  /**
   * Starts a run. Returns once the run is prepared (mode, preset, config and selection
   * checked); its events keep coming after.
   *
   * @throws {InvariantViolationError | InvalidConfigError | InvalidSubsetError} when the run cannot start
   */
  launch(pipeline: Pipeline, options: Omit<RunOptions, 'runId' | 'signal' | 'raiseOnError'>): LiveRun {
    const runId = randomUUID();
    const live = new LiveRun(runId, pipeline.name, new RunRecorder(this.store, { onError: this.onRecordError }));
    this.runs.set(runId, live);
    let preparing = true;
    let notStarted: { error: unknown } | undefined;
    run(pipeline, { ...options, runId, signal: live.controller.signal }).subscribe({
      next: (event) => live.push(live.recorder.add(event), isTerminal(event)),
      error: (error: unknown) => {
        // Errors found while preparing arrive inside subscribe(); a run never errors after.
        if (preparing) notStarted = { error };
        else this.onRecordError(error);
        this.finish(live);
      },
      complete: () => this.finish(live),
    });
    preparing = false;
    if (notStarted) throw notStarted.error;
    return live;
  }

  /** The live run with this id, or undefined once it has ended (or was never here). */
  get(runId: string): LiveRun | undefined {
    return this.runs.get(runId);
  }

  /** How many runs are going on. */
  get size(): number {
    return this.runs.size;
  }

  /** Cancels every live run and waits for each to end (resources torn down). */
  async cancelAll(): Promise<void> {
    const all = [...this.runs.values()];
    for (const live of all) live.cancel();
    await Promise.all(all.map((live) => live.done));
  }

  private finish(live: LiveRun): void {
    this.runs.delete(live.runId);
    live.end();
  }
}
