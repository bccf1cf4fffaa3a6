import { Observable, type Subscription } from 'rxjs';
import type { Pipeline } from './define/pipeline.ts';
import { startRun } from './engine/run-engine.ts';
import { failureOf } from './events/failure-of.ts';
import type { RunEvent } from './events/events.ts';
import { RunAccumulator, type RunResult } from './events/result.ts';
import { prepare, type RunOptions } from './plan/prepare.ts';

/**
 * Runs a pipeline as a cold Observable of events. Subscribing starts the run (with the
 * sync executor and synchronous solids it finishes inside `subscribe()`); unsubscribing
 * cancels it: `ctx.signal` aborts, running steps stop, resources are torn down and the
 * loggers get `RUN_CANCELED`. The stream starts with `RUN_START`, ends with one terminal
 * event, and never errors for failures inside the run.
 *
 * @example
 * run(queryPipeline, { mode: 'local_dev' }).subscribe((event) => console.log(event.type));
 *
 * Errors found before the run starts are the Observable's error:
 * @throws {InvariantViolationError} mode or preset resolution
 * @throws {InvalidConfigError} run config, with every issue
 * @throws {InvalidSubsetError} selection
 */
export function run<M extends string>(pipeline: Pipeline<M>, options: RunOptions<NoInfer<M>> = {}): Observable<RunEvent> {
  return new Observable<RunEvent>((subscriber) => {
    let prepared;
    try {
      prepared = prepare(pipeline, options);
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    return startRun(prepared, subscriber);
  });
}

/**
 * Runs a pipeline and resolves with its {@link RunResult}. Never throws synchronously.
 *
 * @example
 * const result = await execute(queryPipeline, { mode: 'local_dev' });
 * result.output('count_rows');
 *
 * @throws {StepExecutionError} (a rejection) when the run fails or is canceled, unless
 *   `raiseOnError: false`; `.result` keeps the partial result, `.cause` the first error
 * @throws {InvariantViolationError | InvalidConfigError | InvalidSubsetError} (a rejection)
 *   for problems found before the run starts, whatever `raiseOnError` says
 */
export function execute<M extends string>(pipeline: Pipeline<M>, options: RunOptions<NoInfer<M>> = {}): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    const accumulator = new RunAccumulator();
    // An error met while folding rejects and stops the run (as toRunResult errors its stream).
    let failed = false;
    const fold = (step: () => void): void => {
      if (failed) return;
      try {
        step();
      } catch (error) {
        failed = true;
        reject(error);
        subscription?.unsubscribe();
      }
    };
    let subscription: Subscription | undefined;
    subscription = run(pipeline, options).subscribe({
      next: (event) => fold(() => accumulator.add(event)),
      error: reject,
      complete: () =>
        fold(() => {
          const result = accumulator.result(pipeline);
          if (result.success || options.raiseOnError === false) resolve(result);
          else reject(failureOf(result));
        }),
    });
    // Failed while subscribe() ran the run synchronously: stop it now that it can be stopped.
    if (failed) subscription.unsubscribe();
  });
}
