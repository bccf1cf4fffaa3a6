/** The event stream of a run (lib/events/events.ts): its order, fields and types. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isTerminal, pipeline, resource, solid } from '../../../lib/index.ts';
import { EVENT_TYPES, eventsOf, executors, ofType, on, quietMode, typesOf } from '../../helpers/index.ts';

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

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  describe('the event stream', () => {
    it('emits exactly the events of a two-step chain, in order', async () => {
      expect(typesOf(await eventsOf(chain, { runConfig }))).toEqual([
        'RUN_START',
        'STEP_START',
        'STEP_OUTPUT',
        'STEP_SUCCESS',
        'STEP_START',
        'STEP_INPUT',
        'STEP_OUTPUT',
        'STEP_SUCCESS',
        'RUN_SUCCESS',
      ]);
    });

    it('starts with RUN_START and ends with one terminal event, then completes', async () => {
      const list = await eventsOf(busy, { runConfig });
      expect(list[0]!.type).toBe('RUN_START');
      expect(list.filter(isTerminal)).toHaveLength(1);
      expect(isTerminal(list.at(-1)!)).toBe(true);
    });

    it('emits only the listed event types', async () => {
      const list = await eventsOf(busy, { runConfig });
      for (const event of list) expect(EVENT_TYPES).toContain(event.type);
    });

    it('gives every event runId, pipelineName, mode and an epoch-ms timestamp', async () => {
      const before = Date.now();
      const list = await eventsOf(busy, { runConfig, runId: 'r1' });
      const after = Date.now();
      for (const event of list) {
        expect(event).toMatchObject({ runId: 'r1', pipelineName: 'busy', mode: 'default' });
        expect(event.timestamp).toBeGreaterThanOrEqual(before);
        expect(event.timestamp).toBeLessThanOrEqual(after);
      }
    });

    it('gives step events their stepKey and solid', async () => {
      const list = await eventsOf(busy, { runConfig });
      const stepTypes = ['STEP_START', 'STEP_INPUT', 'STEP_OUTPUT', 'STEP_SUCCESS', 'STEP_FAILURE', 'STEP_SKIPPED', 'STEP_RETRY'];
      const stepEvents = list.filter((e) => stepTypes.includes(e.type));
      expect(stepEvents.length).toBeGreaterThan(0);
      for (const event of stepEvents) {
        expect(event).toHaveProperty('stepKey');
        expect(event).toHaveProperty('solid');
      }
    });

    it('makes every event JSON-serialisable', async () => {
      const list = await eventsOf(busy, { runConfig });
      for (const event of list) expect(JSON.parse(JSON.stringify(event))).toEqual(event);
    });

    it('gives each STEP_START exactly one STEP_SUCCESS or STEP_FAILURE', async () => {
      const list = await eventsOf(busy, { runConfig });
      for (const start of ofType(list, 'STEP_START')) {
        const ends = list.filter((e) => (e.type === 'STEP_SUCCESS' || e.type === 'STEP_FAILURE') && e.stepKey === start.stepKey);
        expect(ends).toHaveLength(1);
      }
    });

    it('names where an input came from in STEP_INPUT', async () => {
      const input = ofType(await eventsOf(chain, { runConfig }), 'STEP_INPUT')[0]!;
      expect(input).toMatchObject({ stepKey: 'inc', input: 'n', source: 'one.result' });
    });

    it('carries output values in STEP_OUTPUT', async () => {
      const outputs = ofType(await eventsOf(chain, { runConfig }), 'STEP_OUTPUT');
      expect(outputs.map((e) => [e.stepKey, e.output, e.value])).toEqual([
        ['one', 'result', 1],
        ['inc', 'result', 2],
      ]);
    });

    it('gives STEP_FAILURE the name, message, stack and fields of what compute threw', async () => {
      const failure = ofType(await eventsOf(busy, { runConfig }), 'STEP_FAILURE')[0]!;
      expect(failure.stepKey).toBe('fail');
      expect(failure.error).toMatchObject({ name: 'Error', message: 'it broke', code: 'E_BROKE' });
      expect(failure.error.stack).toContain('it broke');
    });

    it('records RUN_START with the executor, tags and run config', async () => {
      const start = ofType(await eventsOf(chain, { runConfig, tags: { team: 'data' } }), 'RUN_START')[0]!;
      expect(start.executor).toBe(exec.name);
      expect(start.tags).toEqual({ team: 'data' });
      expect(start.runConfig).toEqual(runConfig);
    });
  });
});
