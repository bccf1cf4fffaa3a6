import { hostname } from 'node:os';
import type { StoredRun } from './history-store.ts';

/**
 * A run's status as shown: `STARTED` while it is still going, `SUCCESS` | `FAILURE` |
 * `CANCELED` once ended, and `INTERRUPTED` for a run cut off without a terminal event (its
 * process crashed or was killed).
 */
export type ShownRunStatus = 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELED' | 'INTERRUPTED';

/** A run in a list (`GET /api/runs`, `modeflow runs list`). */
export interface RunSummary {
  readonly runId: string;
  readonly pipeline: string;
  readonly mode: string;
  readonly status: ShownRunStatus;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  /** Null while the run goes on, and for an interrupted run. */
  readonly durationMs: number | null;
  readonly tags: Readonly<Record<string, unknown>>;
}

/**
 * Whether a run recorded as `STARTED` is still going: it is live in this process (`liveHere`),
 * or the process that records it still exists on this machine. Otherwise it was cut off.
 */
export function shownStatus(run: StoredRun, liveHere: boolean): ShownRunStatus {
  if (run.status !== 'STARTED') return run.status;
  if (liveHere) return 'STARTED';
  return run.ownerPid !== process.pid && run.ownerHost === hostname() && processExists(run.ownerPid) ? 'STARTED' : 'INTERRUPTED';
}

/** The summary of a stored run. */
export function summarize(run: StoredRun, liveHere: boolean): RunSummary {
  return {
    runId: run.runId,
    pipeline: run.pipeline,
    mode: run.mode,
    status: shownStatus(run, liveHere),
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    tags: run.tags,
  };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
