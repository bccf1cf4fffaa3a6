/**
 * `modeflow/bench`: benchmark the executors of a mode on your own pipeline, as
 * `modeflow pipeline bench` does. See docs/executor-benchmarks.md.
 *
 * @example
 * import { benchExecutors, formatBenchReport } from 'modeflow/bench';
 * const report = await benchExecutors(queryPipeline, { mode: 'local_dev', executors: ['sync', 'async:maxConcurrent=4'] });
 * process.stdout.write(formatBenchReport(report));
 */

// benchmarking
export { benchExecutors, type BenchOptions } from './bench-executors.ts';
export { parseExecutorSpecs, type ExecutorSpec } from './executor-spec.ts';
export { BenchmarkError, type BenchmarkFailure } from './benchmark-error.ts';
export type { BenchReport, BenchEnvironment, ExecutorResult, BenchProgress } from './report.ts';

// reading the figures
export { formatBenchReport, type FormatOptions } from './format-report.ts';
export { compareReports, formatComparison, type ExecutorChange } from './compare-reports.ts';
export { saveBenchReport, readBenchReport } from './saved-report.ts';
