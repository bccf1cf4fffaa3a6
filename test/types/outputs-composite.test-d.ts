import { type Observable } from 'rxjs';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { composite, outputs, run, pipeline, solid } from 'modeflow';

const num = solid({ name: 'num', output: z.number(), compute: () => 1 });
const text = solid({ name: 'text', inputs: { n: z.number() }, output: z.string(), compute: (_ctx, { n }) => String(n) });
const pair = composite({
  name: 'pair',
  outputs: { even: z.number(), label: z.string() },
  graph: () => ({ even: num(), label: text(num()) }),
});
const single = composite({ name: 'single', output: z.string(), graph: () => text(num()) });
const p = pipeline({
  name: 'typed_composite_outputs',
  graph: () => {
    pair();
    single();
  },
});

test('outputs() of a composite is typed by the handles its graph returns', () => {
  expectTypeOf(run(p).pipe(outputs(pair, 'even'))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(run(p).pipe(outputs(pair.alias('pair_2'), 'label'))).toEqualTypeOf<Observable<string>>();
  expectTypeOf(run(p).pipe(outputs(single))).toEqualTypeOf<Observable<string>>();
  // @ts-expect-error pair has no output "nope"
  outputs(pair, 'nope');
  // @ts-expect-error pair has no output "result": name one
  outputs(pair);
});
