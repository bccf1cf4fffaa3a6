// examples/app.ts, as the README runs it (npx tsx examples/app.ts): the lines it prints.
import { lastValueFrom, of, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { TypeCheckError } from '../../lib/index.ts';
import { catalogService, main, quotes, type BasketRequest } from '../../examples/app.ts';

describe('examples/app.ts', () => {
  it('prices the requests that are not superseded, runs a failed run again, and prints what the README shows', async () => {
    const lines: string[] = [];
    await main((line) => lines.push(line));
    expect(lines).toEqual([
      'request 1: [" Apple","bread "]',
      'request 2: ["apple","MILK"]',
      'request 1: superseded, its run canceled',
      '  run failed (pipeline "basket_pipeline" (mode "local_dev"): step price_items failed: Error: catalog unavailable (503)); trying again',
      'request 2: apple, milk = 1.45',
      'request 3: ["Cheese","bread"]',
      'request 3: cheese, bread = 7.00',
    ]);
  });

  it('a run that still fails after two more tries errors the stream', async () => {
    catalogService.outages = 3;
    const requests = new Subject<BasketRequest>();
    const all = lastValueFrom(quotes(requests).pipe(toArray()));
    requests.next({ id: 1, items: ['apple'] });
    requests.complete();
    await expect(all).rejects.toMatchObject({ name: 'StepExecutionError', stepKey: 'price_items' });
    expect(catalogService.outages).toBe(0);
  });

  it('an item that normalises to nothing fails its output schema', async () => {
    await expect(lastValueFrom(quotes(of({ id: 1, items: ['   '] })))).rejects.toBeInstanceOf(TypeCheckError);
  });
});
