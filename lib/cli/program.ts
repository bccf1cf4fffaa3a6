import { Command, CommanderError, Option } from 'commander';
import { registerBenchCommand } from './bench-command.ts';
import { registerRunsCommand } from './runs-command.ts';
import { registerUiCommand } from './ui-command.ts';
import type { ExecuteFlags } from './execute-command.ts';
import type { InspectFlags } from './inspect-commands.ts';
import { packageInfo } from './package-info.ts';
import type { ErrorContext } from './report-error.ts';
import { colorFor, makeStyle } from './style.ts';

// The commands load the library (rxjs, zod, pino) only when one runs: --help, --version
// and usage errors stay fast.
const loadExecute = () => import('./execute-command.ts');
const loadInspect = () => import('./inspect-commands.ts');

const EXAMPLES = `
Examples:
  modeflow pipeline execute -f examples/query-pipeline.ts -d local_dev query_pipeline
  modeflow pipeline execute -f pipelines.ts -d prod query_pipeline -c base.yaml -c prod.yaml
  modeflow pipeline scaffold-config -f pipelines.ts query_pipeline -d prod > prod.yaml
  modeflow pipeline bench -f examples/cpu-heavy.ts --executor sync,workerPool

Exit codes: 0 success, 1 the run failed, 2 the run could not start (usage, files,
definitions, mode, preset, selection or run config), 130 canceled with Ctrl-C.`;

/**
 * The `modeflow` command line: parses `argv` (without node and the script), runs the
 * command, prints errors to stderr, and resolves with the exit code.
 *
 * @example
 * process.exitCode = await main(['pipeline', 'list', '-f', 'examples/query-pipeline.ts']);
 */
export async function main(argv: readonly string[]): Promise<number> {
  const context: ErrorContext = {};
  let exitCode = 0;
  const program = createProgram(context, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has printed its message already; help and --version end here with 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const { reportError } = await import('./report-error.ts');
    const report = reportError(error, context, makeStyle(colorFor(process.stderr)));
    process.stderr.write(report.text + '\n');
    return report.exitCode;
  }
}

function createProgram(context: ErrorContext, setExitCode: (code: number) => void): Command {
  const program = new Command('modeflow')
    .description('Run modeflow pipelines: typed solids, modes, resources, on RxJS.')
    .version(packageInfo().version, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXAMPLES);

  const pipeline = program.command('pipeline').description('run and inspect pipelines').addHelpText('after', EXAMPLES);
  const out = (text: string) => void process.stdout.write(text);

  pipeline
    .command('execute')
    .description('run a pipeline; live progress on a terminal, one line per event otherwise')
    .argument('[name]', 'the pipeline, when the module exports several (same as -p)')
    .requiredOption('-f, --file <file>', 'the module that exports the pipeline (.ts or .js)')
    .option('-p, --pipeline <name>', 'the pipeline, when the module exports several')
    .option('-d, --mode <mode>', 'the mode to run in (required when the pipeline has several)')
    .option('-c, --config <file>', 'a YAML run-config file; repeat to deep-merge, later files win', collect, [] as string[])
    .option('--preset <name>', 'run a preset of the pipeline (its mode, run config, selection); not with -c')
    .option('-s, --select <selection>', 'solids to run: "a", "*a" (with ancestors), "a*" (descendants), "+a", "a+", comma-separated')
    .option('--tags <json>', 'tags for the run, a JSON object')
    .option('--json', 'print the events as NDJSON on stdout (logs go to stderr)')
    .option('--history [path]', 'record the run in the run history (default .modeflow/history.sqlite)')
    // Dagster's own name for -s, so that its users' habits carry over.
    .addOption(new Option('--solid-selection <selection>', 'same as -s').hideHelp())
    .action(async (name: string | undefined, { solidSelection, ...flags }: ExecuteFlags & { solidSelection?: string }) =>
      setExitCode(
        await (
          await loadExecute()
        ).executeCommand(
          name,
          { ...flags, ...(flags.select === undefined && solidSelection !== undefined ? { select: solidSelection } : {}) },
          context,
        ),
      ),
    );

  pipeline
    .command('list')
    .description('list the pipelines a module exports')
    .requiredOption('-f, --file <file>', 'the module (.ts or .js)')
    .action(async (flags: { file: string }) => out(await (await loadInspect()).listCommand(flags, context)));

  pipeline
    .command('print')
    .description("print a pipeline's graph as text")
    .argument('[name]', 'the pipeline, when the module exports several')
    .requiredOption('-f, --file <file>', 'the module (.ts or .js)')
    .option('-p, --pipeline <name>', 'the pipeline, when the module exports several')
    .action(async (name: string | undefined, flags: InspectFlags) => out(await (await loadInspect()).printCommand(name, flags, context)));

  pipeline
    .command('scaffold-config')
    .description('print a YAML run-config skeleton with every field of a mode')
    .argument('[name]', 'the pipeline, when the module exports several')
    .requiredOption('-f, --file <file>', 'the module (.ts or .js)')
    .option('-p, --pipeline <name>', 'the pipeline, when the module exports several')
    .option('-d, --mode <mode>', 'the mode (required when the pipeline has several)')
    .option('-s, --select <selection>', 'only the config a selection of solids needs')
    .action(async (name: string | undefined, flags: InspectFlags) =>
      out(await (await loadInspect()).scaffoldCommand(name, flags, context)),
    );

  pipeline
    .command('config-schema')
    .description("print the JSON Schema of a mode's run config, for editors")
    .argument('[name]', 'the pipeline, when the module exports several')
    .requiredOption('-f, --file <file>', 'the module (.ts or .js)')
    .option('-p, --pipeline <name>', 'the pipeline, when the module exports several')
    .option('-d, --mode <mode>', 'the mode (required when the pipeline has several)')
    .option('-s, --select <selection>', 'only the config a selection of solids needs')
    .action(async (name: string | undefined, flags: InspectFlags) =>
      out(await (await loadInspect()).configSchemaCommand(name, flags, context)),
    );

  registerBenchCommand(pipeline, context, setExitCode);
  registerUiCommand(program, context, setExitCode);
  registerRunsCommand(program, out);

  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
