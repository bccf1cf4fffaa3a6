/**
 * What does a solid cost as an RxJS operator? 100,000 values through a synchronous solid
 * (`n * 2`) with `asOperator`, against the same function in a plain `map` (the floor) and
 * in a hand-written `mergeMap`/`concatMap` returning a Promise (what an app writes to call
 * an async function per value). µs per value; the asOperator rows differ only in their schemas, to
 * show what the checks cost:
 * - `z.unknown()` in and out: no check at all (`checkOf` skips them);
 * - `z.number()`: the engine's fast path, a `typeof` per value and no zod parse;
 * - `z.number().int()`: a schema with a check, so a zod `safeParse` per value, in and out.
 * Goal (issue 9): asOperator with `z.number()`, concurrency 1, within 1 µs per value of `map`.
 * The contenders are sampled in rounds, each once per round (see `interleaved`).
 */
import { concatMap, lastValueFrom, map, mergeMap, range, reduce, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { libraryLabel, modeflow } from './fixtures/modeflow.ts';
import { collectGarbage, scale, stats, type Stats } from './measure.ts';
import type { BenchCase, Measured } from './types.ts';

const { asOperator, solid } = modeflow;

const VALUES = 100_000;
const TARGET_US = 1;
const double = (n: number): number => n * 2;
/** The sum of 2n over 0..VALUES-1: every contender must give it. */
const EXPECTED = VALUES * (VALUES - 1);

/** Sends 0..VALUES-1 through `operator` and sums what comes out. */
function through(operator: OperatorFunction<number, number>): Promise<number> {
  return lastValueFrom(
    range(0, VALUES).pipe(
      operator,
      reduce((a, b) => a + b, 0),
    ),
  );
}

const solids = {
  unchecked: solid({
    name: 'double_unknown',
    inputs: { n: z.unknown() },
    output: z.unknown(),
    compute: (_ctx, { n }) => double(n as number),
  }),
  plain: solid({ name: 'double_number', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => double(n) }),
  refined: solid({
    name: 'double_int',
    inputs: { n: z.number().int() },
    output: z.number().int(),
    compute: (_ctx, { n }) => double(n),
  }),
};

const ROUNDS = 11;

/**
 * Milliseconds per call of each contender, sampled in rounds (each contender once per
 * round, in order): the differences measured here are a fraction of a microsecond per
 * value, and load that comes and goes on a shared machine then falls on every contender
 * alike instead of on whichever ran at the time.
 */
async function interleaved(contenders: readonly (readonly [string, () => Promise<unknown>])[], rounds: number): Promise<Stats[]> {
  const times = contenders.map((): number[] => []);
  collectGarbage();
  for (const [, fn] of contenders) await fn(); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const t = performance.now();
      await contenders[i]![1]();
      times[i]!.push(performance.now() - t);
    }
  }
  return times.map((t) => stats(t));
}

export const cases: BenchCase[] = [
  {
    name: 'as-operator',
    title: `a synchronous solid as an RxJS operator: ${VALUES.toLocaleString('en')} values, µs per value`,
    run: async () => {
      const contenders: [string, () => Promise<number>][] = [
        ['plain map (floor)', () => through(map(double))],
        // Bounded: unbounded, RxJS keeps 100,000 inner subscriptions at once and removing each is
        // O(n) (measured once: 565 µs per value, 56 s a run).
        ['hand-written mergeMap + Promise, concurrency 4', () => through(mergeMap((n: number) => Promise.resolve(double(n)), 4))],
        ['hand-written concatMap + Promise', () => through(concatMap((n: number) => Promise.resolve(double(n))))],
        ['asOperator, z.unknown() (no checks)', () => through(asOperator(solids.unchecked) as OperatorFunction<number, number>)],
        ['asOperator, z.number() (fast path)', () => through(asOperator(solids.plain))],
        ['asOperator, z.number() concurrency 4', () => through(asOperator(solids.plain, { concurrency: 4 }))],
        ['asOperator, z.number().int() (zod parse)', () => through(asOperator(solids.refined))],
      ];
      const notes: string[] = [];
      for (const [contender, fn] of contenders) {
        const got = await fn();
        if (got !== EXPECTED) notes.push(`✗ ${contender} summed ${got}, expected ${EXPECTED}`);
      }
      const rows: Measured[] = (await interleaved(contenders, ROUNDS)).map((s, i) => ({
        contender: contenders[i]![0],
        ...scale(s, 1000 / VALUES),
      }));
      const floor = rows[0]!.median;
      const at = (label: string): number => rows.find((r) => r.contender.startsWith(label))!.median;
      const over = (label: string): string => `${(at(label) - floor).toFixed(2)} µs`;
      const overhead = at('asOperator, z.number() (fast path)') - floor;
      notes.push(
        `per value over plain map: asOperator ${over('asOperator, z.number() (fast path)')} with z.number(); ` +
          `${over('asOperator, z.unknown()')} with no checks (the step itself: ctx, compute call, queue); ` +
          `${over('asOperator, z.number().int()')} with a zod parse in and out`,
        `checks cost: fast path ${(at('asOperator, z.number() (fast path)') - at('asOperator, z.unknown()')).toFixed(2)} µs ` +
          `(a typeof in, one out); zod safeParse ${(at('asOperator, z.number().int()') - at('asOperator, z.unknown()')).toFixed(2)} µs (in and out)`,
        `modeflow from ${libraryLabel}; each subscription resolves config and opens a scope once (no resources here)`,
      );
      return {
        unit: 'µs/value',
        rows,
        notes,
        targets: [
          {
            label: `asOperator (z.number(), concurrency 1) ≤ ${TARGET_US} µs per value over plain map`,
            value: `${overhead.toFixed(2)} µs`,
            met: overhead <= TARGET_US,
          },
        ],
      };
    },
  },
];
