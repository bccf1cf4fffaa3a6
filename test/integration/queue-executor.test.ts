/**
 * The queue executor on a real Redis (test/setup/redis.ts) with two real `modeflow worker`
 * processes serving fixtures/queue-pipelines.ts: what only the queue does. What every
 * executor does, the queue included, is in every-executor.test.ts; faults (kill -9,
 * SIGTERM) in queue-faults.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Subject, takeUntil } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execute, run, type RunEvent, type RunResult } from '../../lib/index.ts';
import { withResource } from './fixtures/every-executor-pipelines.ts';
import { cancelable, payloads, secrets } from './fixtures/queue-pipelines.ts';
import { onQueue, queueName, startWorker, stopWorkers, type WorkerProcess } from './queue-helpers.ts';

const server = inject('redis');
const fixtures = fileURLToPath(new URL('./fixtures/queue-pipelines.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'modeflow-queue-'));

describe.skipIf(server.skip !== undefined)('the queue executor', () => {
  const redis = server.skip === undefined ? server.url : '';
  const queue = queueName('suite');
  const secret = 'w0rker-Pa55:word';
  let workers: WorkerProcess[] = [];
  const on = (rest: Record<string, unknown> = {}, config: Record<string, unknown> = {}) => ({
    ...rest,
    execution: onQueue(redis, queue, config),
  });

  beforeAll(async () => {
    const env = { ...process.env, VAULT_PASSWORD: secret, API_TOKEN: 'tok-on-the-worker' };
    workers = await Promise.all([startWorker(redis, queue, [fixtures], { env }), startWorker(redis, queue, [fixtures], { env })]);
  }, 60_000);
  afterAll(async () => {
    await stopWorkers(workers);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reads { env } config on the worker: the values never enter Redis, and what comes back is redacted', async () => {
    const here = { VAULT_PASSWORD: process.env['VAULT_PASSWORD'], API_TOKEN: process.env['API_TOKEN'] };
    // The run's process checks the config with its own values; the workers use theirs.
    process.env['VAULT_PASSWORD'] = 'orchestrator-Pa55';
    process.env['API_TOKEN'] = 'tok-here';
    const traffic = await monitor(redis);
    let result: RunResult;
    try {
      result = await execute(secrets, {
        runConfig: on({
          resources: { vault: { config: { user: 'app', password: { env: 'VAULT_PASSWORD' } } } },
          solids: { use_vault: { config: { token: { env: 'API_TOKEN' } } }, leak_in_error: { config: { token: { env: 'API_TOKEN' } } } },
        }),
        raiseOnError: false,
      });
    } finally {
      for (const [name, value] of Object.entries(here)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const sent = await traffic.stop();
    // The worker's values were used ...
    expect(result.output('use_vault')).toBe('connected as app');
    // ... and are hidden wherever they come back: logs, resource logs, errors.
    const shown = JSON.stringify(result.events);
    for (const value of ['w0rker-Pa55', 'tok-on-the-worker']) expect(shown).not.toContain(value);
    expect(result.solid('leak_in_error').error?.message).toBe('token [redacted] was refused');
    expect(result.events.some((e) => e.type === 'LOG' && e.message === 'connecting to postgres://app:[redacted]@db/prod')).toBe(true);
    expect(result.events.some((e) => e.type === 'LOG' && e.message === 'vault opened for app with [redacted]')).toBe(true);
    // Every command Redis received during the run, job payloads decoded: no value of either side.
    expect(sent).toContain('use_vault');
    for (const value of [secret, encodeURIComponent(secret), 'tok-on-the-worker', 'orchestrator-Pa55', 'tok-here']) {
      expect(sent).not.toContain(value);
    }
  });

  it('fails a step no worker takes, saying to start a worker', async () => {
    const empty = queueName('empty');
    const result = await execute(withResource, {
      runConfig: { execution: onQueue(redis, empty, { startTimeoutMs: 300 }) },
      raiseOnError: false,
    });
    const message = result.solid('constant').error?.message ?? '';
    expect(message).toContain(`no worker serves queue "${empty}"`);
    expect(message).toContain(`modeflow worker -f FILE --redis ${redis} --queue ${empty}`);
  });

  it('fails a step whose value is too large for Redis or cannot be serialised, naming solid and input or output', async () => {
    const result = await execute(payloads, {
      runConfig: on(
        { solids: { big: { config: { size: 4096 } }, takes_text: { inputs: { text: { value: 'y'.repeat(4096) } } } } },
        { maxPayloadBytes: 2048 },
      ),
      raiseOnError: false,
    });
    expect(result.solid('big').error?.message).toMatch(
      /^output "result" of solid "big" \(step big\) is 4\.\d KiB serialised, over the queue executor's maxPayloadBytes \(2\.0 KiB\)/,
    );
    expect(result.solid('takes_text').error?.message).toMatch(
      /^step takes_text \(solid "takes_text"\) is 4\.\d KiB serialised.*input "text" is 4\.0 KiB of it/,
    );
    expect(result.solid('returns_function').error?.message).toContain(
      'output "result" of solid "returns_function" (step returns_function) cannot be sent',
    );
  });

  it('cancels: the running step sees ctx.signal abort on its worker, and the queued one leaves the queue', async () => {
    const marker = join(scratch, 'aborted.txt');
    const started = new Subject<void>();
    const events: RunEvent[] = [];
    // maxConcurrent 2 on a queue with no spare worker: `queued` waits in the queue while the other runs.
    const lonely = queueName('cancel');
    const worker = await startWorker(redis, lonely, [fixtures]);
    try {
      const done = new Promise<void>((resolve) => {
        run(cancelable, {
          runConfig: {
            execution: onQueue(redis, lonely, { maxConcurrent: 2 }),
            solids: { waits_for_abort: { config: { marker, ms: 60_000 } } },
          },
        })
          .pipe(takeUntil(started))
          .subscribe({
            next: (e) => {
              events.push(e);
              if (e.type === 'LOG' && e.message === 'started') started.next();
            },
            complete: () => resolve(),
          });
      });
      await done;
      await until(() => readIfThere(marker).includes('aborted'));
      expect(readIfThere(marker)).toMatch(/^aborted \d+\n$/);
      const waiting = execFileSync('redis-cli', ['-u', redis, 'llen', `bull:${lonely}:wait`], { encoding: 'utf8' }).trim();
      expect(waiting).toBe('0');
    } finally {
      await stopWorkers([worker]);
    }
  });
});

/**
 * Records every command Redis receives (MONITOR) until `stop()`, which resolves with them
 * as text, plus the step requests in the job payloads decoded from their base64 (v8 keeps
 * ASCII strings as they are, so a value sent would show).
 */
async function monitor(redis: string): Promise<{ stop(): Promise<string> }> {
  const child = spawn('redis-cli', ['-u', redis, 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString('latin1')));
  await until(() => text.startsWith('OK'));
  return {
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill();
      const decoded = [...text.matchAll(/\\"request\\":\\"([A-Za-z0-9+/=]+)\\"/g)].map((m) =>
        Buffer.from(m[1]!, 'base64').toString('latin1'),
      );
      return `${text}\n${decoded.join('\n')}`;
    },
  };
}

function readIfThere(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
