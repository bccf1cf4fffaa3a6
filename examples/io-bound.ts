/**
 * An I/O-bound pipeline, to see what concurrency buys when steps wait: it lists 64 item
 * ids, fetches each item from an API (a fan-out: one step per item, each waiting on the
 * API's latency, 10 ms here, simulated) and totals them. One step at a time (`sync`) the
 * waits add up; `async` overlaps up to `maxConcurrent` of them.
 *
 *   npx modeflow pipeline bench -f examples/io-bound.ts --executor async:maxConcurrent=4,async,async:maxConcurrent=64
 *   npx modeflow pipeline bench -f examples/io-bound.ts --executor sync,async --runs 5
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { from } from 'rxjs';
import { z } from 'zod';
import { mode, pipeline, resource, solid } from 'modeflow';

/** What the solids need of the API. */
export interface ItemApi {
  getItem(id: number, signal: AbortSignal): Promise<{ id: number; price: number }>;
}

declare module 'modeflow' {
  interface Resources {
    itemApi: ItemApi;
  }
}

/** A stand-in for an HTTP API: answers after `latencyMs`, as a remote service would. */
export const fakeApi = resource({
  description: 'a simulated item API that answers after latencyMs',
  config: z.object({ latencyMs: z.number().int().nonnegative().default(10) }),
  init: ({ config }): ItemApi => ({
    getItem: async (id, signal) => {
      await sleep(config.latencyMs, undefined, { signal });
      return { id, price: (id * 37) % 101 };
    },
  }),
});

/** The ids to fetch, one emission each (a fan-out). */
export const listIds = solid({
  name: 'list_ids',
  config: z.object({ count: z.number().int().positive().default(64) }),
  output: z.number().int(),
  compute: (ctx) => from(Array.from({ length: ctx.config.count }, (_, i) => i + 1)),
});

/** One item from the API: a step that mostly waits. */
export const fetchItem = solid({
  name: 'fetch_item',
  inputs: { id: z.number().int() },
  resources: ['itemApi'],
  output: z.object({ id: z.number().int(), price: z.number() }),
  compute: (ctx, { id }) => ctx.resources.itemApi.getItem(id, ctx.signal),
});

/** The total price of the items. */
export const totalPrice = solid({
  name: 'total_price',
  inputs: { items: z.array(z.object({ id: z.number().int(), price: z.number() })) },
  output: z.number(),
  compute: (ctx, { items }) => {
    const total = items.reduce((sum, item) => sum + item.price, 0);
    ctx.log.info({ items: items.length, total }, 'items totalled');
    return total;
  },
});

export const ioBound = pipeline({
  name: 'io_bound',
  description: 'fetches 64 items from an API with 10 ms latency: steps that wait, for comparing executors and concurrency',
  modes: [mode({ resources: { itemApi: fakeApi } })],
  graph: () => {
    totalPrice({ items: fetchItem({ id: listIds() }).collect() });
  },
});
