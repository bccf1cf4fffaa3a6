import { inspect } from 'node:util';
import { ModeflowError, type SerializedError } from '../errors.ts';
import type { OutputDifference } from './compare-outputs.ts';

/** What stopped a benchmark: a run that did not succeed, or executors that disagree. */
export type BenchmarkFailure =
  | {
      readonly kind: 'run-failed';
      /** The executor's label. */
      readonly executor: string;
      /** `cold start`, `warm-up run 2 of 2`, `run 3 of 10`. */
      readonly run: string;
      /** `FAILURE` or `CANCELED`. */
      readonly status: string;
      /** The first failed step, when a step failed. */
      readonly stepKey?: string;
      readonly error?: SerializedError;
    }
  | {
      readonly kind: 'outputs-differ';
      readonly executor: string;
      /** The executor whose outputs it was compared with (the first one). */
      readonly baseline: string;
      readonly difference: OutputDifference;
    };

/**
 * A benchmark stopped because a run failed or was canceled, or because an executor's
 * outputs differ from the first executor's (the figures would compare different work).
 * `failure` holds the facts; the message names the executor and the first difference.
 * The CLI exits 1 with it (130 when canceled).
 */
export class BenchmarkError extends ModeflowError {
  override readonly name = 'BenchmarkError';
  readonly failure: BenchmarkFailure;
  constructor(failure: BenchmarkFailure, options?: { cause?: unknown }) {
    super(messageOf(failure), options);
    this.failure = failure;
  }
}

function messageOf(failure: BenchmarkFailure): string {
  if (failure.kind === 'run-failed') {
    const what = failure.status === 'CANCELED' ? 'was canceled' : 'failed';
    const step = failure.stepKey === undefined ? '' : `: step "${failure.stepKey}"`;
    const error = failure.error ? `: ${failure.error.name}: ${failure.error.message}` : '';
    return `executor ${failure.executor}: ${failure.run} ${what}${step}${error}`;
  }
  const { difference: d, executor, baseline } = failure;
  const where = d.output === undefined ? `solid "${d.solid}"` : `solid "${d.solid}", output "${d.output}"${d.path ? ` at ${d.path}` : ''}`;
  const why = d.why === undefined || d.why === 'status' ? '' : ` (${d.why})`;
  const what = d.output === undefined ? 'ended' : 'gave';
  return (
    `executor ${executor} gave other outputs than ${baseline}: ${where}: ` +
    `${baseline} ${what} ${show(d.a)}, ${executor} ${what} ${show(d.b)}${why}. ` +
    `The figures would compare different work, so the bench stops here; if the output depends on time or chance, ` +
    `bench with --no-check (checkOutputs: false)`
  );
}

/** A short one-line rendering of a value for the message. */
export function show(value: unknown): string {
  return inspect(value, { depth: 2, breakLength: Infinity, maxArrayLength: 8, maxStringLength: 60, compact: true });
}
