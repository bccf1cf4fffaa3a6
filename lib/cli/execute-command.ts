import type { RunEvent } from '../events/events.ts';
import type { SerializedError } from '../errors.ts';
import { replaceConsole } from '../../modes/loggers/console.ts';
import type { Pipeline } from '../define/pipeline.ts';
import type { RunOptions } from '../plan/prepare.ts';
import { run } from '../run.ts';
import { applyEvent, initialRunState, type RunState } from '../events/run-state.ts';
import { captureOutput } from './capture-output.ts';
import { CliError } from './cli-error.ts';
import { readConfigFiles } from './config-files.ts';
import { LiveView } from './live-view.ts';
import { noStepRan, resourcesFailedText, solidsNotRun } from './no-step-ran.ts';
import { loadPipeline, stackFrames } from './load-pipeline.ts';
import { plainLine } from './plain-line.ts';
import type { ErrorContext } from './report-error.ts';
import { colorFor, makeStyle, type Style } from './style.ts';

/** The flags of `modeflow pipeline execute`. */
export interface ExecuteFlags {
  readonly file: string;
  readonly pipeline?: string;
  readonly mode?: string;
  readonly config: readonly string[];
  readonly preset?: string;
  readonly select?: string;
  readonly tags?: string;
  readonly json?: boolean;
  /** Record the run in the history: a path, or true for the default file. */
  readonly history?: string | boolean;
}

/** How events reach the user: a live view, plain lines, or NDJSON. */
interface Reporter {
  event(event: RunEvent): void;
  /** The run ended (or never started); stop drawing, release the streams. */
  close(): void;
}

/**
 * `modeflow pipeline execute`: loads the pipeline, runs it with the run config from `-c`
 * files (deep-merged, later wins) or a preset, and reports events as they come. Resolves
 * with the exit code: 0 success, 1 run failed, 130 canceled with Ctrl-C.
 *
 * @throws {CliError} for usage errors, unreadable files, a missing pipeline (exit 2)
 * @throws {InvalidConfigError | InvariantViolationError | InvalidSubsetError} when the run
 *   cannot start (exit 2); `context` then says which pipeline and mode it was
 */
export async function executeCommand(name: string | undefined, flags: ExecuteFlags, context: ErrorContext): Promise<number> {
  if (flags.preset !== undefined && flags.config.length > 0) {
    throw new CliError(
      `--preset and -c cannot be combined: preset "${flags.preset}" brings its own run config; ` +
        `run without --preset (pass -d for the mode), or change the preset`,
    );
  }
  const tags = parseTags(flags.tags);
  const runConfig = flags.config.length ? readConfigFiles(flags.config) : undefined;
  context.file = flags.file;
  context.select = flags.select;
  const pipeline = await loadPipeline(flags.file, name, flags.pipeline);
  context.pipeline = pipeline;
  context.mode = modeOf(pipeline, flags);

  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nmodeflow: canceling the run (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);

  const options: RunOptions = {
    ...(flags.mode === undefined ? {} : { mode: flags.mode }),
    ...(flags.preset === undefined ? {} : { preset: flags.preset }),
    ...(runConfig === undefined ? {} : { runConfig }),
    ...(flags.select === undefined ? {} : { select: flags.select }),
    ...(tags === undefined ? {} : { tags }),
    signal: controller.signal,
  };
  const state = initialRunState();
  const resourceErrors: { resource: string; error: SerializedError; during: string }[] = [];
  let select: string | undefined;
  const history = flags.history === undefined || flags.history === false ? undefined : await openHistory(flags.history);
  const reporter = flags.json ? jsonReporter() : process.stdout.isTTY ? liveReporter() : plainReporter();
  try {
    await new Promise<void>((resolve, reject) => {
      run(pipeline, options).subscribe({
        next: (event) => {
          history?.recorder.add(event);
          applyEvent(state, event);
          if (event.type === 'RUN_START') select = event.select;
          if (event.type === 'RESOURCE_INIT_FAILURE') resourceErrors.push({ resource: event.resource, error: event.error, during: 'init' });
          if (event.type === 'RESOURCE_TEARDOWN' && event.error)
            resourceErrors.push({ resource: event.resource, error: event.error, during: 'teardown' });
          reporter.event(event);
        },
        error: reject,
        complete: resolve,
      });
    });
  } finally {
    reporter.close();
    process.removeListener('SIGINT', onSigint);
    history?.close(state.runId);
  }
  if (state.status === 'SUCCESS') return 0;
  const style = makeStyle(colorFor(process.stderr));
  process.stderr.write(failureSummary(state, resourceErrors, style, solidsNotRun(pipeline, state, select)) + '\n');
  return interrupted ? 130 : 1;
}

/**
 * The run history for `--history [PATH]`, loaded only then (it brings SQLite).
 *
 * @throws {CliError} when the file cannot be opened
 */
async function openHistory(
  value: string | true,
): Promise<{ recorder: { add(event: RunEvent): void }; close(runId: string | undefined): void }> {
  const [{ HistoryStore }, { RunRecorder }, { historyPath }] = await Promise.all([
    import('../history/history-store.ts'),
    import('../history/run-recorder.ts'),
    import('../history/history-path.ts'),
  ]);
  const path = historyPath(value);
  let store: ReturnType<typeof HistoryStore.open>;
  try {
    store = HistoryStore.open(path);
  } catch (error) {
    throw new CliError((error as Error).message, { cause: error });
  }
  const recorder = new RunRecorder(store, {
    onError: (error) => process.stderr.write(`modeflow: cannot record the run in ${path}: ${(error as Error)?.message ?? String(error)}\n`),
  });
  return {
    recorder,
    close: (runId) => {
      recorder.flush();
      store.close();
      if (runId) process.stderr.write(`modeflow: run recorded in ${path} (modeflow runs show ${runId})\n`);
    },
  };
}

