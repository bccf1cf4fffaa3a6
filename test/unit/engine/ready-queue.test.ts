/** ReadyQueue: ready steps start highest tags.priority first, then in the order they became ready (lib/engine/ready-queue.ts). */
import { describe, expect, it } from 'vitest';
import { pipeline, solid } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode } from '../../helpers/index.ts';

describe.each(executors)('$name executor', (exec) => {
  it('starts ready steps highest tags.priority first', async () => {
    const mk = (name: string, priority: number) => solid({ name, tags: { priority }, compute: () => undefined });
    const low = mk('low', -1);
    const mid = mk('mid', 0);
    const high = mk('high', 5);
    const top = mk('top', 9);
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        low();
        mid();
        high();
        top();
      },
    });
    const list = await eventsOf(p, {
      runConfig: exec.name === 'async' ? { execution: { async: { config: { maxConcurrent: 1 } } } } : on(exec),
    });
    expect(ofType(list, 'STEP_START').map((e) => e.solid)).toEqual(['top', 'high', 'mid', 'low']);
  });
});
