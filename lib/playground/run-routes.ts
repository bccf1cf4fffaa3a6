/** The run half of the API: launch, list, one run, its events (SSE), cancel. */
import type { Hono } from 'hono';
import type { SSEStreamingApi } from 'hono/streaming';
import { applyEvent, initialRunState, type RunState } from '../events/run-state.ts';
import type { RunEvent } from '../events/events.ts';
import type { HistoryStore, StoredRun } from '../history/history-store.ts';
import { shownStatus, summarize } from '../history/run-summary.ts';
import { ApiError, launchError } from './api-error.ts';
import type { LiveRuns } from './live-runs.ts';
import type { PipelineCatalog } from './pipeline-catalog.ts';
import { given, launchBody, readBody } from './request-body.ts';
import { readRunRequest } from './run-request.ts';
import { runEventStream } from './run-event-stream.ts';

/** Runs per page of `GET /api/runs` unless `limit` says otherwise, and the most it may say. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export interface RunRoutesContext {
  readonly catalog: PipelineCatalog;
  readonly runs: LiveRuns;
  readonly store: HistoryStore;
  /** Open event streams, ended when the server closes. */
  readonly streams: Set<SSEStreamingApi>;
}

export function runRoutes(app: Hono, { catalog, runs, store, streams }: RunRoutesContext): void {
  app.post('/api/runs', async (c) => {
    const body = await readBody(c, launchBody);
    const pipeline = catalog.get(body.pipeline);
    const request = readRunRequest(pipeline, body);
    if ('issues' in request) throw new ApiError(400, 'the run config is not valid YAML', request.issues).redacted(request.redact);
    try {
      const tags = given(body.tags);
      const live = runs.launch(pipeline, {
        ...(request.mode === undefined ? {} : { mode: request.mode }),
        ...(request.preset === undefined ? {} : { preset: request.preset }),
        ...(request.runConfig === undefined ? {} : { runConfig: request.runConfig }),
        ...(request.select === undefined ? {} : { select: request.select }),
        ...(tags === undefined ? {} : { tags }),
      });
      return c.json({ runId: live.runId }, 201);
    } catch (error) {
      throw launchError(error, request.place).redacted(request.redact);
    }
  });

  app.get('/api/runs', (c) => {
    const limit = integerQuery(c.req.query('limit'), 'limit', DEFAULT_LIMIT);
    if (limit < 1 || limit > MAX_LIMIT) throw new ApiError(400, `limit must be 1 to ${MAX_LIMIT}, got ${limit}`);
    const before = c.req.query('before');
    const page = store.listRuns({ limit: limit + 1, before: before === undefined ? undefined : integerQuery(before, 'before', 0) });
    const shown = page.slice(0, limit);
    const next = page.length > limit ? String(shown[shown.length - 1]!.key) : undefined;
    return c.json({ runs: shown.map((r) => summarize(r, runs.get(r.runId) !== undefined)), ...(next ? { next } : {}) });
  });

  app.get('/api/runs/:id', (c) => {
    const runId = c.req.param('id');
    const live = runs.get(runId);
    const stored = store.getRun(runId);
    if (!stored) {
      if (!live) throw new ApiError(404, `no run "${runId}" in this playground's history`);
      // Launched, not started yet (its loggers are opening): what is known so far.
      return c.json({
        runId,
        pipeline: live.pipeline,
        mode: live.state.mode ?? null,
        status: 'STARTED',
        startedAt: live.launchedAt,
        durationMs: null,
        runConfig: null,
        select: null,
        tags: {},
        state: live.state,
      });
    }
    return c.json({
      ...summarize(stored, live !== undefined),
      runConfig: stored.runConfig,
      select: stored.select,
      state: live ? live.state : finalState(store, stored),
    });
  });

  app.get('/api/runs/:id/events', (c) => runEventStream(c, c.req.param('id'), runs, store, streams));

  app.post('/api/runs/:id/cancel', (c) => {
    const runId = c.req.param('id');
    const live = runs.get(runId);
    if (live) {
      live.cancel();
      return c.json({ runId }, 202);
    }
    const stored = store.getRun(runId);
    if (!stored) throw new ApiError(404, `no run "${runId}" in this playground's history`);
    const status = shownStatus(stored, false);
    throw new ApiError(
      409,
      status === 'STARTED'
        ? `run "${runId}" is going on in another process (pid ${stored.ownerPid}); cancel it there (Ctrl-C)`
        : `run "${runId}" has already ended (${status}); nothing to cancel`,
    );
  });
}

/** The run state kept when the run ended, or folded from its events (a run cut off, or going on elsewhere). */
function finalState(store: HistoryStore, run: StoredRun): RunState {
  const kept = run.status === 'STARTED' ? undefined : store.finalState(run.runId);
  if (kept) return JSON.parse(kept) as RunState;
  const state = initialRunState();
  for (const e of store.events(run.runId)) applyEvent(state, JSON.parse(e.json) as RunEvent);
  return state;
}

function integerQuery(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new ApiError(400, `${name} must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}
