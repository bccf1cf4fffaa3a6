import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { composite, execute, memoryLogger, mode, ModeflowError, pipeline, run, RunAccumulator, solid } from '../../../lib/index.ts';

const quiet = () => mode({ loggers: { memory: memoryLogger() } });
const src = solid({ name: 'src', output: z.number(), compute: () => 1 });
const add = solid({ name: 'add', inputs: { x: z.number() }, output: z.number(), compute: (_ctx, { x }) => x + 1 });
const pair = composite({
  name: 'pair',
  inputs: { x: z.number() },
  outputs: { a: z.number(), b: z.number() },
  graph: ({ x }) => ({ a: add(x), b: add.alias('add2')(add(x)) }),
});
const inner = composite({ name: 'inner', inputs: { x: z.number() }, output: z.number(), graph: ({ x }) => add(x) });
const outer = composite({ name: 'outer', inputs: { x: z.number() }, output: z.number(), graph: ({ x }) => inner(x) });
const p = pipeline({
  name: 'composite_results',
  modes: [quiet()],
  graph: () => {
    const s = src();
    pair(s);
    pair.alias('pair_alias')(s);
    outer(s);
  },
});

describe('RunResult by composite definition', () => {
  it('output(composite, name) reads its invocation of that name, aliases included', async () => {
    const result = await execute(p);
    expect(result.output(pair, 'a')).toBe(2);
    expect(result.output(pair, 'b')).toBe(3);
    expect(result.output(pair.alias('pair_alias'), 'b')).toBe(3);
    expect(result.output(outer)).toBe(2);
  });

  it('solid(composite) and outputs are what solid(name) gives', async () => {
    const result = await execute(p);
    expect(result.solid(pair)).toBe(result.solid('pair'));
    expect(result.solid(pair).outputs).toEqual({ a: [2], b: [3] });
    expect(result.solid(pair.alias('pair_alias')).stepKeys).toEqual(['pair_alias.add', 'pair_alias.add_2', 'pair_alias.add2']);
    expect(result.solid(outer).status).toBe('SUCCESS');
  });

  it('a configured or hooked copy of the composite names the same invocation', async () => {
    const result = await execute(p);
    expect(result.solid(pair.withHooks()).outputs).toEqual({ a: [2], b: [3] });
  });

  it('a composite nested in another is named by its dotted name, and the error for its bare definition says so', async () => {
    const result = await execute(p);
    expect(result.output('outer.inner')).toBe(2);
    expect(() => result.solid(inner)).toThrow(ModeflowError);
    expect(() => result.solid(inner)).toThrow(
      /has no composite "inner"; its composites are: pair, pair_alias, outer; .*dotted invocation name/,
    );
  });

  it('another composite of the same name is refused, as another solid of the same name is', async () => {
    const result = await execute(p);
    const impostor = composite({ name: 'pair', outputs: { a: z.number(), b: z.number() }, graph: () => ({ a: src(), b: src() }) });
    expect(() => result.solid(impostor)).toThrow(/composite "pair" of pipeline "composite_results" is another definition/);
    expect(() => result.output(impostor, 'a')).toThrow(ModeflowError);
  });

  it('an unknown output of the composite names its outputs', async () => {
    const result = await execute(p);
    expect(() => result.output(pair, 'zz' as 'a')).toThrow(/composite "pair" has no output "zz"; its outputs are: a, b/);
  });

  it('a result folded without its pipeline says to fold with it', async () => {
    const accumulator = new RunAccumulator();
    for (const event of await lastValueFrom(run(p).pipe(toArray()))) accumulator.add(event);
    const result = accumulator.result();
    expect(() => result.solid(pair)).toThrow(/folded without its pipeline.*toRunResult\(pipeline\)/);
  });
});
