import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { SSEStreamingApi } from 'hono/streaming';
import type { Server } from 'node:http';
import type { Pipeline } from '../define/pipeline.ts';
import { ModeflowError } from '../errors.ts';
import { historyPath } from '../history/history-path.ts';
import { HistoryStore } from '../history/history-store.ts';
import { LiveRuns } from './live-runs.ts';
import { PipelineCatalog } from './pipeline-catalog.ts';
import { playgroundApp } from './playground-app.ts';
import { ServerHosts } from './security.ts';
import { defaultAppDir } from './static-files.ts';

/** The playground cannot start where asked: the port is taken, the address is not this machine's. */
export class PlaygroundError extends ModeflowError {
  override readonly name = 'PlaygroundError';
}

/** What {@link startPlayground} takes. */
export interface PlaygroundOptions {
  /** Modules whose exported pipelines the playground serves (`.ts` or `.js`). */
  readonly files?: readonly string[];
  /** Pipelines to serve, given in code (beside those of `files`). */
  readonly pipelines?: readonly Pipeline[];
  /** The address to listen on; default `127.0.0.1` (this machine only). */
  readonly host?: string;
  /** The port; default 3000; 0 picks any free port (read it from `url`). */
  readonly port?: number;
  /**
   * The run history file; default `.modeflow/history.sqlite` under the working directory.
   * `false` keeps runs in memory for the server's life only.
   */
  readonly history?: string | false;
  /** The built browser app's folder; default `dist/playground/` of this package. */
  readonly appDir?: string;
  /** Where the server reports its own problems (a history write that failed); default stderr. */
  readonly log?: (line: string) => void;
}

/** A running playground. */
export interface Playground {
  /** Its address, e.g. `http://127.0.0.1:3000/`. */
  readonly url: string;
  /** The history file, or undefined when runs are kept in memory. */
  readonly historyPath: string | undefined;
  /** Cancels the runs going on (their resources torn down), ends the event streams, stops listening and closes the history. */
  close(): Promise<void>;
}

/**
 * Starts the playground's server (the same one `modeflow ui` starts): the HTTP API, live run
 * events, run history and the browser app. Runs launched from it run in this process.
 *
 * @example
 * const playground = await startPlayground({ files: ['examples/query-pipeline.ts'], port: 0 });
 * console.log(playground.url);
 * await playground.close();
 *
 * @throws {PlaygroundError} when the port is taken or the address cannot be listened on
 * @throws {InvalidDefinitionError} when two pipelines share a name
 * @throws {CliError} when a file cannot be found or loaded
 * @throws {HistoryError} when the history file cannot be opened
 */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 3000;
  const log = options.log ?? ((line: string) => void process.stderr.write(line + '\n'));
  const catalog = await PipelineCatalog.load(options.files ?? [], options.pipelines ?? []);
  const path = options.history === false ? undefined : historyPath(options.history);
  const store = HistoryStore.open(path ?? ':memory:');
  let warned = false;
  const runs = new LiveRuns(store, (error) => {
    if (warned) return;
    warned = true;
    log(`modeflow playground: cannot record a run in ${path ?? 'memory'}: ${(error as Error)?.message ?? String(error)}`);
  });
  const hosts = new ServerHosts(host);
  const streams = new Set<SSEStreamingApi>();
  const app = playgroundApp({
    catalog,
    store,
    runs,
    hosts,
    streams,
    appDir: options.appDir ?? defaultAppDir(),
    onError: (error) => log(`modeflow playground: ${(error as Error)?.stack ?? String(error)}`),
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  try {
    await listen(server, port, host);
  } catch (error) {
    store.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  hosts.listening(address.port);

  let closing: Promise<void> | undefined;
  // Once closing, a connection whose answer is done (an event stream that ended) is closed
  // instead of kept alive: else close() would wait for the client to hang up.
  server.on('request', (_req, res) => {
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    url: `http://${urlHost(host)}:${address.port}/`,
    historyPath: path,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await runs.cancelAll();
        // The streams of those runs end on their own once they have sent the last events;
        // give them a moment, then end the rest (a run followed in another process's file).
        for (let waited = 0; streams.size > 0 && waited < 500; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
        for (const stream of streams) stream.abort();
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 1000);
        await stopped;
        clearTimeout(force);
        store.close();
      })()),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.removeListener('listening', onListening);
      const why =
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is in use; pass another port (--port N, or 0 for any free one)`
          : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
            ? `this machine has no address ${host}; pass --host 127.0.0.1 (or another of its addresses)`
            : `cannot listen on ${host}:${port}: ${error.message}`;
      reject(new PlaygroundError(why, { cause: error }));
    };
    const onListening = () => {
      server.removeListener('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The host as a URL writes it: IPv6 in brackets; every interface shown as the loopback address. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
