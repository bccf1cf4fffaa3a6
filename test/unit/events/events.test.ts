/** The event stream of a run (lib/events/events.ts): its order, fields and types. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pipeline, solid } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode, typesOf } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });

const chain = pipeline({
  name: 'chain',
  modes: [quietMode()],
  graph: () => {
    inc(one());
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

    it('carries the step, the output name and the value in STEP_OUTPUT', async () => {
      const pair = solid({ name: 'pair', outputs: { left: z.number(), right: z.string() }, compute: () => ({ left: 1, right: 'r' }) });
      const p = pipeline({
        name: 'outputs',
        modes: [quietMode()],
        graph: () => {
          inc(one());
          pair();
        },
      });
      const outputs = ofType(await eventsOf(p, { runConfig }), 'STEP_OUTPUT');
      expect(outputs.map((e) => [e.stepKey, e.solid, e.output, e.value]).sort()).toEqual([
        ['inc', 'inc', 'result', 2],
        ['one', 'one', 'result', 1],
        ['pair', 'pair', 'left', 1],
        ['pair', 'pair', 'right', 'r'],
      ]);
    });

    it('records RUN_START with the executor, tags and run config', async () => {
      const start = ofType(await eventsOf(chain, { runConfig, tags: { team: 'data' } }), 'RUN_START')[0]!;
      expect(start.executor).toBe(exec.name);
      expect(start.tags).toEqual({ team: 'data' });
      expect(start.runConfig).toEqual(runConfig);
    });
  });
});
