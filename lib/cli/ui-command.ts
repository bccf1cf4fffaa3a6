import type { Command } from 'commander';
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

/** Registers `modeflow ui`; the server (hono, SQLite) is loaded only when it runs. */
export function registerUiCommand(program: Command, context: ErrorContext, setExitCode: (code: number) => void): void {
  program
    .command('ui')
    .description('serve the playground: pick a mode, edit run config, launch and watch runs in the browser')
    .requiredOption('-f, --file <file>', 'a module that exports pipelines (.ts or .js); repeat for several', collect, [] as string[])
    .option('--port <port>', 'the port (0: any free one)', '3000')
    .option('--host <host>', 'the address to listen on (other machines reach it only if you say so)', '127.0.0.1')
    .option('--history <path>', 'the run history file (default .modeflow/history.sqlite)')
    .option('--no-history', 'keep runs in memory only, for the life of the server')
    .action(async (flags: UiFlags) => setExitCode(await uiCommand(flags, context)));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
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
  const { startPlayground } = await import('../playground/start-playground.ts');
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
