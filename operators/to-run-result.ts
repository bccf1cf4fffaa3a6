import { Observable, type OperatorFunction } from 'rxjs';
import type { Pipeline } from '../lib/define/pipeline.ts';
import type { RunEvent } from '../lib/events/events.ts';
import { RunAccumulator, type RunResult } from '../lib/events/result.ts';

/**
 * Folds a run's events into one {@link RunResult}, emitted when the run completes.
 * The stream must hold the events of one run: an event of a second run errors it.
 *
 * @example
 * run(p, { mode: 'test' }).pipe(toRunResult(p)).subscribe((result) => console.log(result.status));
 *
 * @throws {ModeflowError} (as the stream's error) when events of two runs arrive, naming both
 *   run ids; any error met while folding is the stream's error too, never thrown out of it
 */
export function toRunResult(pipeline: Pipeline): OperatorFunction<RunEvent, RunResult> {
  return (source) =>
    new Observable<RunResult>((subscriber) => {
      const accumulator = new RunAccumulator();
      // A throw inside a subscriber callback would escape to RxJS's unhandled-error report
      // (a crash, and a run that never settles): the fold errors its own stream instead.
      const guarded = (fold: () => void): void => {
        try {
          fold();
        } catch (error) {
          subscriber.error(error);
        }
      };
      return source.subscribe({
        next: (event) => guarded(() => accumulator.add(event)),
        error: (error: unknown) => subscriber.error(error),
        complete: () =>
          guarded(() => {
            subscriber.next(accumulator.result(pipeline));
            subscriber.complete();
          }),
      });
    });
}
