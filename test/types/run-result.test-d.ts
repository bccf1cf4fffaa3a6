import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { execute, pipeline, solid } from 'modeflow';

const num = solid({ name: 'num', output: z.number(), compute: () => 1 });
const split = solid({ name: 'split', outputs: { even: z.number(), odd: z.string() }, compute: () => ({ even: 2 }) });
const p = pipeline({
  name: 'typed_results',
  graph: () => {
    num();
    num.alias('num_again')();
    split();
  },
});

test('result.output by definition is typed, no cast', async () => {
  const result = await execute(p);
  expectTypeOf(result.output(num)).toEqualTypeOf<number | undefined>();
  expectTypeOf(result.output(num.alias('num_again'))).toEqualTypeOf<number | undefined>();
  expectTypeOf(result.output(split, 'odd')).toEqualTypeOf<string | undefined>();
  // By name it is unknown, as before.
  expectTypeOf(result.output('num')).toEqualTypeOf<unknown>();
  // @ts-expect-error split has no output "nope"
  result.output(split, 'nope');
  // @ts-expect-error split has no output "result": name one
  result.output(split);
});

test('result.solid by definition types outputs and output()', async () => {
  const result = await execute(p);
  expectTypeOf(result.solid(num).output()).toEqualTypeOf<number | undefined>();
  expectTypeOf(result.solid(split).outputs.even).toEqualTypeOf<readonly number[]>();
  expectTypeOf(result.solid(split).output('odd')).toEqualTypeOf<string | undefined>();
  // @ts-expect-error split has no output "nope"
  result.solid(split).output('nope');
  expectTypeOf(result.solid('split').outputs).toEqualTypeOf<{ readonly [x: string]: readonly unknown[] }>();
});
