import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { BenchReport } from '../bench/report.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { CliError } from './cli-error.ts';
import type { ErrorContext } from './report-error.ts';

/** The flags of `modeflow pipeline bench`. */
export interface BenchFlags {
  readonly file: string;
  readonly pipeline?: string;
  readonly mode?: string;
  readonly config: readonly string[];
  readonly preset?: string;
  readonly select?: string;
  readonly executor?: readonly string[];
  readonly runs: string;
  readonly warmup: string;
  readonly json?: boolean;
  readonly save?: string;
  readonly compare?: string;
  /** `--no-check` makes it false. */
  readonly check: boolean;
  readonly showOutput?: boolean;
}

const EXAMPLES = `
Examples:
  modeflow pipeline bench -f examples/cpu-heavy.ts
  modeflow pipeline bench -f examples/query-pipeline.ts -d local_dev --executor sync,async
  modeflow pipeline bench -f io.ts --executor async:maxConcurrent=4,async:maxConcurrent=16,async:maxConcurrent=64
  modeflow pipeline bench -f cpu.ts --executor sync,workerPool:maxWorkers=2 --runs 20 --save before.json
  modeflow pipeline bench -f cpu.ts --executor sync,workerPool:maxWorkers=2 --compare before.json

Each executor: its first run (cold start, timed apart; checked to give the first
executor's outputs), then --warmup untimed runs, then --runs timed runs. Figures are
medians; see docs/executor-benchmarks.md. Exit codes: 0 done, 1 a run failed or two
executors gave different outputs, 2 bad usage or config, 130 canceled with Ctrl-C.`;

/**
 * Adds `modeflow pipeline bench` to the `pipeline` command. What it runs is loaded only
 * when it runs, so that `--help` stays fast.
 */
export function registerBenchCommand(pipeline: Command, context: ErrorContext, setExitCode: (code: number) => void): void {
  pipeline
    .command('bench')
    .description('benchmark the executors of a mode on the pipeline: medians, cold start, peak RSS, who is faster')
    .argument('[name]', 'the pipeline, when the module exports several (same as -p)')
    .requiredOption('-f, --file <file>', 'the module that exports the pipeline (.ts or .js)')
    .option('-p, --pipeline <name>', 'the pipeline, when the module exports several')
    .option('-d, --mode <mode>', 'the mode to run in (required when the pipeline has several)')
    .option('-c, --config <file>', 'a YAML run-config file; repeat to deep-merge, later files win', collect, [] as string[])
    .option('--preset <name>', 'bench a preset of the pipeline (its mode, run config, selection); not with -c')
    .option('-s, --select <selection>', 'solids to run: "a", "*a" (with ancestors), "a*" (descendants), "+a", "a+", comma-separated')
    .option(
      '-e, --executor <specs>',
      'executors to bench, comma-separated, each with optional config: sync,async:maxConcurrent=16,workerPool:maxWorkers=4 ' +
        '(default: every executor of the mode but virtualTime, and but queue unless run config configures it); repeatable',
      collect,
    )
    .option('--runs <n>', 'timed runs per executor', '10')
    .option('--warmup <n>', 'untimed runs per executor after its first and before the timed ones', '2')
    .option('--json', 'print the report as one JSON document on stdout, nothing else there')
    .option('--save <file>', 'also write the report as JSON to FILE, for --compare later')
    .option('--compare <file>', 'show the change of each median against a report saved with --save')
    .option('--no-check', 'time executors even when their outputs differ (outputs that depend on time or chance)')
    .option('--show-output', 'show what the runs write (logger sinks, console) on stderr; hidden by default')
    .addOption(new Option('--solid-selection <selection>', 'same as -s').hideHelp())
    .addHelpText('after', EXAMPLES)
    .action(async (name: string | undefined, { solidSelection, ...flags }: BenchFlags & { solidSelection?: string }) =>
      setExitCode(
        await benchCommand(
          name,
          { ...flags, ...(flags.select === undefined && solidSelection !== undefined ? { select: solidSelection } : {}) },
          context,
        ),
      ),
    );
}

/**
 * `modeflow pipeline bench`: loads the pipeline, benchmarks the executors, prints the
 * report (text, or JSON with `--json`), saves and compares it. Resolves with the exit
 * code: 0 done, 1 a run failed or executors disagree, 130 canceled with Ctrl-C.
 *
 * @throws {CliError} for usage errors, unreadable files, a missing pipeline (exit 2)
 * @throws {InvalidConfigError | InvariantViolationError | InvalidSubsetError} when the
 *   runs cannot start (exit 2); `context` then says which pipeline and mode it was
 */
