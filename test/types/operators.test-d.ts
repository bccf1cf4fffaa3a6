import { of, type Observable } from 'rxjs';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { asOperator, outputs, run, solid, throwOnFailure, pipeline, type RunEvent } from 'modeflow';

const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 2 });
const add = solid({
  name: 'add',
  inputs: { a: z.number(), b: z.number(), label: z.string().optional() },
  output: z.string(),
  compute: (_c, { a, b, label }) => `${label ?? ''}${a + b}`,
});
const tick = solid({ name: 'tick', output: z.date(), compute: () => new Date() });
const split = solid({
  name: 'split',
  inputs: { n: z.number() },
  outputs: { even: z.number(), odd: z.string() },
  compute: (_c, { n }) => (n % 2 ? { odd: String(n) } : { even: n }),
});

test('asOperator is typed by the solid: one input bare, several as an object, none anything', () => {
  expectTypeOf(of(1).pipe(asOperator(double))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(of({ a: 1, b: 2 }).pipe(asOperator(add))).toEqualTypeOf<Observable<string>>();
  expectTypeOf(of({ a: 1, b: 2, label: 'sum=' }).pipe(asOperator(add))).toEqualTypeOf<Observable<string>>();
  expectTypeOf(of('anything', 3).pipe(asOperator(tick))).toEqualTypeOf<Observable<Date>>();
  // @ts-expect-error a string into a number input
  of('one').pipe(asOperator(double));
  // @ts-expect-error input "b" is missing
  of({ a: 1 }).pipe(asOperator(add));
});

test('several outputs come out as one-key objects, told apart with `in`', () => {
  of(1, 2)
    .pipe(asOperator(split))
    .subscribe((value) => {
      expectTypeOf(value).toEqualTypeOf<{ even: number } | { odd: string }>();
      if ('even' in value) expectTypeOf(value.even).toEqualTypeOf<number>();
    });
});

test('throwOnFailure keeps the event type; outputs() types the values by definition', () => {
  const p = pipeline({
    name: 'typed_ops',
    graph: () => {
      split(double());
    },
  });
  expectTypeOf(run(p).pipe(throwOnFailure())).toEqualTypeOf<Observable<RunEvent>>();
  expectTypeOf(run(p).pipe(outputs(double))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(run(p).pipe(outputs(split, 'odd'))).toEqualTypeOf<Observable<string>>();
  expectTypeOf(run(p).pipe(outputs('double'))).toEqualTypeOf<Observable<unknown>>();
  // @ts-expect-error split has no output "result": name one
  run(p).pipe(outputs(split));
  // @ts-expect-error split has no output "nope"
  run(p).pipe(outputs(split, 'nope'));
});
