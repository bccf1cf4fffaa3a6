import type { Redactor } from '../config/redact.ts';
import { serializeError, type SerializedError } from '../errors.ts';
import { rememberError } from '../events/error-registry.ts';

/**
 * What went wrong in one run: the steps that failed (a canceled step is no failure) and
 * the first error, a step's or not (a resource, a sink, the executor). Errors are kept as
 * events carry them — serialised and redacted — and remembered as thrown, so that
 * `execute` rejects with the error itself.
 */
export class RunFailures {
  /** Keys of the failed steps, in the order they failed. */
  readonly steps: string[] = [];
  /** The first error of the run. */
  first: { readonly stepKey: string | undefined; readonly error: SerializedError } | undefined;
  private readonly redact: Redactor;

  constructor(redact: Redactor) {
    this.redact = redact;
  }

  /** `error` as events carry it: serialised, redacted, and remembered as thrown. */
  serialize(error: unknown): SerializedError {
    const serialized = this.redact(serializeError(error));
    rememberError(serialized, error);
    return serialized;
  }

  /** Step `stepKey` failed with `error` (as {@link serialize} gave it). */
  step(stepKey: string, error: SerializedError): void {
    this.steps.push(stepKey);
    this.first ??= { stepKey, error };
  }

  /** Something other than a step failed the run. */
  other(error: unknown): void {
    const serialized = this.serialize(error);
    this.first ??= { stepKey: undefined, error: serialized };
  }
}
