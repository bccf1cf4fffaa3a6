import { Observable, type OperatorFunction } from 'rxjs';
import { ModeflowError } from '../lib/errors.ts';
import type { RunEvent } from '../lib/events/events.ts';
import { originalOf } from '../lib/events/json-safe.ts';
import type { HasResult, OutputsOf, ResultOf } from '../lib/events/result.ts';
import { isSolid } from '../lib/define/solid.ts';
import type { AnySolid } from '../lib/define/solid-types.ts';

/**
 * The values of one solid's output, out of a run's events: each step's values are emitted,
 * in order, when that step succeeds, so values of an attempt that failed (and was retried)
 * or of a step that failed never appear. Given the solid's definition (or its `.alias()`),
 * the values are typed; given a name, it is the invocation name (`double_2`). A fanned
 * solid's steps (`double[0]`, `double[1]`, …) each emit as they succeed. The values are
 * those the solid emitted (not the JSON-safe copies events show).
 *
 * @example
 * run(numbersPipeline).pipe(outputs(double)).subscribe((n) => console.log(n)); // n: number
 * run(numbersPipeline).pipe(outputs(split, 'even'));
 *
 * @throws {ModeflowError} (at once) when the definition declares no such output
 */
export function outputs<S extends AnySolid, K extends keyof OutputsOf<S> & string>(
  solid: S,
  output: K,
): OperatorFunction<RunEvent, OutputsOf<S>[K]>;
export function outputs<S extends AnySolid>(solid: S & HasResult<S>): OperatorFunction<RunEvent, ResultOf<S>>;
export function outputs(solid: string, output?: string): OperatorFunction<RunEvent, unknown>;
export function outputs(which: string | AnySolid, output = 'result'): OperatorFunction<RunEvent, unknown> {
  const name = isSolid(which) ? which.invocationName : which;
  if (isSolid(which) && !Object.hasOwn(which.outputs, output)) {
    throw new ModeflowError(
      `outputs(): solid "${which.name}" has no output "${output}"; its outputs are: ${Object.keys(which.outputs).join(', ')}`,
    );
  }
  if (typeof name !== 'string') throw new ModeflowError(`outputs() takes a solid definition or an invocation name, got ${typeof which}`);
  return (source) =>
    new Observable<unknown>((subscriber) => {
      // Per step (of each run): the values of its current attempt, held until it succeeds.
      const pending = new Map<string, { attempt: number; values: unknown[] }>();
      return source.subscribe({
        next: (event) => {
          if (!('solid' in event) || event.solid !== name) return;
          switch (event.type) {
            case 'STEP_OUTPUT': {
              if (event.output !== output) return;
              const key = `${event.runId}\0${event.stepKey}`;
              const held = pending.get(key);
              const value = originalOf(event, event.value);
              if (held && held.attempt === event.attempt) held.values.push(value);
              else pending.set(key, { attempt: event.attempt, values: [value] });
              return;
            }
            case 'STEP_SUCCESS': {
              const key = `${event.runId}\0${event.stepKey}`;
              const held = pending.get(key);
              if (!held) return;
              pending.delete(key);
              if (held.attempt !== event.attempt) return;
              for (const value of held.values) subscriber.next(value);
              return;
            }
            case 'STEP_RETRY':
            case 'STEP_FAILURE':
              pending.delete(`${event.runId}\0${event.stepKey}`);
              return;
            default:
              return;
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
