/**
 * The queue executor's last line of defence: a step whose request still holds a value the
 * run read from `{ env: NAME }` (other than at the positions sent as written) is not
 * enqueued; it fails naming solid and position. The Redis URL leads nowhere: a refused
 * step never connects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { composite, execute, memoryLogger, mode, pipeline, queueExecutor, solid } from '../../../../../lib/index.ts';

const nowhere = { queue: { config: { redis: 'redis://127.0.0.1:1', startTimeoutMs: 60_000 } } };
const onQueue = mode({ loggers: { memory: memoryLogger() }, executors: [queueExecutor] });

const takes = solid({
  name: 'takes',
  config: z.object({ token: z.string() }),
  inputs: { x: z.unknown() },
  compute: () => 1,
});
const direct = pipeline({ name: 'guarded', modes: [onQueue], graph: () => void takes() });

const leaf = solid({ name: 'leaf', config: z.object({ v: z.string() }), compute: () => 1 });
/** Its mapping writes `{ env: NAME }` itself: its own config holds none, so nothing is sent as written. */
const outer = composite({
  name: 'outer',
  config: z.object({ name: z.string() }),
  configMapping: (c: { name: string }) => ({ leaf: { config: { v: { env: c.name } } } }),
  graph: () => void leaf(),
});
const nested = pipeline({ name: 'guarded_nested', modes: [onQueue], graph: () => void outer() });

const secret = 'p@ss word-42';

afterEach(() => {
  delete process.env['MF_GUARD_SECRET'];
});

async function refusal(x: unknown): Promise<string | undefined> {
  process.env['MF_GUARD_SECRET'] = secret;
  const result = await execute(direct, {
    runConfig: { execution: nowhere, solids: { takes: { config: { token: { env: 'MF_GUARD_SECRET' } } } } },
    inputs: { takes: { x } },
    raiseOnError: false,
  });
  return result.solid('takes').error?.message;
}

describe('a step request that holds a secret', () => {
  it('is not enqueued: its step fails naming solid and position', async () => {
    const message = await refusal({ note: `copied ${secret} in code` });
    expect(message).toMatch(
      /^step takes \(solid "takes"\) was not sent to the queue: its inputs\.x\.note holds a value read from \{ env: NAME \}/,
    );
  });

  it('is found in object keys, in Maps and Sets, and URL-encoded', async () => {
    expect(await refusal({ [secret]: 1 })).toContain('its inputs.x (an object key) holds');
    expect(await refusal(new Map([['k', [new Set([`x${secret}`])]]]))).toContain('its inputs.x.<value 0>.0.<item 0> holds');
    expect(await refusal(`postgres://u:${encodeURIComponent(secret)}@db`)).toContain('its inputs.x holds');
  });

  it('is caught when a mapping writes { env: NAME } itself', async () => {
    process.env['MF_GUARD_SECRET'] = secret;
    const result = await execute(nested, {
      runConfig: { execution: nowhere, solids: { outer: { config: { name: 'MF_GUARD_SECRET' } } } },
      raiseOnError: false,
    });
    expect(result.solid('outer.leaf').error?.message).toContain(
      'step outer.leaf (solid "outer.leaf") was not sent to the queue: its config.v holds',
    );
  });
});
