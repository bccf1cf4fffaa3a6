import { Bench } from 'tinybench';

/** The statistics of the timed runs of one executor, in milliseconds (from tinybench). */
export interface RunStatistics {
  readonly runs: number;
  readonly medianMs: number;
  readonly p75Ms: number;
  readonly p99Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** Relative margin of error of the mean, percent (95% confidence); 0 with a single run. */
  readonly rme: number;
  /** Median absolute deviation (unscaled): the spread of the runs around the median. */
  readonly madMs: number;
}

/** What {@link measureRuns} takes. */
export interface MeasureOptions {
  /** Timed calls (at least 1). */
  readonly runs: number;
  /** Untimed calls first (0 or more). */
  readonly warmup: number;
  /** Called (and awaited, untimed) before each call, with its phase and 1-based number. */
  readonly beforeEach?: (phase: 'warmup' | 'run', call: number) => void | Promise<void>;
}

/**
 * Calls `fn` `warmup` times untimed, then `runs` times timed, one call after another,
 * and returns tinybench's latency statistics of the timed calls. Exactly that many
 * calls: no time budget, no exploratory call. A call that throws stops the measurement
 * and the error is rethrown as it was.
 *
 * @example
 * const stats = await measureRuns(() => execute(p), { runs: 10, warmup: 2 });
 */
export async function measureRuns(fn: () => Promise<unknown>, options: MeasureOptions): Promise<RunStatistics> {
  let thrown: { error: unknown } | undefined;
  const counts = { warmup: 0, run: 0 };
  const bench = new Bench({
    time: 0,
    iterations: options.runs,
    warmup: options.warmup > 0,
    warmupTime: 0,
    warmupIterations: options.warmup,
    throws: true,
  });
  bench.add(
    'run',
    async () => {
      try {
        await fn();
      } catch (error) {
        thrown ??= { error };
        throw error;
      }
    },
    {
      async: true,
      beforeEach: (phase) => {
        const key = phase === 'warmup' ? 'warmup' : 'run';
        return options.beforeEach?.(key, ++counts[key]);
      },
    },
  );
  try {
    await bench.run();
  } catch (error) {
    throw thrown ? thrown.error : error;
  }
  const result = bench.tasks[0]!.result;
  if (thrown) throw thrown.error;
  if (result.state !== 'completed') throw new Error(`tinybench ended the runs in state "${result.state}"`);
  const { latency } = result;
  return {
    runs: latency.samplesCount,
    medianMs: latency.p50,
    p75Ms: latency.p75,
    p99Ms: latency.p99,
    minMs: latency.min,
    maxMs: latency.max,
    meanMs: latency.mean,
    rme: Number.isFinite(latency.rme) ? latency.rme : 0,
    madMs: latency.mad,
  };
}
