/**
 * vitest globalSetup: a throwaway Redis server for the queue executor's tests. Debian's
 * `redis-server` (MODEFLOW_REDIS_SERVER picks another binary) listens on a free loopback
 * port, with its files in a temp dir and no persistence; it is stopped and the dir deleted
 * after the run. Tests read where it is with `inject('redis')`.
 *
 * Without the binary the tests skip with a one-line notice, unless
 * MODEFLOW_REQUIRE_SERVICES=1 (CI), which makes that a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/** Where the test server is, or why there is none. */
export type RedisInfo = { readonly url: string; readonly skip?: undefined } | { readonly skip: string };

declare module 'vitest' {
  export interface ProvidedContext {
    redis: RedisInfo;
  }
}

const INSTALL_HINT = 'install it (Debian/Ubuntu: apt-get install redis-server) or point MODEFLOW_REDIS_SERVER at one';
const READY_WITHIN_MS = 10_000;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const binary = findServer();
  if (!binary) {
    const missing = `redis-server was not found; ${INSTALL_HINT}`;
    if (process.env['MODEFLOW_REQUIRE_SERVICES'] === '1') throw new Error(`MODEFLOW_REQUIRE_SERVICES=1 and ${missing}`);
    const reason = `Redis tests skipped: ${missing}`;
    process.stderr.write(`${reason}\n`);
    project.provide('redis', { skip: reason });
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'modeflow-redis-'));
  const port = await freePort();
  const server = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log')],
    { stdio: 'ignore' },
  );
  const stop = async (): Promise<void> => {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPong(port, server);
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('redis', { url: `redis://127.0.0.1:${port}` });
  return stop;
}

function findServer(): string | undefined {
  const forced = process.env['MODEFLOW_REDIS_SERVER'];
  if (forced) return existsSync(forced) ? forced : undefined;
  const which = spawnSync('which', ['redis-server'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));
}

/** Resolves once the server answers PING; rejects if it exits or stays silent too long. */
async function waitForPong(port: number, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`redis-server exited with ${server.exitCode} before it was ready`);
    if (await pings(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_WITHIN_MS} ms`);
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      answer += data.toString();
      if (answer.includes('\r\n')) {
        socket.end();
        resolve(answer.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => server.kill('SIGKILL'), 5000);
    server.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    server.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
