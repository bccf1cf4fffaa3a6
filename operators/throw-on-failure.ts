import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { RunEvent } from '../lib/events/events.ts';
import { failureOf } from '../lib/events/failure-of.ts';
import { RunAccumulator } from '../lib/events/result.ts';

/**
 * Passes a run's events through and turns its `RUN_FAILURE` into the stream's error, in
 * place of that event: a `StepExecutionError` (`.stepKey` the first failed step, `.cause`
 * the first error, `.result` the run's `RunResult`, folded from its events), the one
 * `execute` rejects with. So RxJS's `retry()` re-runs a failed run and `catchError()`
 * handles it. `RUN_CANCELED` passes and the stream completes (unless other runs it carries
 * are still going): a cancel is not a failure. Events of several runs may share the
 * stream (runs in sequence, or merged); each run is folded on its own, and its events are
 * let go at its terminal event.
 *
 * @example
 * run(etl, { mode: 'prod' }).pipe(throwOnFailure(), retry({ count: 2, delay: 1000 })).subscribe();
 *
 * @throws {StepExecutionError} (as the stream's error) for a `RUN_FAILURE`
 * @throws {ModeflowError} (as the stream's error) if folding an event fails
 */
export function throwOnFailure(): MonoTypeOperatorFunction<RunEvent> {
  return (source) =>
    new Observable<RunEvent>((subscriber) => {
      // One fold per run in flight; most streams hold one run, kept out of the Map.
      let lastId: string | undefined;
      let last: RunAccumulator | undefined;
      const others = new Map<string, RunAccumulator>();
      const foldOf = (runId: string): RunAccumulator => {
        if (runId === lastId) return last!;
        if (last) others.set(lastId!, last);
        let found = others.get(runId);
        if (found) others.delete(runId);
        else found = new RunAccumulator();
        lastId = runId;
        return (last = found);
      };
      const forget = (runId: string): void => {
        if (runId === lastId) lastId = last = undefined;
        else others.delete(runId);
      };
      return source.subscribe({
        next: (event) => {
          const fold = foldOf(event.runId);
          try {
            fold.add(event);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (event.type === 'RUN_FAILURE') {
            forget(event.runId);
            subscriber.error(failureOf(fold.result()));
            return;
          }
          if (event.type === 'RUN_SUCCESS' || event.type === 'RUN_CANCELED') forget(event.runId);
          subscriber.next(event);
          // No other run in flight: the stream is over, as a canceled run's own stream is.
          if (event.type === 'RUN_CANCELED' && last === undefined && others.size === 0) subscriber.complete();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
