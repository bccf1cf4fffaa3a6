/** The drive loop (lib/engine/drive-loop.ts): which steps start when. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, isTerminal, pipeline, solid } from '../../../lib/index.ts';
import { eventsOf, executors, on, quietMode } from '../../helpers/index.ts';

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

describe.each(executors)('$name executor', (exec) => {
  it('gives the outputs of every step', async () => {
    const result = await execute(diamond, { runConfig: on(exec) });
    expect(result.output('one')).toBe(1);
    expect(result.output('left')).toBe(2);
    expect(result.output('right')).toBe(3);
    expect(result.output('add')).toBe(5);
  });

  it('starts each step after its upstream succeeded', async () => {
    const list = await eventsOf(diamond, { runConfig: on(exec) });
    const at = (type: string, key: string) => list.findIndex((e) => e.type === type && 'stepKey' in e && e.stepKey === key);
    expect(at('STEP_START', 'add')).toBeGreaterThan(at('STEP_SUCCESS', 'left'));
    expect(at('STEP_START', 'add')).toBeGreaterThan(at('STEP_SUCCESS', 'right'));
    expect(at('STEP_START', 'right')).toBeGreaterThan(at('STEP_SUCCESS', 'right_before'));
  });

  it('ends with exactly one terminal event, last', async () => {
    const list = await eventsOf(diamond, { runConfig: on(exec) });
    expect(list.filter(isTerminal)).toHaveLength(1);
    expect(isTerminal(list.at(-1)!)).toBe(true);
  });
});
