/**
 * Contract tests for DESIGN.md "Public API" → Events (the list, the common fields,
 * teardown failures, the invariants) and `RunResult`.
 * Black-box: only the public entry points are imported.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, pipeline, resource, solid, type RunResult } from '../../lib/index.ts';
import { EVENT_TYPES, eventsOf, memoryMode, ofType, typesOf } from '../helpers/index.ts';

const STEP_TYPES = ['STEP_START', 'STEP_INPUT', 'STEP_OUTPUT', 'STEP_SUCCESS', 'STEP_FAILURE', 'STEP_SKIPPED', 'STEP_RETRY'];

/**
 * A run that shows nearly every event: a resource, a logged line, a wired input, an
 * output, a retry, a failure, a skipped downstream step, a teardown, and RUN_FAILURE.
 */
function busyPipeline() {
  const { mode: m, memory } = memoryMode({ name: 'busy_mode', resources: { store: resource({ init: () => ({ rows: 3 }) }) } });
  const load = solid({
    name: 'load',
    resources: ['store'],
    output: z.number(),
    compute: (ctx) => {
      ctx.log.info({ rows: 3 }, 'loaded');
      return (ctx.resources.store as { rows: number }).rows;
    },
  });
  const flaky = solid({
    name: 'flaky',
    inputs: { n: z.number() },
    retry: { maxRetries: 1 },
    output: z.number(),
    compute: (ctx, { n }) => {
      if (ctx.attempt === 1) throw new Error('first attempt fails');
      return n;
    },
  });
  const breaks = solid({
    name: 'breaks',
    inputs: { n: z.number() },
    output: z.number(),
    compute: () => {
      throw new Error('broken');
    },
  });
  const after = solid({ name: 'after', inputs: { n: z.number() }, compute: () => undefined });
  const p = pipeline({
    name: 'busy',
    modes: [m],
    graph: () => {
      const n = load();
      flaky(n);
      after(breaks(n));
    },
  });
  return { p, memory };
}

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Events": a discriminated union on `type`, with runId, pipelineName, mode, timestamp', () => {
  it('a run shows the listed event types (and no other)', async () => {
    const { p } = busyPipeline();
    const events = await eventsOf(p, { runId: 'busy-1' });
    const types = new Set(typesOf(events));
    for (const type of types) expect(EVENT_TYPES).toContain(type);
    for (const type of EVENT_TYPES) {
      if (['RESOURCE_INIT_FAILURE', 'RUN_SUCCESS', 'RUN_CANCELED'].includes(type)) continue;
      expect(types, `expected a ${type} event`).toContain(type);
    }
  });

  it('every event is JSON-serialisable (round-trips through JSON unchanged)', async () => {
    const { p } = busyPipeline();
    const events = await eventsOf(p);
    for (const event of events) expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('every event has runId, pipelineName, mode and timestamp (epoch milliseconds)', async () => {
    const { p } = busyPipeline();
    const before = Date.now();
    const events = await eventsOf(p, { runId: 'busy-2' });
    const after = Date.now();
    for (const event of events) {
      expect(event).toMatchObject({ runId: 'busy-2', pipelineName: 'busy', mode: 'busy_mode' });
      expect(typeof event.timestamp).toBe('number');
      expect(event.timestamp).toBeGreaterThanOrEqual(before - 1);
      expect(event.timestamp).toBeLessThanOrEqual(after + 1);
    }
  });

  it.each(['sync', 'async', 'virtualTime'])('timestamp is epoch milliseconds under the %s executor too', async (executorName) => {
    const { p } = busyPipeline();
    const before = Date.now();
    const events = await eventsOf(p, { runConfig: { execution: { [executorName]: {} } } });
    const after = Date.now();
    const off = events.filter((e) => !(e.timestamp >= before - 1 && e.timestamp <= after + 1)).map((e) => `${e.type}@${e.timestamp}`);
    expect(off, `events whose timestamp is not the wall clock (${before}..${after})`).toEqual([]);
  });

  describe('every event is JSON-serialisable, whatever a compute emits or logs', () => {
    /** The events of a run, and the types of those that JSON.stringify cannot serialise. */
    async function unserialisable(compute: (ctx: { log: { info(fields: object, msg: string): void } }) => unknown) {
      const s = solid({ name: 's', output: z.unknown(), compute });
      const { mode: m } = memoryMode();
      const events = await eventsOf(pipeline({ name: 'p', modes: [m], graph: () => s() }));
      const bad: string[] = [];
      for (const e of events) {
        try {
          JSON.stringify(e);
        } catch (error) {
          bad.push(`${e.type}: ${(error as Error).message}`);
        }
      }
      return { events, bad };
    }

    it('an output holding a BigInt (e.g. an int8 column from a driver)', async () => {
      const { events, bad } = await unserialisable(() => ({ id: 9007199254740993n }));
      expect(typesOf(events).at(-1)).toBe('RUN_SUCCESS');
      expect(bad).toEqual([]);
    });

    it('an output holding a circular reference', async () => {
      const node: Record<string, unknown> = { name: 'root' };
      node['parent'] = node;
      const { bad } = await unserialisable(() => node);
      expect(bad).toEqual([]);
    });

    it('a ctx.log record whose fields hold a BigInt (a LOG event)', async () => {
      const { events, bad } = await unserialisable((ctx) => ctx.log.info({ rows: 3n }, 'counted'));
      expect(ofType(events, 'LOG').some((e) => e.message === 'counted')).toBe(true);
      expect(bad).toEqual([]);
    });
  });

  it('step events carry stepKey and solid (the invocation name)', async () => {
    const { p } = busyPipeline();
    const events = await eventsOf(p);
    const stepEvents = events.filter((e) => STEP_TYPES.includes(e.type));
    expect(stepEvents.length).toBeGreaterThan(0);
    for (const event of stepEvents) {
      expect(event).toHaveProperty('stepKey', expect.any(String));
      expect(event).toHaveProperty('solid', expect.any(String));
    }
    expect(ofType(events, 'STEP_SKIPPED').map((e) => [e.stepKey, e.solid])).toEqual([['after', 'after']]);
    expect(ofType(events, 'STEP_RETRY').map((e) => [e.stepKey, e.solid])).toEqual([['flaky', 'flaky']]);
  });

  it('a LOG event logged by a step carries its stepKey and solid', async () => {
    const { p } = busyPipeline();
    const logs = ofType(await eventsOf(p), 'LOG').filter((e) => e.message === 'loaded');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ stepKey: 'load', solid: 'load', level: 'info' });
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Events" → RunResult', () => {
  it('has runId, pipelineName, mode, status, success and events', async () => {
    const { p } = busyPipeline();
    const events = await eventsOf(p, { runId: 'same' });
    const result = await execute(p, { runId: 'same', raiseOnError: false });
    expect(result).toMatchObject({ runId: 'same', pipelineName: 'busy', mode: 'busy_mode', status: 'FAILURE', success: false });
    expect(typesOf(result.events)).toEqual(typesOf(events));
  });

  it('solid(name) → { status, success, skipped, output(name?), outputs, events, error }', async () => {
    const { p } = busyPipeline();
    const result: RunResult = await execute(p, { raiseOnError: false });
    const load = result.solid('load');
    expect(load).toMatchObject({ status: 'SUCCESS', success: true, skipped: false, outputs: { result: [3] } });
    expect(load.output()).toBe(3);
    expect(load.output('result')).toBe(3);
    expect(load.error).toBeUndefined();
    expect(load.events.length).toBeGreaterThan(0);
    expect(load.events.every((e) => 'solid' in e && e.solid === 'load')).toBe(true);

    const breaks = result.solid('breaks');
    expect(breaks).toMatchObject({ status: 'FAILURE', success: false, skipped: false });
    expect(breaks.error).toMatchObject({ name: 'Error', message: 'broken' });

    const after = result.solid('after');
    expect(after).toMatchObject({ status: 'SKIPPED', success: false, skipped: true });
  });
});
