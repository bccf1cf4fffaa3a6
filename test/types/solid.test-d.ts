import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { mode, pipeline, resource, solid, type Resource } from 'modeflow';

interface Clock {
  now(): number;
}

declare module 'modeflow' {
  interface Resources {
    clock: Clock;
  }
}

test('ctx.config is the output type of the config schema', () => {
  solid({
    name: 'configured',
    config: z.object({ n: z.number().default(1), label: z.string() }),
    compute: (ctx) => {
      expectTypeOf(ctx.config).toEqualTypeOf<{ n: number; label: string }>();
    },
  });
});

test('inputs and the return type are inferred from the schemas', () => {
  solid({
    name: 'typed',
    inputs: { a: z.number(), b: z.string() },
    output: z.boolean(),
    compute: (_ctx, inputs) => {
      expectTypeOf(inputs).toEqualTypeOf<{ a: number; b: string }>();
      return inputs.a > 0;
    },
  });
  // @ts-expect-error a string is not a boolean output
  solid({ name: 'wrong_return', output: z.boolean(), compute: () => 'yes' });
});

test('declared resources are typed, and only those', () => {
  solid({
    name: 'uses_clock',
    resources: ['clock', 'other'],
    compute: (ctx) => {
      expectTypeOf(ctx.resources.clock).toEqualTypeOf<Clock>();
      expectTypeOf(ctx.resources.other).toEqualTypeOf<unknown>();
      // @ts-expect-error not declared by this solid
      void ctx.resources.database;
    },
  });
});

test('a mode accepts only a resource whose value satisfies the declared type', () => {
  const good = resource({ init: () => ({ now: () => 1, extra: true }) });
  const bad = resource({ init: () => ({ later: () => 1 }) });
  expectTypeOf(good).toExtend<Resource<Clock>>();
  mode({ name: 'ok', resources: { clock: good } });
  // @ts-expect-error { later } is not a Clock
  mode({ name: 'bad', resources: { clock: bad } });
});

test('an async generator resource is typed by what it yields', () => {
  const r = resource({
    async *init() {
      yield { now: () => 2 };
    },
  });
  expectTypeOf(r).toExtend<Resource<Clock>>();
});

test('wiring a number output into a string input does not compile', () => {
  const num = solid({ name: 'num', output: z.number(), compute: () => 1 });
  const str = solid({ name: 'str', inputs: { s: z.string() }, compute: () => undefined });
  const anyIn = solid({ name: 'any_in', inputs: { x: z.unknown() }, compute: () => undefined });
  const split = solid({
    name: 'split',
    outputs: { even: z.number(), odd: z.number() },
    compute: () => ({ even: 2 }),
  });
  pipeline({
    name: 'typed_wiring',
    graph: () => {
      const n = num();
      // @ts-expect-error number into string
      str({ s: n });
      // @ts-expect-error number into string, positionally
      str(n);
      anyIn(n);
      const { even, odd } = split();
      anyIn({ x: even });
      anyIn(odd.collect());
    },
  });
});
