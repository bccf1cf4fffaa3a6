/**
 * Validates the launchpad's config as the user types: a POST to the validate route a
 * quarter second after the last change, earlier answers dropped (and their requests
 * aborted) when a newer one is on its way.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api/client.ts';
import type { Issue } from '../api/types.ts';

export type ValidationState =
  | { readonly state: 'checking'; readonly issues: readonly Issue[] }
  | { readonly state: 'valid'; readonly issues: readonly Issue[] }
  | { readonly state: 'invalid'; readonly issues: readonly Issue[] }
  | { readonly state: 'error'; readonly issues: readonly Issue[]; readonly message: string };

export interface ValidateInput {
  readonly pipeline: string;
  readonly mode: string;
  readonly yaml: string;
  /** Sent only when it selects a subset (and resolved). */
  readonly select: string | undefined;
  /** Validate the preset's own config (the server has it; the page may not). */
  readonly preset: string | undefined;
}

export const VALIDATE_DELAY_MS = 250;

export function useValidation(input: ValidateInput): ValidationState {
  const [result, setResult] = useState<ValidationState>({ state: 'checking', issues: [] });
  useEffect(() => {
    const abort = new AbortController();
    setResult((r) => ({ state: 'checking', issues: r.issues }));
    const timer = setTimeout(() => {
      const body = input.preset
        ? { preset: input.preset }
        : { mode: input.mode, runConfigYaml: input.yaml, ...(input.select !== undefined ? { select: input.select } : {}) };
      api.validate(input.pipeline, body, abort.signal).then(
        (v) => {
          if (!abort.signal.aborted) setResult({ state: v.valid ? 'valid' : 'invalid', issues: v.issues });
        },
        (error: unknown) => {
          if (abort.signal.aborted) return;
          const e = error instanceof ApiError ? error : new ApiError(String(error), 0);
          // A 400 with issues is an invalid config (a bad mode or selection); anything else the server's trouble.
          if (e.status === 400 || e.status === 404)
            setResult({ state: 'invalid', issues: e.issues.length ? e.issues : [{ path: [], message: e.message }] });
          else setResult({ state: 'error', issues: [], message: e.message });
        },
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [input.pipeline, input.mode, input.yaml, input.select, input.preset]);
  return result;
}
