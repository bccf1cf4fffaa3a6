import type { RetryPolicy } from '../define/solid-types.ts';

/** Whether a failed attempt is tried again, and after how long. */
export interface RetryDecision {
  readonly retry: boolean;
  readonly delayMs: number;
}

/**
 * Decides what follows a failed attempt. `RetryRequested` (recognised by name, so a copy
 * of the library in a worker counts too) may override the policy's `maxRetries` and
 * `delayMs`; it asks for one retry when neither it nor the policy says how many.
 * Exponential backoff doubles the delay per attempt.
 *
 * @example
 * const { retry, delayMs } = retryDecision(solid.retry, error, attempt); // attempt: 1 for the first
 */
export function retryDecision(policy: RetryPolicy | undefined, error: unknown, attempt: number): RetryDecision {
  const requested = isRetryRequested(error) ? error : undefined;
  const maxRetries = requested?.maxRetries ?? policy?.maxRetries ?? (requested ? 1 : 0);
  const base = requested?.delayMs ?? policy?.delayMs ?? 0;
  const delayMs = policy?.backoff === 'exponential' ? base * 2 ** (attempt - 1) : base;
  return { retry: attempt <= maxRetries, delayMs };
}

function isRetryRequested(error: unknown): error is { maxRetries?: number; delayMs?: number } {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'RetryRequested';
}
