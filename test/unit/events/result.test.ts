/** RunResult: what execute resolves with (lib/events/result.ts). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModeflowError, execute, pipeline, solid } from '../../../lib/index.ts';
import { executors, on, quietMode, typesOf } from '../../helpers/index.ts';

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

  describe('RunResult', () => {
    it('gives a solid’s events', async () => {
      const result = await execute(chain, { runConfig });
      expect(typesOf(result.solid('inc').events)).toEqual(['STEP_START', 'STEP_INPUT', 'STEP_OUTPUT', 'STEP_SUCCESS']);
    });

    it('throws for a solid name the pipeline does not have', async () => {
      const result = await execute(chain, { runConfig });
      expect(() => result.solid('nope')).toThrow(ModeflowError);
    });
  });
});
