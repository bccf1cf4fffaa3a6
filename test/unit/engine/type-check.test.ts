/** Type checks of inputs and outputs (lib/engine/type-check.ts). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StepExecutionError, TypeCheckError, execute, pipeline, solid, type AnySolid, type Pipeline } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode, rejectionOf } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });

/** A one-solid pipeline. */
const single = (s: AnySolid): Pipeline =>
  pipeline({
    name: 'single',
    modes: [quietMode()],
    graph: () => {
      s();
    },
  });

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  describe('type checks', () => {
    it('fails a step whose output fails its schema with a TypeCheckError', async () => {
      const bad = solid({ name: 'bad', output: z.number(), compute: () => 'nope' as never });
      const error = (await rejectionOf(execute(single(bad), { runConfig }))) as StepExecutionError;
      expect(error.cause).toBeInstanceOf(TypeCheckError);
      expect(error.cause).toMatchObject({ direction: 'output', port: 'result', solid: 'bad' });
    });

    it('fails a step whose input fails its schema, before compute runs', async () => {
      let ran = false;
      const text = solid({ name: 'text', output: z.unknown(), compute: () => 'text' });
      const wants = solid({ name: 'wants', inputs: { n: z.number() }, compute: () => void (ran = true) });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          wants(text() as never);
        },
      });
      const error = (await rejectionOf(execute(p, { runConfig }))) as StepExecutionError;
      expect(ran).toBe(false);
      expect(error.stepKey).toBe('wants');
      expect(error.cause).toBeInstanceOf(TypeCheckError);
      expect(error.cause).toMatchObject({ direction: 'input', port: 'n' });
    });

    it("fails the step with what an output schema threw (a refinement of the user's), instead of crashing the run", async () => {
      const blowUp = z.number().refine(() => {
        throw new Error('refine blew up');
      });
      for (const compute of [() => 1, async () => 1]) {
        const bad = solid({ name: 'bad', output: blowUp, compute });
        const result = await execute(single(bad), { runConfig, raiseOnError: false });
        expect(result.solid('bad').status).toBe('FAILURE');
        expect(result.solid('bad').error?.message).toBe('refine blew up');
      }
    });

    it('fails the step with what an input schema threw, before compute runs', async () => {
      let ran = false;
      const blowUp = z.number().transform(() => {
        throw new Error('transform blew up');
      });
      const wants = solid({ name: 'wants', inputs: { n: blowUp }, compute: () => void (ran = true) });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          wants(one());
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(ran).toBe(false);
      expect(result.solid('wants').error?.message).toBe('transform blew up');
    });

    it('fails the step whose output value throws when read (an own getter), instead of crashing the run', async () => {
      const trap = solid({
        name: 'trap',
        compute: () =>
          Object.defineProperty({}, 'x', {
            enumerable: true,
            get() {
              throw new Error('getter blew up');
            },
          }),
      });
      const result = await execute(single(trap), { runConfig, raiseOnError: false });
      expect(result.solid('trap').error?.message).toBe('getter blew up');
    });

    it('names a TypeCheckError in STEP_FAILURE', async () => {
      const bad = solid({ name: 'bad', output: z.number(), compute: () => 'nope' as never });
      const failure = ofType(await eventsOf(single(bad), { runConfig }), 'STEP_FAILURE')[0]!;
      expect(failure.error.name).toBe('TypeCheckError');
      expect(failure.error.message).toContain('bad');
    });

    it('hands downstream the parsed value of an output', async () => {
      const raw = solid({ name: 'raw', output: z.string().transform((s) => s.length), compute: () => 'four' });
      const seen: unknown[] = [];
      const look = solid({ name: 'look', inputs: { n: z.number() }, compute: (_c, { n }) => void seen.push(n) });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          look(raw());
        },
      });
      await execute(p, { runConfig });
      expect(seen).toEqual([4]);
    });

    it('checks each named output against its own schema', async () => {
      const two = solid({ name: 'two', outputs: { a: z.number(), b: z.string() }, compute: () => ({ a: 1, b: 2 as never }) });
      const error = (await rejectionOf(execute(single(two), { runConfig }))) as StepExecutionError;
      expect(error.cause).toMatchObject({ name: 'TypeCheckError', port: 'b' });
    });
  });
});
