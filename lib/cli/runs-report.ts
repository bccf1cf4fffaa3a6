import { existsSync } from 'node:fs';
import { stringify } from 'yaml';
import type { RunEvent } from '../events/events.ts';
import { historyPath } from '../history/history-path.ts';
import { HistoryStore, type StoredRun } from '../history/history-store.ts';
import { summarize, type ShownRunStatus } from '../history/run-summary.ts';
import { CliError } from './cli-error.ts';
import { plainLine } from './plain-line.ts';
import { colorFor, makeStyle, type Style } from './style.ts';

/** The flags of `modeflow runs list` and `runs show`. */
export interface RunsFlags {
  readonly history?: string;
  readonly json?: boolean;
  readonly limit?: string;
}

/**
 * `modeflow runs list`: the recorded runs, newest first, as a table (run id, pipeline, mode,
 * status, start, duration) or, with `--json`, one JSON document `{ runs: [...] }`.
 *
 * @throws {CliError} for a bad `--limit` or a history file that cannot be read (exit 2)
 */
export function runsListCommand(flags: RunsFlags): string {
  const limit = flags.limit === undefined ? 50 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit must be a whole number above 0, got ${flags.limit}`);
  const path = historyPath(flags.history);
  const store = openForReading(path);
  if (!store) return flags.json ? JSON.stringify({ runs: [] }) + '\n' : `no run history at ${path} yet: ${HOW_TO_RECORD}\n`;
  try {
    const runs = store.listRuns({ limit }).map((r) => summarize(r, false));
    if (flags.json) return JSON.stringify({ runs }) + '\n';
    if (runs.length === 0) return `no runs in ${path} yet: ${HOW_TO_RECORD}\n`;
    const style = makeStyle(colorFor(process.stdout));
    const rows = runs.map((r) => [r.runId, r.pipeline, r.mode, r.status, localTime(r.startedAt), duration(r.durationMs)]);
    return table(['RUN ID', 'PIPELINE', 'MODE', 'STATUS', 'STARTED', 'DURATION'], rows, (cell, column) =>
      column === 3 ? statusColor(cell as ShownRunStatus, style) : cell,
    );
  } finally {
    store.close();
  }
}

/**
 * `modeflow runs show RUN_ID`: one run's record and its events (plain lines, or with
 * `--json` one document `{ run, events }`). A unique prefix of the id is enough.
 *
 * @throws {CliError} when there is no such run, the prefix names several, or the history cannot be read (exit 2)
 */
export function runsShowCommand(runId: string, flags: RunsFlags): string {
  const path = historyPath(flags.history);
  const store = openForReading(path);
  if (!store) throw new CliError(`no run history at ${path}: ${HOW_TO_RECORD}`);
  try {
    const run = findRun(store, runId, path);
    const summary = summarize(run, false);
    const events = store.events(run.runId).map((e) => JSON.parse(e.json) as RunEvent);
    if (flags.json) {
      const record = {
        ...summary,
        endedAt: run.endedAt,
        runConfig: run.runConfig,
        select: run.select,
        preset: run.preset,
        executor: run.executor,
      };
      return JSON.stringify({ run: record, events }) + '\n';
    }
    const style = makeStyle(colorFor(process.stdout));
    const lines = [
      `run ${run.runId}  ${statusColor(summary.status, style)}`,
      `  pipeline   ${run.pipeline}`,
      `  mode       ${run.mode}${run.executor ? ` (executor ${run.executor})` : ''}`,
      `  started    ${localTime(run.startedAt)}`,
      `  duration   ${duration(run.durationMs)}`,
    ];
    if (run.preset) lines.push(`  preset     ${run.preset}`);
    if (run.select) lines.push(`  selection  ${run.select}`);
    if (Object.keys(run.tags).length > 0) lines.push(`  tags       ${JSON.stringify(run.tags)}`);
    if (summary.status === 'INTERRUPTED')
      lines.push(style.yellow(`  the run was cut off (its process ended without finishing it); these are the events it had`));
    const config =
      run.runConfig && typeof run.runConfig === 'object' && Object.keys(run.runConfig).length > 0
        ? stringify(run.runConfig).trimEnd()
        : '{}';
    lines.push('  run config:', ...config.split('\n').map((line) => `    ${line}`));
    lines.push('', `events (${events.length}):`, ...events.map((e) => `  ${plainLine(e)}`));
    return lines.join('\n') + '\n';
  } finally {
    store.close();
  }
}

const HOW_TO_RECORD = 'runs are recorded by `modeflow ui` and by `modeflow pipeline execute --history`';

function openForReading(path: string): HistoryStore | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return HistoryStore.open(path, { readonly: true });
  } catch (error) {
    throw new CliError((error as Error).message, { cause: error });
  }
}

function findRun(store: HistoryStore, runId: string, path: string): StoredRun {
  const exact = store.getRun(runId);
  if (exact) return exact;
  const found = runId.length >= 4 ? store.findRuns(runId, 6) : [];
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    throw new CliError(
      `run id "${runId}" is ambiguous in ${path}; it starts ${found.map((r) => r.runId).join(', ')}${found.length === 6 ? ', …' : ''}`,
    );
  }
  const latest = store.listRuns({ limit: 5 }).map((r) => r.runId);
  throw new CliError(
    `no run "${runId}" in ${path}` +
      (latest.length ? `; the latest are: ${latest.join(', ')} (see modeflow runs list)` : '; it holds no runs'),
  );
}

function statusColor(status: ShownRunStatus, style: Style): string {
  switch (status) {
    case 'SUCCESS':
      return style.green(status);
    case 'FAILURE':
      return style.red(status);
    case 'STARTED':
    case 'INTERRUPTED':
      return style.yellow(status);
    default:
      return style.dim(status);
  }
}

/** Columns padded to their widest cell; `paint` colours a cell after it is padded. */
function table(head: readonly string[], rows: readonly string[][], paint: (cell: string, column: number) => string): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[], painted: boolean) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i]!);
        return painted ? padded.replace(cell, paint(cell, i)) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(head, false), ...rows.map((r) => line(r, true))].join('\n') + '\n';
}

/** `2026-01-31 14:03:07`, local time. */
function localTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `28 ms`, `4.2 s`, `3 min 04 s`; `—` when unknown. */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}
