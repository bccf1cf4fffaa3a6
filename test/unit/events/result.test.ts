/** RunResult: what execute resolves with (lib/events/result.ts). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModeflowError, execute, pipeline, resource, solid } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode, typesOf } from '../../helpers/index.ts';

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

  describe('RunResult', () => {
    it('has status SUCCESS and success true for a run that succeeded', async () => {
      const result = await execute(chain, { runConfig });
      expect(result.status).toBe('SUCCESS');
      expect(result.success).toBe(true);
    });

    it('has status FAILURE and success false for a failed run', async () => {
      const result = await execute(busy, { runConfig, raiseOnError: false });
      expect(result.status).toBe('FAILURE');
      expect(result.success).toBe(false);
    });

    it('carries runId, pipelineName and mode', async () => {
      const result = await execute(chain, { runConfig, runId: 'abc' });
      expect([result.runId, result.pipelineName, result.mode]).toEqual(['abc', 'chain', 'default']);
    });

    it('holds the events the stream emitted', async () => {
      const result = await execute(busy, { runConfig, raiseOnError: false, runId: 'same' });
      const list = await eventsOf(busy, { runConfig, runId: 'same' });
      expect(typesOf(result.events)).toEqual(typesOf(list));
    });

    it('reports each solid’s status, success and skipped', async () => {
      const result = await execute(busy, { runConfig, raiseOnError: false });
      expect(result.solid('src')).toMatchObject({ status: 'SUCCESS', success: true, skipped: false });
      expect(result.solid('fail')).toMatchObject({ status: 'FAILURE', success: false, skipped: false });
      expect(result.solid('after_fail')).toMatchObject({ status: 'SKIPPED', success: false, skipped: true });
      expect(result.solid('ok')).toMatchObject({ status: 'SUCCESS', success: true });
    });

    it('gives the error of a failed solid as STEP_FAILURE carried it', async () => {
      const result = await execute(busy, { runConfig, raiseOnError: false });
      const failure = ofType(result.events, 'STEP_FAILURE')[0]!;
      expect(result.solid('fail').error).toEqual(failure.error);
    });

    it('gives a solid’s events', async () => {
      const result = await execute(chain, { runConfig });
      expect(typesOf(result.solid('inc').events)).toEqual(['STEP_START', 'STEP_INPUT', 'STEP_OUTPUT', 'STEP_SUCCESS']);
    });

    it('reads an output with output(solid) and output(solid, name)', async () => {
      const result = await execute(chain, { runConfig });
      expect(result.output('inc')).toBe(2);
      expect(result.output('inc', 'result')).toBe(2);
      expect(result.solid('inc').output()).toBe(2);
    });

    it('gives outputs as arrays of every value', async () => {
      const result = await execute(chain, { runConfig });
      expect(result.solid('inc').outputs).toEqual({ result: [2] });
    });

    it('gives output() the array when an output emitted several values', async () => {
      const many = solid({ name: 'many', compute: () => ['x', 'y'] });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          many();
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.output('many')).toEqual(['x', 'y']);
    });

    it('gives output() undefined and outputs [] for an output never produced', async () => {
      const maybe = solid({ name: 'maybe', outputs: { yes: z.number(), no: z.number() }, compute: () => ({ yes: 1 }) });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          maybe();
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.output('maybe', 'no')).toBeUndefined();
      expect(result.solid('maybe').outputs).toEqual({ yes: [1], no: [] });
    });

    it('produces the result output of a solid without output even when compute returns undefined', async () => {
      const quiet = solid({ name: 'quiet', compute: () => undefined });
      const next = solid({ name: 'next', inputs: { x: z.unknown() }, output: z.string(), compute: () => 'ran' });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          next(quiet());
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.solid('quiet').outputs).toEqual({ result: [undefined] });
      expect(result.output('next')).toBe('ran');
    });

    it('throws for a solid name the pipeline does not have', async () => {
      const result = await execute(chain, { runConfig });
      expect(() => result.solid('nope')).toThrow(ModeflowError);
    });

    it('gives a mapped solid the values of all its steps, in index order', async () => {
      const src = solid({
        name: 'src',
        output: z.number(),
        compute: async function* () {
          yield 3;
          yield 1;
          yield 2;
        },
      });
      const slow = solid({
        name: 'slow',
        inputs: { n: z.number() },
        output: z.number(),
        compute: async (_c, { n }) => {
          await new Promise((r) => setTimeout(r, n * 3));
          return n * 10;
        },
      });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          slow(src());
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.solid('slow').outputs['result']).toEqual([30, 10, 20]);
      expect(result.solid('slow').stepKeys).toEqual(['slow[0]', 'slow[1]', 'slow[2]']);
    });

    it('gives a mapped solid FAILURE when any of its steps failed', async () => {
      const nums = solid({
        name: 'nums',
        output: z.number(),
        compute: async function* () {
          yield 1;
          yield 2;
          yield 3;
        },
      });
      const odd = solid({
        name: 'odd',
        inputs: { n: z.number() },
        output: z.number(),
        compute: (_c, { n }) => {
          if (n === 2) throw new Error('even');
          return n;
        },
      });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          odd(nums());
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('odd').status).toBe('FAILURE');
      expect(result.solid('odd').outputs['result']).toEqual([1, 3]);
      expect(result.solid('odd').error?.message).toBe('even');
    });

    it('gives a mapped solid SKIPPED when all its steps were skipped', async () => {
      const nums = solid({
        name: 'nums',
        output: z.number(),
        compute: async function* () {
          yield 1;
          yield 2;
        },
      });
      const boom = solid({
        name: 'boom',
        inputs: { n: z.number() },
        output: z.number(),
        compute: () => {
          throw new Error('boom');
        },
      });
      const after = solid({ name: 'after', inputs: { n: z.number() }, compute: () => undefined });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          after(boom(nums()));
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('after').status).toBe('SKIPPED');
      expect(result.solid('after').skipped).toBe(true);
    });
  });
});
