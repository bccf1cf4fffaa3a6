/** The CLI on a pipeline with composites (examples/table-stats.ts): groups in print, nested config in scaffold, dotted names in runs. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { events, runCli } from './run-cli.ts';

const file = ['-f', 'examples/table-stats.ts'];

describe('modeflow and composites', () => {
  it('pipeline print shows each composite as a group over its solids, with its inputs, config and outputs', () => {
    const result = runCli(['pipeline', 'print', ...file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        '  table_1_stats (composite table_stats) — row count, total and mean of one column of a table',
        '      inputs:    ready ← generate_table_1',
        '      config:    solids.table_1_stats.config, mapped onto its solids',
        '      outputs:   result ← table_1_stats.summarise',
        '    table_1_stats.count_rows',
        '        inputs:    ready ← generate_table_1',
        '        resources: database',
        '        config:    from the configMapping of table_1_stats',
        '        outputs:   result → table_1_stats.summarise',
      ].join('\n'),
    );
  });

  it('scaffold-config gives a composite its own config, not its solids\u2019', () => {
    const result = runCli(['pipeline', 'scaffold-config', ...file, '-d', 'local_dev']);
    expect(result.code).toBe(0);
    expect(parse(result.stdout).solids.table_1_stats).toEqual({ config: { table: null, column: 'value' } });
  });

  it('runs it with dotted step keys, and -s picks a whole composite by name', () => {
    const result = runCli(['pipeline', 'execute', ...file, '-c', 'examples/table-stats.yaml', '--json']);
    expect(result.code).toBe(0);
    const all = events(result.stdout);
    const summary = (name: string) => all.find((e) => e.type === 'STEP_OUTPUT' && e['stepKey'] === name)?.['value'];
    expect(summary('table_0_stats.summarise')).toMatchObject({ rows: 1000 });
    expect(summary('table_1_stats.summarise')).toMatchObject({ rows: 495 });

    const selected = runCli(['pipeline', 'execute', ...file, '-c', 'examples/table-stats.yaml', '-s', '*table_1_stats', '--json']);
    expect(selected.code).toBe(0);
    const started = events(selected.stdout).flatMap((e) => (e.type === 'STEP_START' ? [e['stepKey']] : []));
    expect(started.sort()).toEqual([
      'create_table_0',
      'generate_table_1',
      'table_1_stats.count_rows',
      'table_1_stats.summarise',
      'table_1_stats.total_column',
    ]);
  });
});
