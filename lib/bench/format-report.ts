import { formatBytes, formatMs, formatRate } from './format.ts';
import type { BenchEnvironment, BenchReport, ExecutorResult } from './report.ts';

/** Below this many milliseconds per step (the fastest executor's median), a pipeline's steps count as trivial. */
export const TRIVIAL_STEP_MS = 0.05;

/** How {@link formatBenchReport} writes. */
export interface FormatOptions {
  /** Bold executor names (ANSI). Default off. */
  readonly color?: boolean;
}

/**
 * A benchmark report as text, hyperfine-like: one line for the environment, then per
 * executor its time (median, p75, p99), range (min … max, mean ± margin of error,
 * runs), throughput (runs/s, steps/s), cold start and peak RSS, then the summary.
 * When the steps are trivial (the fastest executor takes under 50 µs per step), each
 * executor also shows its time per step, which is then its overhead per step.
 *
 * @example
 * process.stdout.write(formatBenchReport(await benchExecutors(p)));
 */
export function formatBenchReport(report: BenchReport, options: FormatOptions = {}): string {
  const bold = options.color ? (text: string) => `\x1b[1m${text}\x1b[22m` : (text: string) => text;
  const lines = [environmentLine(report.environment)];
  const busy = report.environment.loadAverage > report.environment.cpus * 0.5;
  if (busy)
    lines.push(`(load average ${report.environment.loadAverage} on ${report.environment.cpus} CPUs: other work is running, expect noise)`);
  const fastestPerStep = Math.min(...report.executors.map((e) => (e.steps ? e.medianMs / e.steps : Infinity)));
  const trivial = fastestPerStep < TRIVIAL_STEP_MS;
  for (const e of report.executors) {
    lines.push('', bold(e.label), ...executorLines(e, trivial));
  }
  if (report.executors.length > 0) {
    lines.push(
      '',
      "Cold start: an executor's first run in this process, timed apart (workerPool: a new pool of threads);",
      "the first executor's also pays for what any first run of a process pays (JIT, lazy loading).",
    );
  }
  if (report.summary.length > 0) lines.push('', 'Summary', ...report.summary.map((line) => `  ${line}`));
  return lines.join('\n') + '\n';
}

function environmentLine(env: BenchEnvironment): string {
  const model = env.cpuModel.replace(/\s+/g, ' ').replace(/\(R\)|\(TM\)/g, '');
  const cpu = model.length > 40 ? `${model.slice(0, 39)}…` : model;
  return (
    `${env.pipeline} (mode ${env.mode}, ${env.steps} step${env.steps === 1 ? '' : 's'} per run) · ` +
    `node ${env.node}, ${env.platform} ${env.arch}, ${env.cpus} CPU${env.cpus === 1 ? '' : 's'} (${cpu}) · ` +
    `${env.runs} run${env.runs === 1 ? '' : 's'} after ${env.warmup} warm-up per executor`
  );
}

function executorLines(e: ExecutorResult, trivial: boolean): string[] {
  const col = (label: string, value: string) => `  ${label.padEnd(19)} ${value}`;
  const pair = (a: string, b: string) => `${a.padEnd(18)}   ${b}`;
  const lines = [
    col('Time (median):', pair(formatMs(e.medianMs), `p75 ${formatMs(e.p75Ms)}   p99 ${formatMs(e.p99Ms)}`)),
    col(
      'Range (min … max):',
      pair(
        `${formatMs(e.minMs)} … ${formatMs(e.maxMs)}`,
        `mean ${formatMs(e.meanMs)}${e.runs > 1 ? ` ± ${e.rme.toFixed(1)}%` : ''}, ${e.runs} run${e.runs === 1 ? '' : 's'}`,
      ),
    ),
    col('Throughput:', pair(`${formatRate(e.runsPerSecond)} runs/s`, `${formatRate(e.stepsPerSecond)} steps/s`)),
    col('Cold start:', pair(formatMs(e.coldStartMs), `peak RSS ${formatBytes(e.peakRssBytes)}`)),
  ];
  if (trivial && e.steps > 0) lines.push(col('Overhead per step:', `${formatMs(e.medianMs / e.steps)}  (the steps do next to nothing)`));
  return lines;
}
