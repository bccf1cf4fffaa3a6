import type { Redactor } from '../config/redact.ts';
import { InvalidConfigError, InvalidSubsetError, InvariantViolationError, ModeflowError } from '../errors.ts';
import type { PlacedIssue } from './yaml-positions.ts';

/** The body of every error the API answers: `{ error: { message, issues? } }`. */
export interface ApiErrorBody {
  readonly error: { readonly message: string; readonly issues?: readonly PlacedIssue[] };
}

/** A 4xx answer of the playground's API: its status, message and (for config) issues. */
export class ApiError extends ModeflowError {
  override readonly name = 'ApiError';
  readonly status: 400 | 403 | 404 | 409 | 413 | 415;
  readonly issues: readonly PlacedIssue[] | undefined;
  constructor(status: ApiError['status'], message: string, issues?: readonly PlacedIssue[]) {
    super(message);
    this.status = status;
    this.issues = issues;
  }

  /** The JSON body. */
  body(): ApiErrorBody {
    return { error: { message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }

  /** The same error with `redact` applied to every message. */
  redacted(redact: Redactor): ApiError {
    return new ApiError(
      this.status,
      redact(this.message),
      this.issues?.map((i) => ({ ...i, message: redact(i.message) })),
    );
  }
}

/**
 * Why a run cannot start, as a `400`: the run config's issues (placed in the YAML when it
 * came as YAML), or a mode, preset or selection that does not fit the pipeline. Any other
 * error is thrown on.
 */
export function launchError(error: unknown, place: (issues: InvalidConfigError['issues']) => PlacedIssue[]): ApiError {
  if (error instanceof InvalidConfigError) return new ApiError(400, error.message, place(error.issues));
  if (error instanceof InvariantViolationError || error instanceof InvalidSubsetError) return new ApiError(400, error.message);
  throw error;
}
