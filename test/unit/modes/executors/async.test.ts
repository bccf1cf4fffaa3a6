import { describe, expect, it } from 'vitest';
import { of } from 'rxjs';
import { z } from 'zod';
import { InvalidConfigError, execute, pipeline, solid } from '../../../../lib/index.ts';
import { quietMode, rejectionOf, sleep } from '../../../helpers/index.ts';

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

describe('the async executor', () => {
  const concurrency = async (maxConcurrent: number, count: number) => {
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
        for (let i = 0; i < count; i++) slow();
      },
    });
    const result = await execute(p, { runConfig: { execution: { async: { config: { maxConcurrent } } } } });
    expect(result.success).toBe(true);
    return most;
  };

  it('never has more than maxConcurrent computes in flight', async () => {
    expect(await concurrency(2, 6)).toBeLessThanOrEqual(2);
  });

  it('runs ready steps concurrently up to maxConcurrent', async () => {
    expect(await concurrency(3, 6)).toBe(3);
  });

  it('limits the mapped steps of a fan-out to maxConcurrent too', async () => {
    let inflight = 0;
    let most = 0;
    const src = solid({ name: 'src', output: z.number(), compute: () => of(1, 2, 3, 4, 5, 6) });
    const slow = solid({
      name: 'slow',
      inputs: { n: z.number() },
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
        slow(src());
      },
    });
    await execute(p, { runConfig: { execution: { async: { config: { maxConcurrent: 2 } } } } });
    expect(most).toBe(2);
  });

  it('runs one at a time with maxConcurrent 1', async () => {
    expect(await concurrency(1, 4)).toBe(1);
  });

  it('refuses maxConcurrent 0 before the run starts', async () => {
    const error = await rejectionOf(execute(diamond, { runConfig: { execution: { async: { config: { maxConcurrent: 0 } } } } }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });
});
