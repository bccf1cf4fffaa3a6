import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { SSEStreamingApi } from 'hono/streaming';
import type { HistoryStore } from '../history/history-store.ts';
import { ApiError } from './api-error.ts';
import type { LiveRuns } from './live-runs.ts';
import type { PipelineCatalog } from './pipeline-catalog.ts';
import { pipelineRoutes } from './pipeline-routes.ts';
import { runRoutes } from './run-routes.ts';
import { hostAndOrigin, securityHeaders, type ServerHosts } from './security.ts';
import { staticFiles } from './static-files.ts';

/** Request bodies larger than this are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What the playground's HTTP app serves from. */
export interface PlaygroundAppContext {
  readonly catalog: PipelineCatalog;
  readonly store: HistoryStore;
  readonly runs: LiveRuns;
  readonly hosts: ServerHosts;
  /** The built browser app's folder. */
  readonly appDir: string;
  /** Open event streams, ended when the server closes. */
  readonly streams: Set<SSEStreamingApi>;
  /** Hears errors that are the server's own fault (answered with 500). */
  readonly onError?: (error: unknown) => void;
}

/**
 * The playground's HTTP app (hono): the JSON API under `/api` (DESIGN's table), the run
 * events as SSE, and the built browser app. Every error answer is
 * `{ error: { message, issues? } }`.
 */
export function playgroundApp(context: PlaygroundAppContext): Hono {
  const app = new Hono();
  app.use('*', securityHeaders);
  app.use('*', hostAndOrigin(context.hosts));
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(new ApiError(413, `the request body is over ${MAX_BODY_BYTES} bytes (1 MiB)`).body(), 413),
    }),
  );
  pipelineRoutes(app, context.catalog);
  runRoutes(app, context);
  app.all('/api/*', (c) => {
    throw new ApiError(404, `no API route ${c.req.method} ${new URL(c.req.url).pathname}; see docs/playground.md for the routes`);
  });
  app.get('*', staticFiles(context.appDir));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.body(), error.status);
    context.onError?.(error);
    return c.json({ error: { message: `internal error: ${error instanceof Error ? error.message : String(error)}` } }, 500);
  });
  return app;
}
