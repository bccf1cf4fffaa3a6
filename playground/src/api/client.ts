/**
 * Calls to the playground's HTTP API. Every failure becomes an {@link ApiError} carrying
 * the server's message (and config issues, for a bad launch).
 */
import type { Issue, LaunchRequest, PipelineGraph, PipelineSummary, RunPage, RunRecord, Validation } from './types.ts';

/** A 4xx/5xx answer, or no answer: `message` is the server's own when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly issues: readonly Issue[];
  constructor(message: string, status: number, issues: readonly Issue[] = []) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

const enc = encodeURIComponent;

async function call<T>(path: string, init?: RequestInit & { as?: 'json' | 'text' }): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`api${path}`, init);
  } catch (error) {
    throw new ApiError(`the playground server did not answer (${(error as Error).message}); is \`modeflow ui\` still running?`, 0);
  }
  if (!response.ok) {
    let message = `${init?.method ?? 'GET'} /api${path} failed with ${response.status}`;
    let issues: Issue[] = [];
    try {
      const body = (await response.json()) as { error?: { message?: string; issues?: Issue[] } };
      if (body.error?.message) message = body.error.message;
      issues = body.error?.issues ?? [];
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(message, response.status, issues);
  }
  return (init?.as === 'text' ? response.text() : response.json()) as Promise<T>;
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The API, one method per route of DESIGN's table. */
export const api = {
  pipelines: () => call<PipelineSummary[]>('/pipelines'),
  pipeline: (name: string) => call<PipelineGraph>(`/pipelines/${enc(name)}`),
  schema: (name: string, mode: string) => call<Record<string, unknown>>(`/pipelines/${enc(name)}/modes/${enc(mode)}/schema`),
  scaffold: (name: string, mode: string) => call<string>(`/pipelines/${enc(name)}/modes/${enc(mode)}/scaffold`, { as: 'text' }),
  validate: (name: string, body: { mode?: string; runConfigYaml?: string; select?: string; preset?: string }, signal?: AbortSignal) =>
    call<Validation>(`/pipelines/${enc(name)}/validate`, { ...post(body), ...(signal ? { signal } : {}) }),
  launch: (body: LaunchRequest) => call<{ runId: string }>('/runs', post(body)),
  runs: (limit: number, before?: string | number) =>
    call<RunPage>(`/runs?limit=${limit}${before === undefined ? '' : `&before=${enc(String(before))}`}`),
  run: (id: string) => call<RunRecord>(`/runs/${enc(id)}`),
  cancel: (id: string) => call<string>(`/runs/${enc(id)}/cancel`, { method: 'POST', as: 'text' }),
  /** The URL of a run's event stream (Server-Sent Events). */
  eventsUrl: (id: string) => `api/runs/${enc(id)}/events`,
};
