/**
 * A CPU-heavy pipeline, to see what each executor does with work that keeps a core busy:
 * it splits 1…upTo into chunks, counts the primes in each chunk (a fan-out: one step per
 * chunk, each pure computation) and adds the counts up. In process (`sync`, `async`) the
 * chunks take turns on the main thread; on `workerPool` they run in parallel on threads.
 *
 *   npx modeflow pipeline bench -f examples/cpu-heavy.ts
 *   npx modeflow pipeline bench -f examples/cpu-heavy.ts --executor sync,workerPool:maxWorkers=1,workerPool:maxWorkers=2
 *   npx modeflow pipeline execute -f examples/cpu-heavy.ts
 */
import { from } from 'rxjs';
import { z } from 'zod';
import { pipeline, solid } from 'modeflow';

const range = z.object({ from: z.number().int(), to: z.number().int() });

/** Splits 1…upTo into `chunks` ranges of equal length, one emission each (a fan-out). */
export const splitRange = solid({
  name: 'split_range',
  config: z.object({
    upTo: z.number().int().positive().default(2_000_000),
    chunks: z.number().int().positive().default(8),
  }),
  output: range,
  compute: (ctx) => {
    const { upTo, chunks } = ctx.config;
    const size = Math.ceil(upTo / chunks);
    const ranges = Array.from({ length: chunks }, (_, i) => ({ from: i * size + 1, to: Math.min((i + 1) * size, upTo) }));
    return from(ranges.filter((r) => r.from <= r.to));
  },
});

/** How many primes lie in the range, by trial division: deliberately plain CPU work. */
export const countPrimes = solid({
  name: 'count_primes',
  inputs: { range },
  output: z.number().int().nonnegative(),
  compute: (_ctx, { range }) => {
    let count = 0;
    for (let n = Math.max(range.from, 2); n <= range.to; n++) if (isPrime(n)) count++;
    return count;
  },
});

/** The sum of the counts: the number of primes up to `upTo`. */
export const total = solid({
  name: 'total',
  inputs: { counts: z.array(z.number().int()) },
  output: z.number().int(),
  compute: (ctx, { counts }) => {
    const primes = counts.reduce((a, b) => a + b, 0);
    ctx.log.info({ primes, chunks: counts.length }, 'primes counted');
    return primes;
  },
});

function isPrime(n: number): boolean {
  if (n < 4) return n > 1;
  if (n % 2 === 0) return false;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

export const cpuHeavy = pipeline({
  name: 'cpu_heavy',
  description: 'counts the primes up to 2,000,000 in 8 chunks: CPU-bound steps, for comparing executors',
  graph: () => {
    total({ counts: countPrimes({ range: splitRange() }).collect() });
  },
});
