import { describe, expect, it } from 'vitest';
import { config as rxjsConfig, from, Observable, of, throwError } from 'rxjs';
import { z } from 'zod';
import {
  InvalidConfigError,
  InvariantViolationError,
  ModeflowError,
  StepExecutionError,
  TypeCheckError,
  execute,
  pipeline,
  run,
  solid,
  type AnySolid,
  type Pipeline,
} from '../../../lib/index.ts';
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

    it('reports a thrown string as an error with that message', async () => {
      const s = solid({
        name: 's',
        compute: () => {
          throw 'plain string';
        },
      });
      const result = await execute(single(s), { runConfig, raiseOnError: false });
      expect(result.solid('s').error?.message).toBe('plain string');
    });

    it('fails a step whose Promise rejects', async () => {
      const s = solid({ name: 's', compute: async () => Promise.reject(new Error('rejected')) });
      const result = await execute(single(s), { runConfig, raiseOnError: false });
      expect(result.solid('s').error?.message).toBe('rejected');
    });

    it('fails a step whose Observable errors, keeping what it emitted before', async () => {
      const s = solid({
        name: 's',
        compute: () =>
          new Observable<number>((sub) => {
            sub.next(1);
            sub.error(new Error('stream broke'));
          }),
      });
      const list = await eventsOf(single(s), { runConfig });
      expect(ofType(list, 'STEP_OUTPUT').map((e) => e.value)).toEqual([1]);
      expect(ofType(list, 'STEP_FAILURE')[0]?.error.message).toBe('stream broke');
    });

    it('fails a step whose AsyncIterable throws', async () => {
      const s = solid({
        name: 's',
        compute: async function* () {
          yield 1;
          throw new Error('iteration broke');
        },
      });
      const result = await execute(single(s), { runConfig, raiseOnError: false });
      expect(result.solid('s').error?.message).toBe('iteration broke');
    });

    it('fails a step whose AsyncIterable throws when asked for its iterator', async () => {
      const s = solid({
        name: 's',
        compute: () =>
          ({
            [Symbol.asyncIterator]() {
              throw new Error('no iterator');
            },
          }) as never,
      });
      const result = await execute(single(s), { runConfig, raiseOnError: false });
      expect(result.solid('s').error?.message).toBe('no iterator');
    });

    it('fails a multi-output step that returns an output it does not declare', async () => {
      const s = solid({ name: 's', outputs: { a: z.number() }, compute: () => ({ b: 1 }) as never });
      const result = await execute(single(s), { runConfig, raiseOnError: false });
      expect(result.solid('s').status).toBe('FAILURE');
      expect(result.solid('s').error?.message).toContain('b');
    });
    it('fails a multi-output step whose synchronous Observable emits a non-object, and stops that Observable', async () => {
      let stopped = false;
      const s = solid({
        name: 's',
        outputs: { a: z.number(), b: z.number() },
        compute: () =>
          new Observable<never>((subscriber) => {
            subscriber.next(5 as never);
            return () => {
              stopped = true;
            };
          }),
      });
      const unhandled: unknown[] = [];
      const previous = rxjsConfig.onUnhandledError;
      rxjsConfig.onUnhandledError = (error) => unhandled.push(error);
      try {
        const result = await execute(single(s), { runConfig, raiseOnError: false });
        await new Promise((resolve) => setTimeout(resolve, 0)); // RxJS reports unhandled errors on a timer
        expect(result.solid('s').status).toBe('FAILURE');
        expect(result.solid('s').error?.message).toContain('must return objects keyed by output name; it returned number');
        expect(stopped).toBe(true);
        expect(unhandled).toEqual([]);
      } finally {
        rxjsConfig.onUnhandledError = previous;
      }
    });
  });

  describe('optional outputs', () => {
    const maybe = solid({
      name: 'maybe',
      outputs: { found: z.number(), missing: z.number() },
      compute: () => ({ found: 1 }),
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        const { found, missing } = maybe();
        inc.alias('use_found')(found);
        inc.alias('after_missing')(inc.alias('use_missing')(missing));
      },
    });

    it('skips the downstream of an output that was not produced', async () => {
      const list = await eventsOf(p, { runConfig });
      expect(ofType(list, 'STEP_SKIPPED').map((e) => [e.stepKey, e.reason])).toEqual([
        ['use_missing', 'OUTPUT_NOT_PRODUCED'],
        ['after_missing', 'OUTPUT_NOT_PRODUCED'],
      ]);
    });

    it('runs the downstream of the outputs that were produced', async () => {
      const result = await execute(p, { runConfig });
      expect(result.output('use_found')).toBe(2);
    });

    it('lets the run succeed', async () => {
      const result = await execute(p, { runConfig });
      expect(result.status).toBe('SUCCESS');
      expect(result.solid('use_missing').skipped).toBe(true);
    });

    it('treats an output given as undefined as not produced', async () => {
      const partial = solid({
        name: 'partial',
        outputs: { a: z.number(), b: z.number() },
        compute: () => ({ a: 1, b: undefined }) as never,
      });
      const q = pipeline({
        name: 'q',
        modes: [quietMode()],
        graph: () => {
          const { b } = partial();
          inc(b);
        },
      });
      const result = await execute(q, { runConfig });
      expect(result.solid('inc').skipped).toBe(true);
    });
  });

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

  describe('compute return types', () => {
    const valuesOf = async (compute: () => unknown) => {
      const s = solid({ name: 's', output: z.number(), compute: compute as () => number });
      return (await execute(single(s), { runConfig })).solid('s').outputs['result'];
    };

    it('takes a plain value', async () => {
      expect(await valuesOf(() => 5)).toEqual([5]);
    });

    it('takes a Promise', async () => {
      expect(await valuesOf(async () => 5)).toEqual([5]);
    });

    it('takes every value of a synchronous Observable', async () => {
      expect(await valuesOf(() => of(1, 2, 3))).toEqual([1, 2, 3]);
    });

    it('takes every value of an asynchronous Observable', async () => {
      expect(await valuesOf(() => from(Promise.resolve(7)))).toEqual([7]);
    });

    it('takes every value of an AsyncIterable', async () => {
      expect(
        await valuesOf(async function* () {
          yield 1;
          yield 2;
        }),
      ).toEqual([1, 2]);
    });

    it('produces no value from an empty Observable', async () => {
      expect(await valuesOf(() => of())).toEqual([]);
    });

    it('fails from an Observable that errors at once', async () => {
      const s = solid({ name: 's', compute: () => throwError(() => new Error('at once')) });
      const result = await execute(single(s), { runConfig, raiseOnError: false });
      expect(result.solid('s').error?.message).toBe('at once');
    });
  });
});

