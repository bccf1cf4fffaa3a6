/**
 * Queue workers for the tests: real `modeflow worker` processes (from the sources, under
 * tsx), each on the test file's own queue of the Redis server test/setup/redis.ts started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A `modeflow worker` process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Its worker id (as run logs name it). */
  readonly id: string;
  /** What it printed on stdout and stderr so far. */
  output(): string;
  /** Resolves with its exit code (or signal) once it has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

/** A queue name no other test file uses. */
export function queueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Starts a worker serving `files` and resolves once it printed its ready line. */
export function startWorker(
  redis: string,
  queue: string,
  files: readonly string[],
  options: { concurrency?: number; env?: NodeJS.ProcessEnv; bin?: string } = {},
): Promise<WorkerProcess> {
  // The sources under tsx, or a built binary (`bin`), as users run it.
  const cli = options.bin ? [options.bin] : ['--import', 'tsx', `${root}lib/cli/main.ts`];
  const args = [...cli, 'worker', ...files.flatMap((f) => ['-f', f]), '--redis', redis];
  args.push('--queue', queue, '--concurrency', String(options.concurrency ?? 1));
  const child = spawn(process.execPath, args, { cwd: root, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal!)));
  return new Promise((resolve, reject) => {
    const check = () => {
      const ready = /modeflow worker ready: queue \S+, concurrency \d+/.test(out);
      const id = /modeflow worker (\S+): serving/.exec(out)?.[1];
      if (ready && id) {
        child.stdout!.off('data', check);
        child.stderr!.off('data', check);
        resolve({ child, id, output: () => out, exited });
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then((code) => reject(new Error(`modeflow worker exited (${code}) before it was ready:\n${out}`)));
  });
}

/** Stops workers with SIGTERM and waits for them to exit. */
export async function stopWorkers(workers: readonly WorkerProcess[]): Promise<void> {
  await Promise.all(
    workers.map((w) => {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      return w.exited;
    }),
  );
}

/** The queue executor's config for the tests' runs on `queue`: short locks, so that a dead worker's step moves on soon. */
export function queueConfig(redis: string, queue: string, config: Record<string, unknown> = {}): Record<string, unknown> {
  return { redis, queue, startTimeoutMs: 20_000, lockDurationMs: 2000, ...config };
}

/** The `execution` entry of run config for the queue executor on `queue`. */
export function onQueue(redis: string, queue: string, config: Record<string, unknown> = {}): Record<string, unknown> {
  return { queue: { config: queueConfig(redis, queue, config) } };
}
