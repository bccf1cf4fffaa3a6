/** The sync executor (modes/executors/sync.ts): one step at a time, synchronous when everything is. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, pipeline, resource, run, solid, syncExecutor, type RunEvent } from '../../../../lib/index.ts';
import { eventsOf, ofType, on, quietMode, sleep } from '../../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });
const add = solid({
  name: 'add',
  inputs: { a: z.number(), b: z.number() },
  output: z.number(),
  compute: (_c, { a, b }) => a + b,
});

const diamond = pipeline({
  name: 'diamond',
  modes: [quietMode()],
  graph: () => {
    const start = one();
    add(inc.alias('left')(start), inc.alias('right')(inc.alias('right_before')(start)));
  },
});

describe('the sync executor', () => {
  it('finishes a run of synchronous solids inside subscribe()', () => {
    const seen: RunEvent[] = [];
    let completed = false;
    run(diamond, { runConfig: on(syncExecutor) }).subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) });
    expect(completed).toBe(true);
    expect(seen.at(-1)?.type).toBe('RUN_SUCCESS');
  });

  it('finishes inside subscribe() with synchronous resources too', () => {
    let completed = false;
    const r = resource({ init: () => 2 });
    const s = solid({ name: 's', resources: ['r'], compute: (ctx) => ctx.resources.r });
    const p = pipeline({
      name: 'p',
      modes: [quietMode({ resources: { r } })],
      graph: () => {
        s();
      },
    });
    run(p, { runConfig: on(syncExecutor) }).subscribe({ complete: () => (completed = true) });
    expect(completed).toBe(true);
  });

  it('is the default executor of a mode that names none', async () => {
    const list = await eventsOf(diamond);
    expect(ofType(list, 'RUN_START')[0]!.executor).toBe('sync');
  });

  it('runs one step at a time', async () => {
    let inflight = 0;
    let most = 0;
    const slow = solid({
      name: 'slow',
      compute: async () => {
        most = Math.max(most, ++inflight);
        await sleep(2);
        inflight--;
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        slow();
        slow();
        slow();
      },
    });
    await execute(p, { runConfig: on(syncExecutor) });
    expect(most).toBe(1);
  });
});