describe('errors before the run starts', () => {
  const two = pipeline({
    name: 'two_modes',
    modes: [quietMode({ name: 'dev' }), quietMode({ name: 'prod' })],
    graph: () => {
      one();
    },
  });
  const configured = pipeline({
    name: 'configured',
    modes: [quietMode()],
    graph: () => {
      solid({ name: 'needs', config: z.object({ n: z.number() }), compute: () => undefined })();
    },
  });

  const subscribeError = (p: Pipeline, options: Parameters<typeof run>[1]) =>
    new Promise<unknown>((resolve, reject) => {
      run(p, options).subscribe({
        next: () => reject(new Error('no event expected')),
        error: resolve,
        complete: () => reject(new Error('no completion expected')),
      });
    });

  it('errors the Observable for an unknown mode, listing the modes', async () => {
    const error = await subscribeError(two, { mode: 'staging' });
    expect(error).toBeInstanceOf(InvariantViolationError);
    expect((error as Error).message).toContain('staging');
    expect((error as Error).message).toContain('dev');
    expect((error as Error).message).toContain('prod');
  });

  it('errors the Observable when several modes exist and none is chosen', async () => {
    expect(await subscribeError(two, {})).toBeInstanceOf(InvariantViolationError);
  });

  it('errors the Observable for invalid run config, with every issue', async () => {
    const error = await subscribeError(configured, { runConfig: { solids: { needs: { config: { n: 'x' } } }, nonsense: 1 } });
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).issues.length).toBeGreaterThanOrEqual(2);
  });

  it('does not throw when run() is called, only when subscribed', () => {
    expect(() => run(two, { mode: 'staging' })).not.toThrow();
  });

  it('makes execute reject with the same error, unwrapped', async () => {
    const error = await rejectionOf(execute(two, { mode: 'staging' }));
    expect(error).toBeInstanceOf(InvariantViolationError);
    expect(error).not.toBeInstanceOf(StepExecutionError);
  });

  it('makes execute reject even with raiseOnError false', async () => {
    const error = await rejectionOf(execute(configured, { raiseOnError: false }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });

  it('never makes execute throw synchronously', async () => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = execute(two, { mode: 'staging' });
    }).not.toThrow();
    await expect(promise).rejects.toBeInstanceOf(ModeflowError);
  });

  it('makes execute reject, not throw, for a value that is no pipeline', async () => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = execute(undefined as never);
    }).not.toThrow();
    await expect(promise).rejects.toBeDefined();
  });

  it('emits no event before the error', async () => {
    const seen: string[] = [];
    await new Promise<void>((resolve) => run(two, {}).subscribe({ next: (e) => seen.push(e.type), error: () => resolve() }));
    expect(seen).toEqual([]);
  });

  it('reports a missing required unconnected input as InvalidConfigError', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        inc();
      },
    });
    const error = await rejectionOf(execute(p));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(JSON.stringify((error as InvalidConfigError).issues)).toContain('inc');
  });

  it('gives InvalidConfigError issue paths as arrays of keys', async () => {
    const error = (await rejectionOf(
      execute(configured, { runConfig: { solids: { needs: { config: { n: 'x' } } } } }),
    )) as InvalidConfigError;
    expect(error.issues[0]?.path).toEqual(['solids', 'needs', 'config', 'n']);
  });

  it('reports an unset environment variable before any step starts', async () => {
    let ran = false;
    const s = solid({ name: 's', config: z.object({ k: z.string() }), compute: () => void (ran = true) });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        s();
      },
    });
    const error = await rejectionOf(execute(p, { runConfig: { solids: { s: { config: { k: { env: 'MODEFLOW_SURELY_UNSET_VAR' } } } } } }));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(ran).toBe(false);
  });
});
