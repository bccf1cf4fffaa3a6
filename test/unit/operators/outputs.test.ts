import { lastValueFrom, Observable, toArray } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { memoryLogger, mode, ModeflowError, outputs, pipeline, run, solid } from '../../../lib/index.ts';

const quiet = () => mode({ loggers: { memory: memoryLogger() } });
const numbers = solid({
  name: 'numbers',
  output: z.number(),
  compute: () =>
    new Observable<number>((s) => {
      [1, 2, 3].forEach((n) => s.next(n));
      s.complete();
    }),
});
const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n * 2 });
const split = solid({
  name: 'split',
  inputs: { n: z.number() },
  outputs: { even: z.number(), odd: z.number() },
  compute: (_ctx, { n }) => (n % 2 === 0 ? { even: n } : { odd: n }),
});
const p = pipeline({
  name: 'outputs_pipeline',
  modes: [quiet()],
  graph: () => {
    const xs = numbers();
    const doubled = double(xs);
    double.alias('again')(doubled);
    double({ n: xs });
    split(xs);
  },
});

const valuesOf = <T>(source: Observable<T>): Promise<T[]> => lastValueFrom(source.pipe(toArray()));

describe('outputs', () => {
  it("emits a solid's values, typed, each fanned step's in order", async () => {
    const values = await valuesOf(run(p).pipe(outputs(double)));
    expectTypeOf(values).toEqualTypeOf<number[]>();
    expect(values).toEqual([2, 4, 6]);
    expect(await valuesOf(run(p).pipe(outputs(numbers)))).toEqual([1, 2, 3]);
  });

  it('reads aliases, the Nth invocation by name, and named outputs', async () => {
    expect(await valuesOf(run(p).pipe(outputs(double.alias('again'))))).toEqual([4, 8, 12]);
    expect(await valuesOf(run(p).pipe(outputs('double_2')))).toEqual([2, 4, 6]);
    const odd = await valuesOf(run(p).pipe(outputs(split, 'odd')));
    expectTypeOf(odd).toEqualTypeOf<number[]>();
    expect(odd).toEqual([1, 3]);
  });

  it('never emits the values of an attempt that failed and was retried', async () => {
    const streaming = solid({
      name: 'streaming',
      retry: { maxRetries: 1 },
      output: z.number(),
      compute: (ctx) =>
        new Observable<number>((s) => {
          s.next(ctx.attempt * 10);
          s.next(ctx.attempt * 10 + 1);
          if (ctx.attempt === 1) s.error(new Error('lost the connection'));
          else s.complete();
        }),
    });
    const q = pipeline({ name: 'retried_outputs', modes: [quiet()], graph: () => void streaming() });
    expect(await valuesOf(run(q).pipe(outputs(streaming)))).toEqual([20, 21]);
  });

  it('never emits the values of a step that failed', async () => {
    const partial = solid({
      name: 'partial',
      output: z.number(),
      compute: () =>
        new Observable<number>((s) => {
          s.next(1);
          s.error(new Error('broke after one value'));
        }),
    });
    const q = pipeline({ name: 'failed_outputs', modes: [quiet()], graph: () => void partial() });
    expect(await valuesOf(run(q).pipe(outputs(partial)))).toEqual([]);
  });

  it('emits the values themselves, not the JSON-safe copies events show', async () => {
    const big = solid({ name: 'big', output: z.bigint(), compute: () => 2n ** 70n });
    const q = pipeline({ name: 'bigint_outputs', modes: [quiet()], graph: () => void big() });
    expect(await valuesOf(run(q).pipe(outputs(big)))).toEqual([2n ** 70n]);
  });

  it('refuses an output the definition does not declare, at once', () => {
    expect(() => outputs(split, 'nope' as 'odd')).toThrow(ModeflowError);
    expect(() => outputs(split, 'nope' as 'odd')).toThrow(/has no output "nope"; its outputs are: even, odd/);
  });
});
