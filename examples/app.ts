/**
 * A small RxJS app built on modeflow: basket requests come in on a Subject; each one is
 * priced by a run of `basket_pipeline`, and a newer request cancels the run of the one
 * before (`switchMap`). A run that fails (the price catalog has an outage) is run again
 * (`throwOnFailure()` + `retry`). Item names are cleaned up by a solid used as a plain
 * operator inside the stream (`asOperator`), one compute per item.
 *
 *   npx tsx examples/app.ts
 */
import { from, map, Observable, retry, Subject, switchMap, tap, timer, toArray } from 'rxjs';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { asOperator, mode, outputs, pipeline, resource, run, solid, throwOnFailure } from 'modeflow';

// ---- a fake price catalog, as a remote service would be: slow, sometimes down ----------

const PRICES: Readonly<Record<string, number>> = { apple: 50, bread: 220, milk: 95, cheese: 480 };

/** The service itself, shared by every run (its outages too). */
export const catalogService = {
  outages: 0,
  /** The price of `item` in cents, after `latencyMs`; rejects while an outage lasts, or when aborted. */
  price(item: string, latencyMs: number, signal: AbortSignal): Promise<number> {
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => {
        if (this.outages > 0) {
          this.outages--;
          reject(new Error('catalog unavailable (503)'));
        } else if (!(item in PRICES)) reject(new Error(`no price for "${item}"`));
        else resolve(PRICES[item]!);
      }, latencyMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timeout);
        reject(signal.reason);
      });
    });
  },
};

interface Catalog {
  price(item: string, signal: AbortSignal): Promise<number>;
}

const catalog = resource({
  description: 'the price catalog',
  config: z.object({ latencyMs: z.number().int().nonnegative().default(20) }),
  init: ({ config }): Catalog => ({ price: (item, signal) => catalogService.price(item, config.latencyMs, signal) }),
});

// ---- solids and the pipeline -----------------------------------------------------------

/** Cleans up one item name: the per-item solid the app uses as an operator. */
export const normalizeItem = solid({
  name: 'normalize_item',
  inputs: { name: z.string() },
  output: z.string().min(1),
  compute: (_ctx, { name }) => name.trim().toLowerCase(),
});

const priceItems = solid({
  name: 'price_items',
  inputs: { items: z.array(z.string()) },
  output: z.array(z.number()),
  resources: ['catalog'],
  compute: (ctx, { items }) => {
    const prices = ctx.resources.catalog as Catalog;
    return Promise.all(items.map((item) => prices.price(item, ctx.signal)));
  },
});

export const total = solid({
  name: 'total',
  inputs: { prices: z.array(z.number()) },
  output: z.number(),
  compute: (_ctx, { prices }) => prices.reduce((sum, cents) => sum + cents, 0),
});

export const basketPipeline = pipeline({
  name: 'basket_pipeline',
  modes: [mode({ name: 'local_dev', resources: { catalog }, loggers: {} })],
  graph: () => {
    total(priceItems());
  },
});

// ---- the app ---------------------------------------------------------------------------

export interface BasketRequest {
  readonly id: number;
  readonly items: readonly string[];
}

export interface Quote {
  readonly id: number;
  readonly items: readonly string[];
  readonly cents: number;
}

/** One quote per request that is not superseded by a newer one before it is priced. */
export function quotes(requests: Observable<BasketRequest>, note: (line: string) => void = () => undefined): Observable<Quote> {
  return requests.pipe(
    // A newer request unsubscribes from the older one's run: modeflow cancels it.
    switchMap((request) =>
      from(request.items).pipe(
        asOperator(normalizeItem), // one compute per item, with its schema checks
        toArray(),
        switchMap((items) => priceBasket(items, note).pipe(map((cents) => ({ id: request.id, items, cents })))),
        tap({ unsubscribe: () => note(`request ${request.id}: superseded, its run canceled`) }),
      ),
    ),
  );
}

/** The total of `items` in cents: one run, run again (twice at most) if it fails. */
function priceBasket(items: readonly string[], note: (line: string) => void): Observable<number> {
  return run(basketPipeline, { mode: 'local_dev', inputs: { price_items: { items: [...items] } } }).pipe(
    throwOnFailure(), // RUN_FAILURE → a StepExecutionError, so that retry() sees it
    retry({
      count: 2,
      delay: (error: Error) => {
        note(`  run failed (${error.message}); trying again`);
        return timer(10);
      },
    }),
    outputs(total), // the values of `total`, typed number
  );
}

/**
 * Sends three requests: the second at once (superseding the first), the third once the
 * second is priced; the catalog has one outage on the way. Resolves when all is done.
 */
export function main(print: (line: string) => void = console.log): Promise<void> {
  const requests = new Subject<BasketRequest>();
  const send = (request: BasketRequest): void => {
    print(`request ${request.id}: ${JSON.stringify(request.items)}`);
    requests.next(request);
  };
  catalogService.outages = 1;
  const done = new Promise<void>((resolve, reject) => {
    quotes(requests, print).subscribe({
      next: (quote) => {
        print(`request ${quote.id}: ${quote.items.join(', ')} = ${(quote.cents / 100).toFixed(2)}`);
        if (quote.id !== 2) return;
        // Once request 2's run has ended (it is ending as its total comes out).
        setTimeout(() => {
          send({ id: 3, items: ['Cheese', 'bread'] });
          requests.complete();
        });
      },
      error: reject,
      complete: resolve,
    });
  });
  send({ id: 1, items: [' Apple', 'bread '] });
  send({ id: 2, items: ['apple', 'MILK'] }); // before request 1 is priced
  return done;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
