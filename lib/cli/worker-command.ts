/**
 * `modeflow worker -f FILE [-f FILE]... [--redis URL] [--queue NAME] [--concurrency N]`:
 * serves the queue executor's steps of every pipeline the files export, until SIGTERM or
 * SIGINT (then it takes no more steps, lets the running ones finish, tears down the
 * resources it holds, and exits 0).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from './cli-error.ts';
import { loadModule } from './load-pipeline.ts';

/** The flags of `modeflow worker`. */
export interface WorkerFlags {
  readonly file: readonly string[];
  readonly redis: string;
  readonly queue: string;
  readonly concurrency: string;
}

/** What the worker prints on stdout once it serves (scripts wait for this line). */
export function readyLine(queue: string, concurrency: number): string {
  return `modeflow worker ready: queue ${queue}, concurrency ${concurrency}\n`;
}

/**
 * Starts a queue worker and resolves with the exit code once it has stopped (0 after
 * SIGTERM or SIGINT; a second signal exits at once with 1, leaving the running steps to
 * be re-delivered to other workers).
 *
 * @throws {CliError} for a bad `--concurrency`, no `-f`, or a module that does not load
 * @throws {InvalidDefinitionError} when the files export no pipeline, or two with one name
 * @throws {ModeflowError} when Redis cannot be reached
 */
export async function workerCommand(flags: WorkerFlags): Promise<number> {
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new CliError(`--concurrency takes a whole number of steps at once, 1 or more; got "${flags.concurrency}"`);
  }
  if (flags.file.length === 0) throw new CliError('modeflow worker needs the pipeline modules it serves: -f FILE (repeat for several)');
  const modules = [];
  for (const file of flags.file) modules.push({ file, url: pathToFileURL(resolve(file)).href, exports: await loadModule(file) });
  // Loaded only now: `modeflow --help` does not pay for BullMQ.
  const { startQueueWorker } = await import('../../modes/executors/queue/worker/queue-worker.ts');
  let worker;
  try {
    worker = await startQueueWorker({ modules, redis: flags.redis, queue: flags.queue, concurrency });
  } catch (error) {
    // Redis unreachable: said plainly, exit 1 (the worker could not serve), no stack.
    if ((error as Error | undefined)?.name === 'ModeflowError') throw new CliError((error as Error).message, { exitCode: 1, cause: error });
    throw error;
  }
  process.stderr.write(`modeflow worker ${worker.id}: serving ${flags.file.join(', ')}\n`);
  process.stdout.write(readyLine(worker.queue, worker.concurrency));
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`modeflow worker ${worker.id}: ${signal} again, exiting now\n`);
        process.exit(1);
      }
      stopping = true;
      process.stderr.write(`modeflow worker ${worker.id}: ${signal}: finishing running steps, then exiting\n`);
      void worker.close().then(resolve, (error: unknown) => {
        process.stderr.write(`modeflow worker ${worker.id}: while stopping: ${String(error)}\n`);
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  process.stderr.write(`modeflow worker ${worker.id}: stopped\n`);
  return 0;
}
