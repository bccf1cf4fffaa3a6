import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { composite, failureHook, hook, pipeline, solid, successHook, type OutputHandle, type SerializedError } from 'modeflow';

interface Siren {
  page(text: string): Promise<void>;
}

declare module 'modeflow' {
  interface Resources {
    siren: Siren;
  }
}

test('a failure hook gets an Error and its declared resources, typed', () => {
  failureHook({
    name: 'page',
    resources: ['siren'],
    fn: (ctx) => {
      expectTypeOf(ctx.error).toEqualTypeOf<Error>();
      expectTypeOf(ctx.resources.siren).toEqualTypeOf<Siren>();
      expectTypeOf(ctx.on).toEqualTypeOf<'failure'>();
      // @ts-expect-error only declared resources
      void ctx.resources.clock;
      return ctx.resources.siren.page(ctx.error.message);
    },
  });
  successHook({
    name: 'ok',
    fn: (ctx) => {
      expectTypeOf(ctx.error).toEqualTypeOf<undefined>();
      expectTypeOf(ctx.outputs).toEqualTypeOf<Readonly<Record<string, readonly unknown[]>>>();
    },
  });
});

test('a hook on several triggers gets a union of contexts, told apart by ctx.on', () => {
  hook({
    name: 'both',
    on: ['failure', 'runFailure'],
    fn: (ctx) => {
      if (ctx.on === 'failure') {
        expectTypeOf(ctx.stepKey).toEqualTypeOf<string>();
        expectTypeOf(ctx.error).toEqualTypeOf<Error>();
      } else {
        expectTypeOf(ctx.status).toEqualTypeOf<'FAILURE'>();
        expectTypeOf(ctx.failedSteps).toEqualTypeOf<readonly string[]>();
        expectTypeOf(ctx.error).toEqualTypeOf<SerializedError | undefined>();
      }
    },
  });
});

const num = solid({ name: 'num', output: z.number(), compute: () => 1 });
const text = solid({ name: 'text', inputs: { s: z.string() }, output: z.string(), compute: (_c, { s }) => s });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });

test('a composite types its input handles and what its invocation gives', () => {
  const one = composite({
    name: 'one',
    inputs: { n: z.number() },
    output: z.number(),
    graph: ({ n }) => {
      expectTypeOf(n).toEqualTypeOf<OutputHandle<number>>();
      return inc(n);
    },
  });
  const many = composite({ name: 'many', outputs: { a: z.number(), b: z.number() }, graph: () => ({ a: num(), b: inc(num()) }) });
  const inferred = composite({ name: 'inferred', graph: () => inc(num()) });
  pipeline({
    name: 'p',
    graph: () => {
      expectTypeOf(one(num())).toEqualTypeOf<OutputHandle<number>>();
      expectTypeOf(many().b).toEqualTypeOf<OutputHandle<number>>();
      expectTypeOf(inferred()).toEqualTypeOf<OutputHandle<number>>();
      // @ts-expect-error a number output does not feed a string input
      text({ s: one(num()) });
    },
  });
});

test('a composite\u2019s configMapping gets its config type', () => {
  composite({
    name: 'mapped',
    config: z.object({ factor: z.number().default(2) }),
    configMapping: (config) => {
      expectTypeOf(config).toEqualTypeOf<{ factor: number }>();
      return { inc: { config: config.factor } };
    },
    graph: () => inc(num()),
  });
});
