import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StepExecutionError, execute, pipeline, solid } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode, rejectionOf } from '../../helpers/index.ts';

class QuotaError extends Error {
  override readonly name = 'QuotaError';
  readonly limit = 10;
}

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });
const boom = new QuotaError('quota exceeded');
const explode = solid({
  name: 'explode',
  inputs: { n: z.number() },
  output: z.number(),
  compute: () => {
    throw boom;
  },
});

// one → explode → after → last;  one → side
const branched = pipeline({
  name: 'branched',
  modes: [quietMode()],
  graph: () => {
    const n = one();
    inc.alias('last')(inc.alias('after')(explode(n)));
    inc.alias('side')(n);
  },
});

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  describe('a failing step', () => {
    it('skips the steps downstream of it, transitively', async () => {
      const list = await eventsOf(branched, { runConfig });
      expect(ofType(list, 'STEP_SKIPPED').map((e) => [e.stepKey, e.reason])).toEqual([
        ['after', 'UPSTREAM_FAILED'],
        ['last', 'UPSTREAM_FAILED'],
      ]);
    });

    it('never starts a skipped step', async () => {
      const list = await eventsOf(branched, { runConfig });
      expect(ofType(list, 'STEP_START').map((e) => e.stepKey)).not.toContain('after');
    });

    it('still runs independent branches', async () => {
      const result = await execute(branched, { runConfig, raiseOnError: false });
      expect(result.output('side')).toBe(2);
      expect(result.solid('side').success).toBe(true);
    });

    it('ends the run RUN_FAILURE naming the failed step', async () => {
      const last = (await eventsOf(branched, { runConfig })).at(-1)!;
      expect(last.type).toBe('RUN_FAILURE');
      expect(last.type === 'RUN_FAILURE' && last.failedSteps).toEqual(['explode']);
      expect(last.type === 'RUN_FAILURE' && last.error?.message).toBe('quota exceeded');
    });

    it('does not error the run Observable', async () => {
      const list = await eventsOf(branched, { runConfig });
      expect(list.at(-1)?.type).toBe('RUN_FAILURE');
    });

    it('makes execute reject with a StepExecutionError', async () => {
      expect(await rejectionOf(execute(branched, { runConfig }))).toBeInstanceOf(StepExecutionError);
    });

    it('gives the StepExecutionError the failed stepKey', async () => {
      const error = (await rejectionOf(execute(branched, { runConfig }))) as StepExecutionError;
      expect(error.stepKey).toBe('explode');
    });

    it('gives the StepExecutionError the thrown error as cause', async () => {
      const error = (await rejectionOf(execute(branched, { runConfig }))) as StepExecutionError;
      expect(error.cause).toBe(boom);
    });

    it('includes the cause’s message in the StepExecutionError message', async () => {
      const error = (await rejectionOf(execute(branched, { runConfig }))) as StepExecutionError;
      expect(error.message).toContain('quota exceeded');
    });

    it('gives the StepExecutionError the partial result', async () => {
      const error = (await rejectionOf(execute(branched, { runConfig }))) as StepExecutionError<Awaited<ReturnType<typeof execute>>>;
      expect(error.result.status).toBe('FAILURE');
      expect(error.result.output('side')).toBe(2);
    });

    it('resolves with the failed result when raiseOnError is false', async () => {
      const result = await execute(branched, { runConfig, raiseOnError: false });
      expect(result.status).toBe('FAILURE');
      expect(result.solid('explode').error).toMatchObject({ name: 'QuotaError', message: 'quota exceeded', limit: 10 });
    });
  });

  describe('outputs with several consumers', () => {
    it('deep-freezes an output handed to two consumers', async () => {
      const seen: boolean[] = [];
      const make = solid({ name: 'make', compute: () => ({ rows: [{ id: 1 }] }) });
      const look = solid({
        name: 'look',
        inputs: { v: z.any() },
        compute: (_c, { v }) => {
          seen.push(Object.isFrozen(v), Object.isFrozen(v.rows), Object.isFrozen(v.rows[0]));
        },
      });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          const m = make();
          look(m);
          look(m);
        },
      });
      await execute(p, { runConfig });
      expect(seen).toEqual([true, true, true, true, true, true]);
    });

    it('fails a consumer that tries to change a shared input, and leaves the other’s value intact', async () => {
      const make = solid({ name: 'make', compute: () => ({ n: 1 }) });
      const mutate = solid({
        name: 'mutate',
        inputs: { v: z.any() },
        compute: (_c, { v }) => {
          v.n = 99;
        },
      });
      const read = solid({ name: 'read', inputs: { v: z.any() }, compute: (_c, { v }) => v.n });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          const m = make();
          mutate(m);
          read(m);
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('mutate').status).toBe('FAILURE');
      expect(result.output('read')).toBe(1);
    });
  });
});

describe('inputs', () => {
  it('hands a solid with many inputs an ordinary object holding each of them', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `in${i}`);
    let seen: Record<string, unknown> | undefined;
    const wide = solid({
      name: 'wide',
      inputs: Object.fromEntries(names.map((n) => [n, z.number()])),
      output: z.number(),
      compute: (_c, inputs) => {
        seen = inputs;
        return Object.values(inputs).reduce((a: number, b) => a + (b as number), 0);
      },
    });
    const p = pipeline({
      name: 'wide_pipeline',
      modes: [quietMode()],
      graph: () => {
        const ones = names.map(() => one());
        wide(...ones);
      },
    });
    const result = await execute(p);
    expect(result.output('wide')).toBe(40);
    expect(Object.getPrototypeOf(seen)).toBe(Object.prototype);
    expect(Object.keys(seen!)).toEqual(names);
    expect(seen!.hasOwnProperty('in7')).toBe(true);
  });
});
