/** Pipelines and an app under test for the playground's server tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { asyncExecutor, memoryLogger, mode, pipeline, preset, resource, solid, syncExecutor, type Pipeline } from '../../../lib/index.ts';
import { HistoryStore } from '../../../lib/history/history-store.ts';
import { LiveRuns } from '../../../lib/playground/live-runs.ts';
import { PipelineCatalog } from '../../../lib/playground/pipeline-catalog.ts';
import { playgroundApp } from '../../../lib/playground/playground-app.ts';
import { ServerHosts } from '../../../lib/playground/security.ts';

const store = resource({
  config: z.object({
    path: z.string(),
    token: z.string().optional(),
    // A message that quotes the value: secrets must not show in it.
    region: z
      .string()
      .refine((r) => r.startsWith('eu-'), { error: (issue) => `region ${String(issue.input)} is not in the EU` })
      .optional(),
  }),
  init: ({ config }) => ({ path: config.path }),
});

const hello = solid({
  name: 'hello',
  description: 'says hello',
  config: z.object({ name: z.string() }),
  resources: ['store'],
  output: z.string(),
  compute: (ctx) => `hello ${ctx.config.name}`,
});

const shout = solid({
  name: 'shout',
  inputs: { text: z.string() },
  output: z.string(),
  compute: (_ctx, { text }) => text.toUpperCase(),
});

/** Two modes, a preset, a resource with config: what the validate and launch routes check. */
export const greetPipeline = pipeline({
  name: 'greet',
  description: 'greets someone loudly',
  modes: [
    mode({
      name: 'dev',
      description: 'on a laptop',
      resources: { store },
      loggers: { memory: memoryLogger() },
      executors: [syncExecutor, asyncExecutor],
    }),
    mode({ name: 'prod', resources: { store }, loggers: { memory: memoryLogger() } }),
  ],
  presets: [
    preset({
      name: 'quick',
      mode: 'dev',
      runConfig: { solids: { hello: { config: { name: 'Ada' } } }, resources: { store: { config: { path: '/tmp/x' } } } },
      tags: { team: 'data' },
    }),
  ],
  graph: () => {
    shout({ text: hello() });
  },
});

/** Signals for the slow pipeline: when its step has started, and what was torn down. */
export const slowProbe = { started: [] as string[], tornDown: [] as string[] };

const slowResource = resource({
  async *init({ runId }) {
    try {
      yield { runId };
    } finally {
      slowProbe.tornDown.push(runId);
    }
  },
});

const wait = solid({
  name: 'wait',
  resources: ['slow'],
  compute: (ctx) =>
    new Promise<void>((resolve) => {
      slowProbe.started.push(ctx.runId);
      // Ends only when the run is canceled.
      ctx.signal.addEventListener('abort', () => resolve());
    }),
});

/** A run that goes on until it is canceled, with a resource whose teardown is recorded. */
export const slowPipeline = pipeline({
  name: 'slow',
  modes: [mode({ resources: { slow: slowResource }, loggers: { memory: memoryLogger() }, executors: [asyncExecutor] })],
  graph: () => {
    wait();
  },
});

/** The pipelines of the API tests. */
export const testPipelines: readonly Pipeline[] = [greetPipeline, slowPipeline];

/** The address `app.request()` tests pretend the server has. */
export const HOST = '127.0.0.1:3000';

/**
 * The playground's app over `pipelines`, with an in-memory history and no built browser
 * app, for `app.request()`; `request` adds the server's own Host header.
 */
export async function testApp(pipelines: readonly Pipeline[] = testPipelines) {
  const history = HistoryStore.open(':memory:');
  const runs = new LiveRuns(history, (error) => {
    throw error;
  });
  const app = playgroundApp({
    catalog: await PipelineCatalog.load([], pipelines),
    store: history,
    runs,
    hosts: new ServerHosts('127.0.0.1', 3000),
    streams: new Set(),
    appDir: mkdtempSync(join(tmpdir(), 'modeflow-no-app-')),
  });
  const request = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { host: HOST, ...(init.headers as Record<string, string> | undefined) } });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { app, request, post, history, runs };
}
