import { describe, expect, it } from 'vitest';
import { lastValueFrom, of, toArray } from 'rxjs';
import { z } from 'zod';
import { mode, pipeline, run, solid, syncExecutor, type RunEvent } from '../../../lib/index.ts';
import { RunStore } from '../../../playground/src/model/run-store.ts';

const quiet = mode({ name: 'default', executors: [syncExecutor], loggers: {} });
const numbers = solid({ name: 'numbers', output: z.number(), compute: () => of(1, 2, 3) });
const check = solid({
  name: 'check',
  inputs: { n: z.number() },
  output: z.number(),
  compute: (_ctx, { n }) => {
    if (n === 2) throw new Error('two is not allowed');
    return n;
  },
});
const total = solid({ name: 'total', inputs: { xs: z.array(z.number()) }, output: z.number(), compute: (_ctx, { xs }) => xs.length });
const p = pipeline({
  name: 'p',
  modes: [quiet],
  graph: () => {
    total(check(numbers()).collect());
  },
});
const eventsOf = async () => lastValueFrom(run(p, { runConfig: { loggers: {} } }).pipe(toArray()));

describe('the run view’s store of one run', () => {
  it('counts each solid’s steps by status (a fanned-out solid has several) and gives each node its tone', async () => {
    const store = new RunStore();
    store.ingest(await eventsOf());
    expect(store.solids.get('numbers')).toMatchObject({ total: 1, success: 1, running: 0 });
    expect(store.solids.get('check')).toMatchObject({ total: 3, success: 2, failure: 1, running: 0 });
    expect(store.solids.get('total')).toMatchObject({ total: 1, skipped: 1 });
    expect([store.solidTone('numbers'), store.solidTone('check'), store.solidTone('total')]).toEqual(['success', 'failure', 'skipped']);
    expect(store.failedSteps).toEqual(['check[1]']);
    expect(store.terminal?.type).toBe('RUN_FAILURE');
  });

  it('gives the same state fed in any batch sizes (the page ingests a frame at a time)', async () => {
    const events = await eventsOf();
    const whole = new RunStore();
    whole.ingest(events);
    const batched = new RunStore();
    for (let i = 0; i < events.length; i += 3) batched.ingest(events.slice(i, i + 3));
    expect([...batched.solids]).toEqual([...whole.solids]);
    expect(batched.state.counts).toEqual(whole.state.counts);
    expect(batched.events).toHaveLength(events.length);
  });

  it('shows a running step’s solid as running until it ends', async () => {
    const events = await eventsOf();
    const firstCheckStart = events.findIndex((e: RunEvent) => e.type === 'STEP_START' && e.solid === 'check');
    const store = new RunStore();
    store.ingest(events.slice(0, firstCheckStart + 1));
    expect(store.solidTone('check')).toBe('running');
    expect(store.solidTone('total')).toBe('pending');
  });
});
