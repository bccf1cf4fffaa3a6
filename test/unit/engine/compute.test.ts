/** Invoking a compute (lib/engine/compute.ts): what each kind of return value gives, and how a compute fails. */
import { describe, expect, it } from 'vitest';
import { config as rxjsConfig, from, Observable, of, throwError } from 'rxjs';
import { z } from 'zod';
import { execute, pipeline, solid, type AnySolid, type Pipeline } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode } from '../../helpers/index.ts';

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
