import { startPlayground } from '../playground/start-playground.ts';
import { CliError } from './cli-error.ts';
import type { ErrorContext } from './report-error.ts';

/** The flags of `modeflow ui`. */
export interface UiFlags {
  readonly file: readonly string[];
  readonly port?: string;
  readonly host?: string;
  /** A path (`--history PATH`), false (`--no-history`), or undefined (the default file). */
  readonly history?: string | boolean;
}

/**
 * `modeflow ui -f FILE`: starts the playground, prints `modeflow playground: URL` on stdout
 * once it listens, and serves until Ctrl-C or SIGTERM, which cancel the runs going on
 * (their resources torn down) and close the server. Resolves with 0 after a clean close.
 *
 * @throws {CliError} for a bad port, a port in use, an address that is not this machine's,
 *   a history file that cannot be opened, or a file that cannot be loaded (exit 2)
 */
export async function uiCommand(flags: UiFlags, context: ErrorContext): Promise<number> {
  const port = parsePort(flags.port);
  context.file = flags.file.join(', ');
  let playground;
  try {
    playground = await startPlayground({
      files: flags.file,
      port,
      ...(flags.host === undefined ? {} : { host: flags.host }),
      ...(flags.history === false ? { history: false } : typeof flags.history === 'string' ? { history: flags.history } : {}),
    });
  } catch (error) {
    const name = (error as { name?: unknown })?.name;
    if (name === 'PlaygroundError' || name === 'HistoryError') throw new CliError((error as Error).message, { cause: error });
    throw error;
  }
  process.stdout.write(`modeflow playground: ${playground.url}\n`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl-C: do not wait for teardowns.
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      stopping = true;
      process.stderr.write(`\nmodeflow playground: closing (canceling the runs going on; Ctrl-C again to quit at once)\n`);
      void playground.close().then(() => {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 3000;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new CliError(`--port must be a port number from 0 to 65535 (0: any free port), got ${text}`);
  return port;
}
