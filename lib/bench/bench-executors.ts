import { availableParallelism, cpus, loadavg } from 'node:os';
import type { Pipeline } from '../define/pipeline.ts';
import { InvariantViolationError } from '../errors.ts';
import type { RunResult } from '../events/result.ts';
import { planBench, type BenchEntry, type PlanOptions } from './bench-plan.ts';
import { firstRun, timedRun } from './bench-run.ts';
import { BenchmarkError } from './benchmark-error.ts';
import { differentOutputs } from './compare-outputs.ts';
import { measureRuns, type RunStatistics } from './measure-runs.ts';
import { PeakRss } from './peak-rss.ts';
import { summaryLines } from './ratio.ts';
import type { BenchEnvironment, BenchProgress, BenchReport, ExecutorResult } from './report.ts';

/** What {@link benchExecutors} takes besides the pipeline. */
export interface BenchOptions extends PlanOptions {
  /** The mode (default: the preset's, else the pipeline's only mode). */
  readonly mode?: string;
  /** A preset of the pipeline: its mode, run config and selection. */
  readonly preset?: string;
  /** Run config for every run, deep-merged over the preset's; its `execution` gives executors their base config. */
  readonly runConfig?: Readonly<Record<string, unknown>>;
  /** A solid selection, as for a run. */
  readonly select?: string;
  /**
   * Executors to bench, in order, each with optional config:
   * `['sync', 'async:maxConcurrent=16', 'workerPool:maxWorkers=4,idleTimeoutMs=0']`
   * (see {@link parseExecutorSpecs}). Default: every executor the mode offers but `virtualTime`, and but `queue` unless
   * the run config configures it (`execution.queue`).
   */
  readonly executors?: readonly string[];
  /** Timed runs per executor (default 10). */
  readonly runs?: number;
  /** Untimed runs per executor after its first and before the timed ones (default 2). */
  readonly warmup?: number;
  /**
   * Compare each executor's outputs with the first executor's before timing it (default
   * true); false for a pipeline whose outputs depend on time or chance.
   */
  readonly checkOutputs?: boolean;
  /** Aborting it cancels the run in progress; the bench then rejects with a `BenchmarkError`. */
  readonly signal?: AbortSignal;
  /** Told before each run, for a progress line. */
  readonly onProgress?: (progress: BenchProgress) => void;
}

/**
 * Benchmarks the executors of a pipeline's mode on that pipeline. Executors run one
 * after another, each: its first run, timed apart as its cold start (a new worker pool;
 * also, for the first executor, whatever any first run in a process pays) and checked
 * for the same outputs as the first executor's; then `warmup` untimed runs; then `runs`
 * timed runs, whose statistics come from tinybench. The report holds per executor the
 * median, p75, p99, min, max, mean and its margin of error, runs/s, steps/s, the cold
 * start and the peak RSS, and summary lines such as `async ran 3.79 ± 0.12× faster than
 * sync`. Runs go to the mode's logger sinks as any run does.
 *
 * @example
 * const report = await benchExecutors(queryPipeline, { mode: 'local_dev', executors: ['sync', 'async'] });
 * console.log(formatBenchReport(report));
 *
 * @throws {BenchmarkError} (a rejection) when a run fails or is canceled, naming the
 *   executor, the run and the step; or when an executor's outputs differ from the
 *   first's, naming the executor, solid, output and the first differing place
 * @throws {InvariantViolationError | InvalidConfigError | InvalidSubsetError} (a rejection,
 *   before any run) for bad options, executor specs, run config or selection
 */
export async function benchExecutors(pipeline: Pipeline, options: BenchOptions = {}): Promise<BenchReport> {
  const runs = wholeNumber(options.runs ?? 10, 'runs', 1);
  const warmup = wholeNumber(options.warmup ?? 2, 'warmup', 0);
  const { mode, entries } = planBench(pipeline, options);
  const started = new Date();
  const load = loadavg()[0] ?? 0;
  const results: ExecutorResult[] = [];
  let baseline: { label: string; result: RunResult } | undefined;

  for (const [i, entry] of entries.entries()) {
    const progress = (phase: BenchProgress['phase'], run: number, of: number) =>
      options.onProgress?.({ executor: entry.label, index: i + 1, count: entries.length, phase, run, of });
    const memory = new PeakRss();
    memory.start();
    let measured: Omit<ExecutorResult, 'peakRssBytes'>;
    let peakRssBytes = 0;
    try {
      const first = await coldRun(pipeline, entry, progress);
      if (!baseline) baseline = { label: entry.label, result: first.result };
      else if (options.checkOutputs !== false) {
        const difference = differentOutputs(pipeline, baseline.result, first.result);
        if (difference) throw new BenchmarkError({ kind: 'outputs-differ', executor: entry.label, baseline: baseline.label, difference });
      }
      const stats = await timedRuns(pipeline, entry, { runs, warmup }, (phase, call) => {
        memory.sample();
        progress(phase, call, phase === 'warmup' ? warmup : runs);
      });
      const runsPerSecond = 1000 / stats.medianMs;
      measured = {
        executor: entry.executor,
        label: entry.label,
        config: entry.config,
        coldStartMs: first.coldStartMs,
        ...stats,
        runsPerSecond,
        stepsPerSecond: runsPerSecond * first.steps,
        steps: first.steps,
      };
    } finally {
      peakRssBytes = memory.stop();
    }
    results.push({ ...measured, peakRssBytes });
  }

  const environment: BenchEnvironment = {
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    platform: process.platform,
    arch: process.arch,
    loadAverage: Math.round(load * 100) / 100,
    pipeline: pipeline.name,
    mode: mode.name,
    steps: results[0]?.steps ?? 0,
    runs,
    warmup,
    date: started.toISOString(),
  };
  return { environment, executors: results, summary: summaryLines(results) };
}

/** An executor's first run, timed apart; its result is kept for the output check. */
async function coldRun(
  pipeline: Pipeline,
  entry: BenchEntry,
  progress: (phase: BenchProgress['phase'], run: number, of: number) => void,
): Promise<{ result: RunResult; steps: number; coldStartMs: number }> {
  await turnOfTheEventLoop();
  progress('cold', 1, 1);
  const started = performance.now();
  const first = await firstRun(pipeline, entry.runOptions, { executor: entry.label, run: 'cold start' });
  return { ...first, coldStartMs: performance.now() - started };
}

/** The warm-up runs, then the timed runs, through tinybench. */
function timedRuns(
  pipeline: Pipeline,
  entry: BenchEntry,
  counts: { runs: number; warmup: number },
  beforeEach: (phase: 'warmup' | 'run', call: number) => void,
): Promise<RunStatistics> {
  let current = { phase: 'warmup' as 'warmup' | 'run', call: 0 };
  const where = () =>
    current.phase === 'warmup' ? `warm-up run ${current.call} of ${counts.warmup}` : `run ${current.call} of ${counts.runs}`;
  return measureRuns(() => timedRun(pipeline, entry.runOptions, () => ({ executor: entry.label, run: where() })), {
    ...counts,
    beforeEach: async (phase, call) => {
      await turnOfTheEventLoop();
      current = { phase, call };
      beforeEach(phase, call);
    },
  });
}

/**
 * Lets the event loop turn between runs (untimed): runs of synchronous solids on the sync
 * executor settle in microtasks only, and without a turn nothing else would happen until
 * the bench ends: no Ctrl-C (signals arrive on the loop), no progress tick, no sampling.
 */
function turnOfTheEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function wholeNumber(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvariantViolationError(`${name} must be a whole number of at least ${min}, got ${String(value)}`);
  }
  return value;
}
