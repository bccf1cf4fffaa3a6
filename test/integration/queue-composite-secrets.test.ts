/**
 * `{ env: NAME }` values that reach a composite's solids never enter Redis on the queue
 * executor: the workers read them from their own environment, whether the solid's own entry
 * holds them, the composite's input feeding it, or the composite's config through its
 * `configMapping` (nested, or bound with `.configured()`). Real Redis (test/setup/redis.ts),
 * two real `modeflow worker` processes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execute, type RunResult } from '../../lib/index.ts';
import { compositeSecrets, digest } from './fixtures/queue-composite-secrets.ts';
import { onQueue, queueName, startWorker, stopWorkers, type WorkerProcess } from './queue-helpers.ts';

const server = inject('redis');
const fixtures = fileURLToPath(new URL('./fixtures/queue-composite-secrets.ts', import.meta.url));

/** The worker's values, and the run's process's own (which the run checks config with). */
const there = {
  MF_BOX_TOKEN: 'box-T0ken-there',
  MF_SEED: 'seed-there',
  MF_EXTRA: 'extra-there',
  MF_KEY: 'key-there',
  MF_BOUND_KEY: 'bound-there',
};
const here = {
  MF_BOX_TOKEN: 'box-T0ken-here',
  MF_SEED: 'seed-here',
  MF_EXTRA: 'extra-here',
  MF_KEY: 'key-here',
  MF_BOUND_KEY: 'bound-here',
};

describe.skipIf(server.skip !== undefined)('the queue executor with { env } config inside composites', () => {
  const redis = server.skip === undefined ? server.url : '';
  const queue = queueName('composite-secrets');
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    const env = { ...process.env, ...there };
    workers = await Promise.all([startWorker(redis, queue, [fixtures], { env }), startWorker(redis, queue, [fixtures], { env })]);
  }, 60_000);
  afterAll(async () => {
    await stopWorkers(workers);
  });

  it("runs with the workers' values, and no value of either side enters Redis", async () => {
    const saved = Object.fromEntries(Object.keys(here).map((k) => [k, process.env[k]]));
    Object.assign(process.env, here);
    const traffic = await monitor(redis);
    let result: RunResult;
    try {
      result = await execute(compositeSecrets, {
        runConfig: {
          execution: onQueue(redis, queue),
          solids: {
            box: {
              inputs: { seed: { value: { env: 'MF_SEED' } } },
              solids: { reads: { config: { token: { env: 'MF_BOX_TOKEN' } }, inputs: { extra: { value: { env: 'MF_EXTRA' } } } } },
            },
            mapped: { config: { key: { env: 'MF_KEY' } } },
            feeds: { config: { key: { env: 'MF_KEY' } } },
          },
        },
        raiseOnError: false,
      });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const sent = await traffic.stop();
    const stored = scan(redis, queue);
    expect(result.solid('box.reads').error).toBeUndefined();
    expect(result.success).toBe(true);
    expect(result.output('box.reads')).toBe(digest(there.MF_BOX_TOKEN, there.MF_SEED, there.MF_EXTRA));
    expect(result.output('mapped.mid.leaf')).toBe(digest('KEY-THERE-mid!'));
    expect(result.output('bound.mid.leaf')).toBe(digest('BOUND-THERE-mid!'));
    expect(result.output('feeds.holder.uses')).toBe(digest(there.MF_KEY));
    expect(sent).toContain('box.reads');
    for (const value of [...Object.values(there), ...Object.values(here)]) {
      for (const form of [value, value.toUpperCase()]) {
        expect(sent).not.toContain(form);
        expect(stored).not.toContain(form);
      }
    }
  });
});

/** Every command Redis receives until `stop()`, with the jobs' payloads decoded. */
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

/** Every key of the queue left in Redis, with its value dumped, job payloads decoded. */
function scan(redis: string, queue: string): string {
  const cli = (...args: string[]) => execFileSync('redis-cli', ['-u', redis, ...args], { encoding: 'latin1' });
  const keys = cli('--scan', '--pattern', `*${queue}*`).split('\n').filter(Boolean);
  let text = keys.join('\n');
  for (const key of keys) {
    const type = cli('type', key).trim();
    if (type === 'string') text += cli('get', key);
    else if (type === 'hash') text += cli('hgetall', key);
    else if (type === 'list') text += cli('lrange', key, '0', '-1');
    else if (type === 'zset') text += cli('zrange', key, '0', '-1');
    else if (type === 'set') text += cli('smembers', key);
    else if (type === 'stream') text += cli('xrange', key, '-', '+');
  }
  const decoded = [...text.matchAll(/"request":"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('latin1'));
  return `${text}\n${decoded.join('\n')}`;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
