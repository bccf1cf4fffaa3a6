import { of } from 'rxjs';
import { test } from 'vitest';
import { z } from 'zod';
import { solid } from 'modeflow';

test('a single-output compute that returns nothing does not compile', () => {
  // @ts-expect-error forgot to return the number
  solid({ name: 'no_return', output: z.number(), compute: () => {} });
  // @ts-expect-error forgot to return the number (async)
  solid({ name: 'no_return_async', output: z.number(), compute: async () => {} });
  solid({
    name: 'some_paths',
    output: z.number(),
    // @ts-expect-error one path returns nothing
    compute: () => {
      if (Math.random() > 0.5) return 1;
    },
  });
});

test('returning nothing compiles where the output accepts undefined, or is left out', () => {
  solid({ name: 'optional', output: z.number().optional(), compute: () => {} });
  solid({ name: 'optional_async', output: z.number().optional(), compute: async () => {} });
  solid({ name: 'undefined_output', output: z.undefined(), compute: () => {} });
  solid({ name: 'void_output', output: z.void(), compute: async () => {} });
  solid({ name: 'no_output', compute: async () => {} });
  solid({
    name: 'nullish_some_paths',
    output: z.number().nullish(),
    compute: () => {
      if (Math.random() > 0.5) return 1;
    },
  });
});

test('a value, a Promise, an Observable or an AsyncIterable of it compiles', () => {
  solid({ name: 'value', output: z.number(), compute: () => 1 });
  solid({ name: 'promise', output: z.number(), compute: async () => 1 });
  solid({ name: 'observable', output: z.number(), compute: () => of(1, 2) });
  solid({
    name: 'iterable',
    output: z.number(),
    compute: async function* () {
      yield 1;
    },
  });
});
