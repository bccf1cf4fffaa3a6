import { isObservable, Observable, type Subscription } from 'rxjs';
import { ModeflowError } from '../errors.ts';
import { isThenable } from '../support/maybe-async.ts';
import type { StepMessage } from '../define/step-request.ts';
import type { AnySolid, SolidContext } from '../define/solid-types.ts';

/** Receives what one compute attempt produces (see {@link invokeCompute}). */
export interface ComputeSink {
  /** One value of output `name` (`result` for a solid with one output). */
  output(name: string, value: unknown): void;
  /** The compute finished: every value has been given. */
  done(): void;
  /** The compute threw, rejected or errored (or returned what its outputs cannot be). */
  fail(error: unknown): void;
}

/** A running compute: how to stop it, and when it has really stopped. */
export interface RunningCompute {
  /** Stops listening to it (and unsubscribes an Observable, returns an AsyncIterable). */
  cancel(): void;
  /** Resolves once the compute's own work has settled (for a grace period on cancel). */
  readonly settled: Promise<void> | undefined;
}

/**
 * Calls a solid's compute and feeds what it returns — a value, a Promise, an Observable
 * or an AsyncIterable — into `sink`, splitting objects into named outputs for solids
 * with several outputs. What the engine does for each attempt run in process, and what
 * code running steps elsewhere calls (see {@link runStep} for an Observable instead).
 * Neither type checks nor freezes: the run does that with what comes back.
 *
 * @example
 * const running = invokeCompute(node.solid, new StepContext(source), inputs, {
 *   output: (name, value) => send({ type: 'output', output: name, value }),
 *   done: () => finish(),
 *   fail: (error) => finish(error),
 * });
 *
 * @returns the running compute, or undefined when it finished synchronously; never throws
 *   (what the compute throws goes to `sink.fail`)
 */
export function invokeCompute(
  solid: AnySolid,
  ctx: SolidContext,
  inputs: Record<string, unknown>,
  sink: ComputeSink,
): RunningCompute | undefined {
  let result: unknown;
  try {
    result = solid.compute(ctx, inputs);
  } catch (error) {
    sink.fail(error);
    return undefined;
  }
  const emit = (value: unknown): boolean => emitValue(solid, value, sink);
  if (isThenable(result)) {
    let live = true;
    const settled = Promise.resolve(result).then(
      (value) => {
        if (live && emit(value)) sink.done();
      },
      (error: unknown) => {
        if (live) sink.fail(error);
      },
    );
    return { cancel: () => void (live = false), settled };
  }
  if (isObservable(result)) {
    let finished = false;
    // A synchronous source emits inside subscribe(), before `subscription` is assigned:
    // a bad value then stops it once subscribe() returns.
    let subscription: Subscription | undefined;
    let rejected = false;
    subscription = result.subscribe({
      next: (value) => {
        if (rejected || emit(value)) return;
        rejected = finished = true;
        subscription?.unsubscribe();
      },
      error: (error: unknown) => {
        if (rejected) return;
        finished = true;
        sink.fail(error);
      },
      complete: () => {
        if (rejected) return;
        finished = true;
        sink.done();
      },
    });
    if (rejected) subscription.unsubscribe();
    if (finished) return undefined;
    const running = subscription;
    return { cancel: () => running.unsubscribe(), settled: undefined };
  }
  if (isAsyncIterable(result)) {
    let iterator: AsyncIterator<unknown>;
    try {
      iterator = result[Symbol.asyncIterator]();
    } catch (error) {
      sink.fail(error);
      return undefined;
    }
    let live = true;
    const settled = (async () => {
      try {
        for (;;) {
          const step = await iterator.next();
          if (!live) return;
          if (step.done) break;
          if (!emit(step.value)) {
            live = false;
            await iterator.return?.();
            return;
          }
        }
        sink.done();
      } catch (error) {
        if (live) sink.fail(error);
      }
    })();
    return {
      cancel: () => {
        live = false;
        void Promise.resolve(iterator.return?.()).catch(() => undefined);
      },
      settled,
    };
  }
  if (emit(result)) sink.done();
  return undefined;
}

/**
 * Hands one emitted value to the sink: as `result`, or split by output name for solids
 * with several outputs (absent and `undefined` keys are not produced). Returns false
 * (after failing the sink) when the value names outputs the solid does not declare.
 */
export function emitValue(solid: AnySolid, value: unknown, sink: ComputeSink): boolean {
  if (!solid.multipleOutputs) {
    sink.output('result', value);
    return true;
  }
  if (value === undefined || value === null) return true;
  if (typeof value !== 'object' || Array.isArray(value)) {
    sink.fail(
      new ModeflowError(
        `solid "${solid.name}" declares several outputs (${Object.keys(solid.outputs).join(', ')}), so compute ` +
          `must return objects keyed by output name; it returned ${Array.isArray(value) ? 'an array' : typeof value}`,
      ),
    );
    return false;
  }
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(solid.outputs, key)) {
      sink.fail(
        new ModeflowError(
          `solid "${solid.name}" returned output "${key}", which it does not declare; its outputs are: ` +
            Object.keys(solid.outputs).join(', '),
        ),
      );
      return false;
    }
  }
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) sink.output(key, v);
  }
  return true;
}

/**
 * One compute attempt as a cold Observable of step messages: {@link invokeCompute} as an
 * Observable, for executors that run steps themselves. Unsubscribing cancels the compute.
 *
 * @example
 * runStep(solid, ctx, inputs).subscribe({ next: (m) => send(m), complete: () => done(), error: (e) => fail(e) });
 */
export function runStep(solid: AnySolid, ctx: SolidContext, inputs: Record<string, unknown>): Observable<StepMessage> {
  return new Observable<StepMessage>((subscriber) => {
    const running = invokeCompute(solid, ctx, inputs, {
      output: (output, value) => subscriber.next({ type: 'output', output, value }),
      done: () => subscriber.complete(),
      fail: (error) => subscriber.error(error),
    });
    return () => running?.cancel();
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}
