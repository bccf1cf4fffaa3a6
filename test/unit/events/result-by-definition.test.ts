import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, memoryLogger, mode, ModeflowError, pipeline, run, RunAccumulator, solid } from '../../../lib/index.ts';

const quiet = () => mode({ loggers: { memory: memoryLogger() } });
const num = solid({ name: 'num', output: z.number(), compute: () => 21 });
const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n * 2 });
const split = solid({
  name: 'split',
  outputs: { even: z.number(), odd: z.number() },
  compute: () => ({ even: 2, odd: 3 }),
});
const p = pipeline({
  name: 'by_definition',
  modes: [quiet()],
  graph: () => {
    const n = num();
    double(n);
    double.alias('double_again')(n);
    split();
  },
});

describe('RunResult by solid definition', () => {
  it('output(definition) reads the invocation the definition names, aliases included', async () => {
    const result = await execute(p);
    expect(result.output(double)).toBe(42);
    expect(result.output(double.alias('double_again'))).toBe(42);
    expect(result.output(split, 'odd')).toBe(3);
    expect(result.solid(split).outputs.even).toEqual([2]);
    expect(result.solid(double)).toBe(result.solid('double'));
  });

  it('refuses a different definition that shares an invocation name', async () => {
    const result = await execute(p);
    const impostor = solid({ name: 'double', output: z.number(), compute: () => 0 });
    expect(() => result.output(impostor)).toThrow(ModeflowError);
    expect(() => result.solid(impostor)).toThrow(/another definition than the one given/);
  });
});

describe('a result folded from events alone (no pipeline)', () => {
  async function foldedAlone() {
    const accumulator = new RunAccumulator();
    for (const event of await lastValueFrom(run(p).pipe(toArray()))) accumulator.add(event);
    return accumulator.result();
  }

  it('knows the solids and outputs its events show', async () => {
    const result = await foldedAlone();
    expect(result.status).toBe('SUCCESS');
    expect(result.pipelineName).toBe('by_definition');
    expect(result.output('double')).toBe(42);
    expect(result.output('split', 'even')).toBe(2);
    expect(result.output(double.alias('double_again'))).toBe(42);
    expect(result.solid('num').stepKeys).toEqual(['num']);
  });

  it('names what it knows when asked for a solid absent from its events', async () => {
    const result = await foldedAlone();
    expect(() => result.solid('dobule')).toThrow(/nothing of solid "dobule".*double_again.*pass the solid's definition/s);
  });

  it("takes a definition's outputs for a solid absent from its events", async () => {
    const result = await foldedAlone();
    const never = solid({ name: 'never_ran', outputs: { a: z.number() }, compute: () => ({ a: 1 }) });
    expect(result.solid(never).outputs).toEqual({ a: [] });
    expect(result.solid(never).status).toBe('SKIPPED');
  });
});
