import type { Command } from 'commander';
import type { RunsFlags } from './runs-report.ts';

const HISTORY = ['--history <path>', 'the run history file (default .modeflow/history.sqlite)'] as const;

/**
 * Registers `modeflow runs list` and `modeflow runs show RUN_ID`, which read the run
 * history (runs of `ui` and `pipeline execute --history`). What they print is built in
 * runs-report.ts, loaded only when one runs.
 */
export function registerRunsCommand(program: Command, out: (text: string) => void): void {
  const load = () => import('./runs-report.ts');
  const runs = program.command('runs').description('read the run history (runs of `ui` and `pipeline execute --history`)');
  runs
    .command('list')
    .description('the recorded runs, newest first')
    .option(...HISTORY)
    .option('--limit <n>', 'how many runs', '50')
    .option('--json', 'print { runs: [...] } as JSON')
    .action(async (flags: RunsFlags) => out((await load()).runsListCommand(flags)));
  runs
    .command('show')
    .description('a recorded run: its record and events (a unique prefix of the id will do)')
    .argument('<runId>', 'the run id')
    .option(...HISTORY)
    .option('--json', 'print { run, events } as JSON')
    .action(async (runId: string, flags: RunsFlags) => out((await load()).runsShowCommand(runId, flags)));
}
