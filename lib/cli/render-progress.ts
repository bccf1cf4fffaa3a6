import type { LogEvent } from '../events/events.ts';
import type { SerializedError } from '../errors.ts';
import type { RunState, StepState } from '../events/run-state.ts';
import { noStepRan, resourcesFailedText } from './no-step-ran.ts';
import { preview } from './preview.ts';
import { makeStyle, truncate, type Style } from './style.ts';

/** What the progress view needs besides the run state; all of it plain data, so rendering stays pure. */
export interface ProgressOptions {
  /** The clock, epoch ms: elapsed times and the spinner are computed from it. */
  readonly now: number;
  /** Terminal columns; every line is cut to fit. Default 100. */
  readonly width?: number;
  /** Most lines to return (the terminal's rows); long step lists are summarised. Default 30. */
  readonly height?: number;
  /** ANSI colours on (default off). */
  readonly color?: boolean;
  /** A short preview of the last output of each step, by step key. */
  readonly outputs?: Readonly<Record<string, string>>;
  /** How many of the latest log lines to show. Default 3. */
  readonly logLines?: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Renders a run state as the lines of the CLI's live progress view: a header with the
 * pipeline, mode, status and elapsed time; one line per step (done, running, failed,
 * skipped), summarised when there are more than fit; the counts; the latest log lines.
 * A run that ended before any step (a resource failed to initialise) shows why in place
 * of steps and counts: `no step ran: resource "database" failed to initialise: …`.
 * A pure function of its arguments, so a recorded event stream folded with
 * `reduceRunState` renders the same every time.
 *
 * @example
 * const state = reduceRunState(initialRunState(), events);
 * process.stdout.write(renderProgress(state, { now: Date.now(), width: 80 }).join('\n') + '\n');
 */
export function renderProgress(state: RunState, options: ProgressOptions): string[] {
  const width = options.width ?? 100;
  const height = Math.max(options.height ?? 30, 4);
  const s = makeStyle(options.color ?? false);
  const logCount = options.logLines ?? 3;
  const logs = logCount > 0 ? state.recentLogs.slice(-logCount) : [];
  const none = noStepRan(state);
  // After a resource init failure the line saying so replaces the step list and counts.
  const resources = resourceLine(state, s, none ? new Set(none.resources) : undefined);
  const fixed = 2 + logs.length + (resources ? 1 : 0);
  const lines = [header(state, options.now, s)];
  if (resources) lines.push(resources);
  if (none) lines.push(noStepLine(state, none.resources, s));
  else lines.push(...stepLines(state, options, s, Math.max(height - fixed, 1)), countsLine(state, s));
  for (const log of logs) lines.push(logLine(log, s));
  return lines.map((line) => truncate(line, width));
}

/** `no step ran: resource "database" failed to initialise: Error: connect ECONNREFUSED …`. */
function noStepLine(state: RunState, resources: readonly string[], s: Style): string {
  const because = [resourcesFailedText(resources), state.error ? errorText(state.error) : undefined].filter((part) => part !== undefined);
  return `  ${s.red('no step ran')}${because.length ? `: ${because.join(': ')}` : ''}`;
}

function header(state: RunState, now: number, s: Style): string {
  const name = s.bold(state.pipelineName ?? 'pipeline');
  const where = `${name} ${s.dim('·')} mode ${state.mode ?? '?'}`;
  const elapsed = formatDuration((state.endedAt ?? now) - (state.startedAt ?? now));
  switch (state.status) {
    case 'NOT_STARTED':
      return `${s.cyan(spin(now))} starting…`;
    case 'STARTED':
      return `${s.cyan(spin(now))} ${where} ${s.dim('·')} running ${elapsed}`;
    case 'SUCCESS':
      return `${s.green('✓')} ${where} ${s.dim('·')} ${s.green('succeeded')} in ${elapsed}`;
    case 'FAILURE':
      return `${s.red('✗')} ${where} ${s.dim('·')} ${s.red('failed')} after ${elapsed}`;
    case 'CANCELED':
      return `${s.yellow('■')} ${where} ${s.dim('·')} ${s.yellow('canceled')} after ${elapsed}`;
  }
}

function resourceLine(state: RunState, s: Style, told?: ReadonlySet<string>): string | undefined {
  const notable = Object.entries(state.resources).filter(
    ([key, status]) => status !== 'READY' && status !== 'TORN_DOWN' && !(status === 'FAILED' && told?.has(key)),
  );
  if (notable.length === 0) return undefined;
  const described = notable.map(([key, status]) => {
    switch (status) {
      case 'INITIALIZING':
        return `${key} ${s.cyan('initialising')}`;
      case 'FAILED':
        return `${key} ${s.red('failed to initialise')}`;
      default:
        return `${key} ${s.red('teardown failed')}`;
    }
  });
  return `  resources: ${described.join(', ')}`;
}

function stepLines(state: RunState, options: ProgressOptions, s: Style, room: number): string[] {
  const order = state.stepOrder;
  let shown: readonly string[] = order;
  let more: string | undefined;
  if (order.length > room) {
    // Too many to show: failures first, then running steps, then the latest finished ones.
    const rank = (key: string) => {
      const status = state.steps[key]!.status;
      return status === 'FAILURE' || status === 'CANCELED' ? 0 : status === 'RUNNING' ? 1 : 2;
    };
    shown = order
      .map((key, index) => ({ key, index, rank: rank(key) }))
      .sort((a, b) => a.rank - b.rank || b.index - a.index)
      .slice(0, room - 1)
      .sort((a, b) => a.index - b.index)
      .map((p) => p.key);
    const hidden = order.length - shown.length;
    more = s.dim(`  … ${hidden} more step${hidden === 1 ? '' : 's'}`);
  }
  let nameWidth = 0;
  for (const key of shown) nameWidth = Math.max(nameWidth, Math.min(key.length, 40));
  const lines = shown.map((key) => stepLine(state.steps[key]!, nameWidth, options, s));
  if (more) lines.push(more);
  return lines;
}

function stepLine(step: StepState, nameWidth: number, options: ProgressOptions, s: Style): string {
  const name = step.stepKey.padEnd(nameWidth);
  const attempt = step.attempt > 1 ? s.yellow(` (attempt ${step.attempt})`) : '';
  switch (step.status) {
    case 'RUNNING':
      return `  ${s.cyan(spin(options.now))} ${name}  ${s.cyan('running')} ${formatDuration(options.now - (step.startedAt ?? options.now))}${attempt}`;
    case 'SUCCESS': {
      const took = formatDuration((step.endedAt ?? 0) - (step.startedAt ?? 0)).padStart(7);
      const output = options.outputs?.[step.stepKey];
      return `  ${s.green('✓')} ${name}  ${took}${attempt}${output === undefined ? '' : s.dim(`  → ${output}`)}`;
    }
    case 'FAILURE':
      return `  ${s.red('✗')} ${name}  ${s.red('failed')}${attempt}: ${step.error ? errorText(step.error) : 'unknown error'}`;
    case 'CANCELED':
      return `  ${s.yellow('■')} ${name}  ${s.yellow('canceled')}`;
    case 'SKIPPED':
      return `  ${s.dim('–')} ${name}  ${s.dim('skipped')}`;
  }
}

function countsLine(state: RunState, s: Style): string {
  const c = state.counts;
  const parts = [
    `${c.succeeded} done`,
    c.running ? s.cyan(`${c.running} running`) : '0 running',
    c.failed ? s.red(`${c.failed} failed`) : '0 failed',
    `${c.skipped} skipped`,
  ];
  if (c.canceled) parts.push(s.yellow(`${c.canceled} canceled`));
  if (c.retries) parts.push(s.yellow(`${c.retries} retr${c.retries === 1 ? 'y' : 'ies'}`));
  return `  ${parts.join(s.dim(' · '))}`;
}

function logLine(log: LogEvent, s: Style): string {
  const level =
    log.level === 'error' || log.level === 'fatal' ? s.red(log.level) : log.level === 'warn' ? s.yellow(log.level) : s.dim(log.level);
  const where = log.stepKey ? `${s.dim(`[${log.stepKey}]`)} ` : '';
  const fields = Object.keys(log.fields).length ? s.dim(` ${preview(log.fields, 200)}`) : '';
  return `  ${level.padEnd(5 + (level.length - log.level.length))} ${where}${log.message}${fields}`;
}

function errorText(error: SerializedError): string {
  return `${error.name}: ${error.message.split('\n')[0]}`;
}

function spin(now: number): string {
  return SPINNER[Math.floor(now / 80) % SPINNER.length]!;
}

/** `850 ms`, `3.2 s`, `2 m 05 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} m ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}
