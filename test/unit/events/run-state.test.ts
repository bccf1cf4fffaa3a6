/** RunState: the immer reducer over run events (lib/events/run-state.ts). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  applyEvent,
  execute,
  initialRunState,
  pipeline,
  reduceRunState,
  resource,
  run,
  solid,
  toRunResult,
  type RunEvent,
} from '../../../lib/index.ts';
import { lastValueFrom } from 'rxjs';
import { eventsOf, quietMode, typesOf } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });
const fail = solid({
  name: 'fail',
  inputs: { n: z.number() },
  compute: () => {
    throw Object.assign(new Error('it broke'), { code: 'E_BROKE' });
  },
});

const chain = pipeline({
  name: 'chain',
  modes: [quietMode()],
  graph: () => {
    inc(one());
  },
});

/** A busy pipeline: a resource, logs, a failure, a skip and an independent branch. */
const busy = pipeline({
  name: 'busy',
  modes: [quietMode({ resources: { r: resource({ init: () => 'r' }) } })],
  graph: () => {
    const n = solid({ name: 'src', resources: ['r'], output: z.number(), compute: (ctx) => (ctx.log.info('hello'), 1) })();
    inc.alias('after_fail')(fail(n) as never);
    inc.alias('ok')(n);
  },
});

describe('run state', () => {
  const chainEvents = () => eventsOf(chain);

  it('reduceRunState returns a frozen state', async () => {
    const state = reduceRunState(initialRunState(), await chainEvents());
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.isFrozen(state.steps)).toBe(true);
    expect(Object.isFrozen(state.steps['inc'])).toBe(true);
  });

  it('reduceRunState leaves the state it was given unchanged', async () => {
    const list = await chainEvents();
    const first = reduceRunState(initialRunState(), list.slice(0, 2));
    const snapshot = JSON.parse(JSON.stringify(first));
    reduceRunState(first, list.slice(2));
    expect(JSON.parse(JSON.stringify(first))).toEqual(snapshot);
  });

  it('folds a whole run into its final status and step statuses', async () => {
    const state = reduceRunState(initialRunState(), await eventsOf(busy, {}));
    expect(state.status).toBe('FAILURE');
    expect(state.steps['src']?.status).toBe('SUCCESS');
    expect(state.steps['fail']?.status).toBe('FAILURE');
    expect(state.steps['after_fail']?.status).toBe('SKIPPED');
    expect(state.counts).toMatchObject({ succeeded: 2, failed: 1, skipped: 1, running: 0 });
  });

  it('gives the same state in batches as in one go', async () => {
    const list = await eventsOf(busy, {});
    const whole = reduceRunState(initialRunState(), list);
    let batched = initialRunState();
    for (let i = 0; i < list.length; i += 3) batched = reduceRunState(batched, list.slice(i, i + 3));
    expect(batched).toEqual(whole);
  });

  it('keeps the unchanged parts of a state shared between snapshots', async () => {
    const list = await eventsOf(busy, {});
    const before = reduceRunState(initialRunState(), list.slice(0, -1));
    const after = reduceRunState(before, list.slice(-1));
    expect(after.steps).toBe(before.steps);
  });

  it('returns the same state for an empty batch', () => {
    const state = reduceRunState(initialRunState(), []);
    expect(reduceRunState(state, [])).toBe(state);
  });

  it('agrees with applyEvent on a mutable state', async () => {
    const list = await eventsOf(busy, {});
    const mutable = initialRunState();
    for (const e of list) applyEvent(mutable, e);
    expect(reduceRunState(initialRunState(), list)).toEqual(mutable);
  });

  it('toRunResult folds a run into the same result execute gives', async () => {
    const viaOperator = await lastValueFrom(run(chain, { runId: 'x' }).pipe(toRunResult(chain)));
    const viaExecute = await execute(chain, { runId: 'x' });
    expect(viaOperator.status).toBe(viaExecute.status);
    expect(viaOperator.output('inc')).toBe(viaExecute.output('inc'));
    expect(typesOf(viaOperator.events)).toEqual(typesOf(viaExecute.events as RunEvent[]));
  });
});
