import { formatMs, formatPercent } from './format.ts';
import { ratio, withinNoise } from './ratio.ts';
import type { BenchReport, ExecutorResult } from './report.ts';

/** How one executor's median changed from a saved report to a new one. */
export interface ExecutorChange {
  readonly label: string;
  /** Medians before and after, ms; undefined where the executor is in one report only. */
  readonly beforeMs: number | undefined;
  readonly afterMs: number | undefined;
  /** after ÷ before − 1, as a percentage (−18 is 18% faster). */
  readonly changePercent: number | undefined;
  /** Its error in percentage points (both reports' spreads in quadrature, see {@link ratio}). */
  readonly errorPercent: number | undefined;
  /** `median 12.3 ms → 10.1 ms (−18% ± 3%)`. */
  readonly text: string;
}

/**
 * Compares a new report with a saved one, executor by executor (matched by label, in the
 * new report's order, then those only the saved one has): the change of the median as a
 * percentage, with its error (see {@link ratio}), and `within the noise` when the error
 * covers it. `notes` says what makes the two hard to compare (another pipeline, mode,
 * machine or node version).
 *
 * @example
 * compareReports(JSON.parse(readFileSync('before.json', 'utf8')), report).changes.map((c) => c.text);
 */
export function compareReports(before: BenchReport, after: BenchReport): { changes: ExecutorChange[]; notes: string[] } {
  const old = new Map(before.executors.map((e) => [e.label, e]));
  const changes = after.executors.map((e) => change(e.label, old.get(e.label), e));
  const now = new Set(after.executors.map((e) => e.label));
  for (const e of before.executors) if (!now.has(e.label)) changes.push(change(e.label, e, undefined));
  const notes: string[] = [];
  const a = before.environment;
  const b = after.environment;
  if (a.pipeline !== b.pipeline || a.mode !== b.mode) {
    notes.push(`the saved report is of pipeline ${a.pipeline} in mode ${a.mode}; this one of ${b.pipeline} in mode ${b.mode}`);
  }
  if (a.node !== b.node) notes.push(`node ${a.node} then, ${b.node} now`);
  if (a.cpus !== b.cpus || a.cpuModel !== b.cpuModel || a.platform !== b.platform) {
    notes.push(`another machine: ${a.cpus} × ${a.cpuModel} (${a.platform}) then, ${b.cpus} × ${b.cpuModel} (${b.platform}) now`);
  }
  if (a.steps !== b.steps) notes.push(`${a.steps} steps per run then, ${b.steps} now`);
  return { changes, notes };
}

function change(label: string, before: ExecutorResult | undefined, after: ExecutorResult | undefined): ExecutorChange {
  if (!before || !after) {
    const only = before ?? after!;
    return {
      label,
      beforeMs: before?.medianMs,
      afterMs: after?.medianMs,
      changePercent: undefined,
      errorPercent: undefined,
      text: `median ${formatMs(only.medianMs)} ${before ? 'then, not benched now' : 'now, not in the saved report'}`,
    };
  }
  const r = ratio(after, before);
  const changePercent = (r.value - 1) * 100;
  const errorPercent = r.error * 100;
  const noise = withinNoise(r) ? ', within the noise' : '';
  return {
    label,
    beforeMs: before.medianMs,
    afterMs: after.medianMs,
    changePercent,
    errorPercent,
    text:
      `median ${formatMs(before.medianMs)} → ${formatMs(after.medianMs)} ` +
      `(${formatPercent(changePercent)} ± ${formatPercent(errorPercent).replace(/^[+−]/, '')}${noise})`,
  };
}

/** The comparison as text: a heading naming the saved file, one line per executor, then the notes. */
export function formatComparison(file: string, comparison: { changes: readonly ExecutorChange[]; notes: readonly string[] }): string {
  const width = Math.max(...comparison.changes.map((c) => c.label.length), 8);
  const lines = [`Compared with ${file}:`, ...comparison.changes.map((c) => `  ${c.label.padEnd(width)}  ${c.text}`)];
  for (const note of comparison.notes) lines.push(`  note: ${note}`);
  return lines.join('\n') + '\n';
}
