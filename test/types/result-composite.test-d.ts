import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { composite, execute, pipeline, solid } from 'modeflow';

const num = solid({ name: 'num', output: z.number(), compute: () => 1 });
const text = solid({ name: 'text', inputs: { n: z.number() }, output: z.string(), compute: (_ctx, { n }) => String(n) });
const pair = composite({
  name: 'pair',
  inputs: { n: z.number() },
  outputs: { even: z.number(), label: z.string() },
  graph: ({ n }) => ({ even: num(), label: text(n) }),
});
const single = composite({ name: 'single', output: z.string(), graph: () => text(num()) });
const inferred = composite({ name: 'inferred', graph: () => ({ all: num().collect(), one: text(num()) }) });
const p = pipeline({
  name: 'typed_composite_results',
  graph: () => {
    pair(num());
    single();
    inferred();
  },
});

test('result.output by composite definition is typed by the handles its graph returns', async () => {
  const result = await execute(p);
  expectTypeOf(result.output(pair, 'even')).toEqualTypeOf<number | undefined>();
  expectTypeOf(result.output(pair.alias('pair_again'), 'label')).toEqualTypeOf<string | undefined>();
  expectTypeOf(result.output(single)).toEqualTypeOf<string | undefined>();
  expectTypeOf(result.output(inferred, 'all')).toEqualTypeOf<number[] | undefined>();
  expectTypeOf(result.output(inferred, 'one')).toEqualTypeOf<string | undefined>();
  // @ts-expect-error pair has no output "nope"
  result.output(pair, 'nope');
  // @ts-expect-error pair has no output "result": name one
  result.output(pair);
});

test('result.solid by composite definition types outputs and output()', async () => {
  const result = await execute(p);
  expectTypeOf(result.solid(pair).outputs.even).toEqualTypeOf<readonly number[]>();
  expectTypeOf(result.solid(single).output()).toEqualTypeOf<string | undefined>();
  expectTypeOf(result.solid(inferred).outputs.all).toEqualTypeOf<readonly number[][]>();
  // @ts-expect-error pair has no output "nope"
  result.solid(pair).output('nope');
});
