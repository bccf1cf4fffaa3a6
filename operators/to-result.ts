import { Observable, type OperatorFunction } from 'rxjs';
import type { RunEvent } from '../lib/events.ts';
import type { Pipeline } from '../lib/pipeline.ts';
import { RunAccumulator, type RunResult } from '../lib/result.ts';

/**
 * Folds a run's events into one {@link RunResult}, emitted when the run completes.
 *
 * @example
 * run(p, { mode: 'test' }).pipe(toRunResult(p)).subscribe((result) => console.log(result.status));
 */
export function toRunResult(pipeline: Pipeline): OperatorFunction<RunEvent, RunResult> {
  return (source) =>
    new Observable<RunResult>((subscriber) => {
      const accumulator = new RunAccumulator();
      return source.subscribe({
        next: (event) => accumulator.add(event),
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          subscriber.next(accumulator.result(pipeline));
          subscriber.complete();
        },
      });
    });
}
