import type { Pipeline } from '../define/pipeline.ts';
import type { StepFailureEvent } from '../events/events.ts';
import type { RunResult } from '../events/result.ts';
import type { RunOptions } from '../plan/prepare.ts';
import { execute, run } from '../run.ts';
import { BenchmarkError } from './benchmark-error.ts';

/** Which run of which executor, for the error when it fails. */
export interface RunLabel {
  readonly executor: string;
  /** `cold start`, `warm-up run 1 of 2`, `run 3 of 10`. */
  readonly run: string;
}

/**
 * The first run of an executor: the whole result is kept, to compare its outputs with
 * another executor's. Resolves with the result and the steps that ran.
 *
 * @throws {BenchmarkError} when the run fails or is canceled
 */
export async function firstRun(pipeline: Pipeline, options: RunOptions, label: RunLabel): Promise<{ result: RunResult; steps: number }> {
  const result = await execute(pipeline, { ...options, raiseOnError: false });
  if (!result.success) {
    const failed = result.events.find((e): e is StepFailureEvent => e.type === 'STEP_FAILURE');
    const terminal = result.events.at(-1);
    const error = failed?.error ?? (terminal?.type === 'RUN_FAILURE' ? terminal.error : undefined);
    throw new BenchmarkError({
      kind: 'run-failed',
      ...label,
      status: result.status,
      ...(failed ? { stepKey: failed.stepKey } : {}),
      ...(error ? { error } : {}),
    });
  }
  let steps = 0;
  for (const event of result.events) if (event.type === 'STEP_START') steps++;
  return { result, steps };
}

/**
 * A timed run: subscribes to the run and keeps only what it must (no result is folded,
 * so the time is the run's own), resolving once it ends.
 *
 * @throws {BenchmarkError} when the run fails or is canceled
 */
export function timedRun(pipeline: Pipeline, options: RunOptions, label: () => RunLabel): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed: StepFailureEvent | undefined;
    let ending: { status: string; error?: StepFailureEvent['error'] | undefined } | undefined;
    run(pipeline, options).subscribe({
      next: (event) => {
        switch (event.type) {
          case 'STEP_FAILURE':
            failed ??= event;
            break;
          case 'RUN_SUCCESS':
            ending = { status: 'SUCCESS' };
            break;
          case 'RUN_FAILURE':
            ending = { status: 'FAILURE', error: event.error };
            break;
          case 'RUN_CANCELED':
            ending = { status: 'CANCELED' };
            break;
        }
      },
      error: reject,
      complete: () => {
        if (ending?.status === 'SUCCESS') return resolve();
        const error = failed?.error ?? ending?.error;
        reject(
          new BenchmarkError({
            kind: 'run-failed',
            ...label(),
            status: ending?.status ?? 'FAILURE',
            ...(failed ? { stepKey: failed.stepKey } : {}),
            ...(error ? { error } : {}),
          }),
        );
      },
    });
  });
}