/** The mode the run will use, as far as the flags say, for error messages. */
function modeOf(pipeline: Pipeline, flags: ExecuteFlags): string | undefined {
  if (flags.mode !== undefined) return flags.mode;
  const preset = pipeline.presets.find((p) => p.name === flags.preset);
  if (preset?.mode !== undefined) return preset.mode;
  return pipeline.modes.length === 1 ? pipeline.modes[0]!.name : undefined;
}

function parseTags(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let tags: unknown;
  try {
    tags = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--tags must be a JSON object, e.g. --tags '{"team":"data"}': ${(error as Error).message}`);
  }
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    throw new CliError(`--tags must be a JSON object, e.g. --tags '{"team":"data"}', got ${text}`);
  }
  return tags as Record<string, unknown>;
}

/**
 * Which steps failed and why, with the top of each stack; resources that failed too; and
 * the solids that never ran (`notRun`, in run order). A run that failed before its first
 * step says so rather than counting zeros: `no step ran: resource "database" failed to
 * initialise`.
 */
export function failureSummary(
  state: RunState,
  resourceErrors: readonly { resource: string; error: SerializedError; during: string }[],
  style: Style,
  notRun: readonly string[] = [],
): string {
  const c = state.counts;
  const what = state.status === 'CANCELED' ? 'canceled' : 'failed';
  const none = noStepRan(state);
  let outcome: string;
  if (none) {
    const failed = resourcesFailedText(none.resources);
    outcome = failed ? `no step ran: ${failed}` : 'no step ran';
  } else {
    const counts = [`${c.failed} step${c.failed === 1 ? '' : 's'} failed`, `${c.skipped} skipped`, `${c.succeeded} succeeded`];
    if (c.canceled) counts.push(`${c.canceled} canceled`);
    outcome = counts.join(', ');
  }
  const lines = [`${style.red('modeflow:')} run ${what} (pipeline "${state.pipelineName}", mode "${state.mode}"): ${outcome}`];
  if (notRun.length > 0) {
    const shownNames = notRun.length > 12 ? [...notRun.slice(0, 10), `… and ${notRun.length - 10} more`] : notRun;
    lines.push(`  not run: ${shownNames.join(', ')}`);
  }
  let shown = 0;
  for (const key of state.stepOrder) {
    const step = state.steps[key]!;
    if (step.status !== 'FAILURE' || !step.error) continue;
    lines.push(...errorLines(`step ${key}`, step.error, style));
    if (++shown === 10 && c.failed > 10) {
      lines.push(`  … and ${c.failed - 10} more failed steps`);
      break;
    }
  }
  for (const { resource, error, during } of resourceErrors) {
    lines.push(...errorLines(`resource ${resource} (${during === 'init' ? 'initialisation' : 'teardown'})`, error, style));
  }
  if (shown === 0 && resourceErrors.length === 0 && state.error) lines.push(...errorLines('run', state.error, style));
  return lines.join('\n');
}

function errorLines(what: string, error: SerializedError, style: Style): string[] {
  const lines = [`  ${style.red('✗')} ${what}: ${error.name}: ${error.message}`];
  if (typeof error.stack === 'string') {
    const frames = stackFrames(error.stack, 4);
    if (frames) lines.push(style.dim(frames.replace(/^ {4}/gm, '      ')));
  }
  let cause = error.cause as SerializedError | undefined;
  for (let depth = 0; cause && typeof cause === 'object' && depth < 3; depth++) {
    lines.push(`      caused by ${String(cause.name)}: ${String(cause.message)}`);
    cause = cause.cause as SerializedError | undefined;
  }
  return lines;
}

function jsonReporter(): Reporter {
  // stdout carries events only: whatever else writes there (a JSON log sink, console.log) goes to stderr.
  const capture = captureOutput({ stdout: (text) => capture.stderr(text) });
  return {
    event: (event) => capture.stdout(toJsonLine(event)),
    close: () => capture.restore(),
  };
}

function plainReporter(): Reporter {
  // Each record once: the plain lines show every event, LOG records included, so the
  // mode's console sink (stderr, often merged with stdout in CI) writes nothing meanwhile.
  replaceConsole(DISCARD);
  return {
    event: (event) => void process.stdout.write(plainLine(event) + '\n'),
    close: () => replaceConsole(undefined),
  };
}

const DISCARD = { write: () => undefined };

function liveReporter(): Reporter {
  const view = new LiveView({
    write: (text) => capture.stdout(text),
    columns: () => process.stdout.columns || 100,
    rows: () => process.stdout.rows || 30,
    color: colorFor(process.stdout),
  });
  // Only what shares the terminal with the view needs to go above it.
  const capture = captureOutput({
    stdout: (text) => view.above(text),
    ...(process.stderr.isTTY ? { stderr: (text: string) => view.above(text) } : {}),
  });
  view.start();
  return {
    event: (event) => view.push(event),
    close: () => {
      view.finish();
      capture.restore();
    },
  };
}

/** One NDJSON line; a value JSON cannot hold (a bigint) is written as a string rather than failing the run. */
function toJsonLine(event: RunEvent): string {
  return JSON.stringify(event, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) + '\n';
}