export async function benchCommand(name: string | undefined, flags: BenchFlags, context: ErrorContext): Promise<number> {
  if (flags.preset !== undefined && flags.config.length > 0) {
    throw new CliError(
      `--preset and -c cannot be combined: preset "${flags.preset}" brings its own run config; ` +
        `bench without --preset (pass -d for the mode), or change the preset`,
    );
  }
  const runs = count(flags.runs, '--runs', 1);
  const warmup = count(flags.warmup, '--warmup', 0);
  if (flags.save !== undefined && !existsSync(dirname(resolve(flags.save)))) {
    throw new CliError(`--save ${flags.save}: the folder ${dirname(resolve(flags.save))} does not exist`);
  }
  const [bench, { readConfigFiles }, { loadPipeline }] = await Promise.all([
    import('../bench/index.ts'),
    import('./config-files.ts'),
    import('./load-pipeline.ts'),
  ]);
  let before: BenchReport | undefined;
  if (flags.compare !== undefined) {
    try {
      before = bench.readBenchReport(flags.compare);
    } catch (error) {
      throw new CliError(`--compare: ${(error as Error).message}`);
    }
  }
  const runConfig = flags.config.length ? readConfigFiles(flags.config) : undefined;
  context.file = flags.file;
  context.select = flags.select;
  const pipeline = await loadPipeline(flags.file, name, flags.pipeline);
  context.pipeline = pipeline;
  context.mode = modeOf(pipeline, flags);

  const report = await runBench(pipeline, flags, { runs, warmup, runConfig });
  if (typeof report === 'number') return report;

  const comparison = before && flags.compare !== undefined ? bench.compareReports(before, report) : undefined;
  if (flags.save !== undefined) bench.saveBenchReport(flags.save, report);
  if (flags.json) {
    const document = comparison ? { ...report, comparison: { file: flags.compare, ...comparison } } : report;
    process.stdout.write(JSON.stringify(document, null, 2) + '\n');
  } else {
    const { colorFor } = await import('./style.ts');
    let text = bench.formatBenchReport(report, { color: colorFor(process.stdout) });
    if (comparison) text += '\n' + bench.formatComparison(flags.compare!, comparison);
    process.stdout.write(text);
  }
  return 0;
}

/** Runs the bench with the runs' own output hidden (or on stderr) and a progress line on a terminal; a number is the exit code of a failure. */
async function runBench(
  pipeline: Pipeline,
  flags: BenchFlags,
  settings: { runs: number; warmup: number; runConfig: Record<string, unknown> | undefined },
): Promise<BenchReport | number> {
  const [bench, { captureOutput }, { replaceConsole }, { ProgressLine }, { colorFor, makeStyle }, { stackFrames }] = await Promise.all([
    import('../bench/index.ts'),
    import('./capture-output.ts'),
    import('../../modes/loggers/console.ts'),
    import('../bench/progress-line.ts'),
    import('./style.ts'),
    import('./load-pipeline.ts'),
  ]);
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);

  const progress = process.stderr.isTTY
    ? new ProgressLine({ write: (text) => capture.stderr(text), columns: () => process.stderr.columns || 100 })
    : undefined;
  // What the runs write is not the bench's output: hidden, or on stderr with --show-output.
  const runOutput = flags.showOutput
    ? (text: string) => {
        progress?.clear();
        capture.stderr(text);
      }
    : () => undefined;
  const capture = captureOutput({ stdout: runOutput, stderr: runOutput });
  // Console sinks write JSON lines to it whatever the terminal, so that the figures do not depend on it.
  replaceConsole({ write: runOutput });
  try {
    return await bench.benchExecutors(pipeline, {
      ...(flags.mode === undefined ? {} : { mode: flags.mode }),
      ...(flags.preset === undefined ? {} : { preset: flags.preset }),
      ...(settings.runConfig === undefined ? {} : { runConfig: settings.runConfig }),
      ...(flags.select === undefined ? {} : { select: flags.select }),
      ...(flags.executor === undefined ? {} : { executors: flags.executor }),
      runs: settings.runs,
      warmup: settings.warmup,
      checkOutputs: flags.check,
      signal: controller.signal,
      ...(progress ? { onProgress: (p) => progress.update(p) } : {}),
    });
  } catch (error) {
    if (!(error instanceof bench.BenchmarkError)) throw error;
    progress?.stop();
    const style = makeStyle(colorFor(process.stderr));
    const lines = [`${style.red('modeflow:')} ${error.message}`];
    const failure = error.failure;
    if (failure.kind === 'run-failed' && typeof failure.error?.stack === 'string') {
      const frames = stackFrames(failure.error.stack, 4);
      if (frames) lines.push(style.dim(frames));
    }
    capture.stderr(lines.join('\n') + '\n');
    return interrupted ? 130 : 1;
  } finally {
    progress?.stop();
    capture.restore();
    replaceConsole(undefined);
    process.removeListener('SIGINT', onSigint);
  }
}

/** The mode the runs will use, as far as the flags say, for error messages. */
function modeOf(pipeline: Pipeline, flags: BenchFlags): string | undefined {
  if (flags.mode !== undefined) return flags.mode;
  const preset = pipeline.presets.find((p) => p.name === flags.preset);
  if (preset?.mode !== undefined) return preset.mode;
  return pipeline.modes.length === 1 ? pipeline.modes[0]!.name : undefined;
}

function count(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min) throw new CliError(`${flag} must be a whole number of at least ${min}, got "${text}"`);
  return value;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
