import { lastValueFrom, Observable, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  asOperator,
  composite,
  InvalidDefinitionError,
  memoryLogger,
  mode,
  ModeflowError,
  outputs,
  pipeline,
  run,
  solid,
} from '../../../lib/index.ts';

const quiet = () => mode({ loggers: { memory: memoryLogger() } });
const src = solid({ name: 'src', output: z.number(), compute: () => 1 });
const add = solid({ name: 'add', inputs: { x: z.number() }, output: z.number(), compute: (_ctx, { x }) => x + 1 });
const c = composite({
  name: 'c',
  inputs: { x: z.number() },
  outputs: { a: z.number(), b: z.number() },
  graph: ({ x }) => ({ a: add(x), b: add.alias('add2')(add(x)) }),
});
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
const fan = composite({ name: 'fan', graph: () => ({ each: double(numbers()), all: double.alias('twice')(numbers()).collect() }) });
const inner = composite({ name: 'inner', inputs: { x: z.number() }, output: z.number(), graph: ({ x }) => add(x) });
const outer = composite({ name: 'outer', inputs: { x: z.number() }, output: z.number(), graph: ({ x }) => add(inner(x)) });
const p = pipeline({
  name: 'composite_outputs',
  modes: [quiet()],
  graph: () => {
    const s = src();
    c(s);
    c.alias('c_alias')(s);
    fan();
    outer(s);
  },
});
const values = (operator: ReturnType<typeof outputs>, options = {}) => lastValueFrom(run(p, options).pipe(operator, toArray()));

describe('outputs() with a composite', () => {
  it("emits a composite output's values, those of the inner solid output it comes from", async () => {
    expect(await values(outputs(c, 'a'))).toEqual([2]);
    expect(await values(outputs(c, 'b'))).toEqual([3]);
    expect(await values(outputs(c.alias('c_alias'), 'b'))).toEqual([3]);
    expect(await values(outputs(outer))).toEqual([3]);
  });

  it('emits each value of a fanned-out output, and a collected one as one array when the run ends', async () => {
    expect(await values(outputs(fan, 'each'))).toEqual([2, 4, 6]);
    expect(await values(outputs(fan, 'all'))).toEqual([[2, 4, 6]]);
  });

  it('refuses at once an output the composite does not have, naming those it has', () => {
    expect(() => outputs(c, 'zz' as 'a')).toThrow(ModeflowError);
    expect(() => outputs(c, 'zz' as 'a')).toThrow(/composite "c" has no output "zz"; its outputs are: a, b/);
  });

  it("errors the stream, never stays silent, for a composite's name given as a string", async () => {
    await expect(values(outputs('c_alias', 'a'))).rejects.toThrow(
      /outputs\("c_alias"\): .* "c_alias" is a composite \(its solid "c_alias\.add" ran\), not a solid; .*pass the composite's definition/,
    );
  });

  it('errors the stream for a name that is no solid of a run of every solid', async () => {
    await expect(values(outputs('c_alais'))).rejects.toThrow(/ran every solid and none is solid "c_alais"/);
  });

  it('stays quiet for a solid outside the selection, and for one skipped', async () => {
    expect(await values(outputs(c, 'b'), { select: 'src' })).toEqual([]);
    const nothing = solid({ name: 'nothing', output: z.number(), compute: () => new Observable<number>((s) => s.complete()) });
    const skipped = pipeline({ name: 'skipped', modes: [quiet()], graph: () => void double(nothing()) });
    expect(await lastValueFrom(run(skipped).pipe(outputs(double), toArray()))).toEqual([]);
  });

  it('a dotted name of a solid inside composites is followed as a solid', async () => {
    expect(await values(outputs('outer.inner.add'))).toEqual([2]);
  });
});

describe('asOperator() with a composite', () => {
  it('refuses it at once, saying a composite is a graph and what to do instead', () => {
    expect(() => asOperator(c as never)).toThrow(InvalidDefinitionError);
    expect(() => asOperator(c as never)).toThrow(/got composite "c": a composite is a graph of several steps.*outputs\(\)/);
  });
});
