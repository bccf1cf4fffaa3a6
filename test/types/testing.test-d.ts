import type fc from 'fast-check';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { solid } from 'modeflow';
import {
  inputsArbitrary,
  scheduledExecutor,
  shrinkableScheduler,
  solidGraphArbitrary,
  zodArbitrary,
  type SolidGraph,
} from 'modeflow/testing';

test("zodArbitrary gives the schema's input type: defaults optional, transforms before they run", () => {
  const schema = z.object({ port: z.number().default(80), name: z.string().transform((s) => s.length) });
  expectTypeOf(zodArbitrary(schema)).toEqualTypeOf<fc.Arbitrary<{ port?: number | undefined; name: string }>>();
});

test("inputsArbitrary gives a solid's inputs by name", () => {
  const s = solid({ name: 's', inputs: { n: z.number(), tags: z.array(z.string()).optional() }, compute: () => 1 });
  expectTypeOf(inputsArbitrary(s)).toEqualTypeOf<fc.Arbitrary<{ n: number; tags: string[] | undefined }>>();
});

test('solidGraphArbitrary gives graphs; a shrinkable scheduler serves scheduledExecutor', () => {
  expectTypeOf(solidGraphArbitrary()).toEqualTypeOf<fc.Arbitrary<SolidGraph>>();
  expectTypeOf<fc.Scheduler>().toMatchTypeOf<Parameters<typeof scheduledExecutor>[0]>();
  expectTypeOf(shrinkableScheduler()).toMatchTypeOf<fc.Arbitrary<Parameters<typeof scheduledExecutor>[0]>>();
});
