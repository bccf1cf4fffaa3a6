import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError, InvalidSubsetError, execute, pipeline, resource, run, solid } from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode, rejectionOf } from '../../helpers/index.ts';

/** load → clean → report, and audit beside them; each uses its own resource. */
function build(journal: string[]) {
  const tracked = (key: string) =>
    resource({
      init: () => {
        journal.push(`init ${key}`);
        return key;
      },
    });
  const load = solid({ name: 'load', resources: ['source'], output: z.array(z.number()), compute: () => [3, 1, 2] });
  const clean = solid({
    name: 'clean',
    inputs: { rows: z.array(z.number()) },
    resources: ['scratch'],
    output: z.array(z.number()),
    compute: (_c, { rows }) => [...rows].sort(),
  });
  const report = solid({
    name: 'report',
    inputs: { rows: z.array(z.number()) },
    resources: ['sink'],
    output: z.string(),
    compute: (_c, { rows }) => rows.join(','),
  });
  const audit = solid({ name: 'audit', resources: ['auditor'], compute: () => 'audited' });
  return pipeline({
    name: 'etl',
    modes: [
      quietMode({
        resources: { source: tracked('source'), scratch: tracked('scratch'), sink: tracked('sink'), auditor: tracked('auditor') },
      }),
    ],
    graph: () => {
      report(clean(load()));
      audit();
    },
  });
}

const started = (list: Awaited<ReturnType<typeof eventsOf>>) => ofType(list, 'STEP_START').map((e) => e.stepKey);

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  it('runs only the selected solid', async () => {
    const list = await eventsOf(build([]), { runConfig, select: 'audit' });
    expect(started(list)).toEqual(['audit']);
  });

  it('runs a solid with all its ancestors for *name', async () => {
    const list = await eventsOf(build([]), { runConfig, select: '*report' });
    expect(started(list)).toEqual(['load', 'clean', 'report']);
  });

  it('runs a solid with all its descendants for name*', async () => {
    const list = await eventsOf(build([]), { runConfig, select: 'load*' });
    expect(started(list)).toEqual(['load', 'clean', 'report']);
  });

  it('runs one level up for +name', async () => {
    const list = await eventsOf(build([]), {
      runConfig: { ...runConfig, solids: { clean: { inputs: { rows: { value: [9, 8] } } } } },
      select: '+report',
    });
    expect(started(list)).toEqual(['clean', 'report']);
  });

  it('unions comma-separated clauses', async () => {
    const list = await eventsOf(build([]), { runConfig, select: 'load,audit' });
    expect(started(list).sort()).toEqual(['audit', 'load']);
  });

  it('feeds a selected solid from solids.<name>.inputs when its upstream is not selected', async () => {
    const result = await execute(build([]), {
      runConfig: { ...runConfig, solids: { report: { inputs: { rows: { value: [7, 8] } } } } },
      select: 'report',
    });
    expect(result.output('report')).toBe('7,8');
  });

  it('refuses a run whose selected solid lacks an input its unselected upstream would give', async () => {
    const error = await rejectionOf(execute(build([]), { runConfig, select: 'report' }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });

  it('initialises only the resources the selected steps need', async () => {
    const journal: string[] = [];
    await execute(build(journal), { runConfig, select: 'audit' });
    expect(journal).toEqual(['init auditor']);
  });

  it('initialises the resources of every selected step', async () => {
    const journal: string[] = [];
    await execute(build(journal), { runConfig, select: '*report' });
    expect(journal.sort()).toEqual(['init scratch', 'init sink', 'init source']);
  });

  it('accepts and ignores config for solids outside the selection', async () => {
    const result = await execute(build([]), {
      runConfig: { ...runConfig, solids: { report: { inputs: { rows: { value: 'not even an array' } } } } },
      select: 'audit',
    });
    expect(result.success).toBe(true);
  });

  it('refuses config for a name that is no solid', async () => {
    const error = await rejectionOf(execute(build([]), { runConfig: { ...runConfig, solids: { ghost: {} } }, select: 'audit' }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });

  it('refuses a clause that matches nothing as the Observable’s error', async () => {
    const error = await new Promise<unknown>((resolve) => run(build([]), { runConfig, select: 'ghost' }).subscribe({ error: resolve }));
    expect(error).toBeInstanceOf(InvalidSubsetError);
  });

  it('makes execute reject with the InvalidSubsetError for a malformed selection', async () => {
    expect(await rejectionOf(execute(build([]), { runConfig, select: 'load**x' }))).toBeInstanceOf(InvalidSubsetError);
  });

  it('records the selection on RUN_START', async () => {
    const list = await eventsOf(build([]), { runConfig, select: 'audit' });
    expect(ofType(list, 'RUN_START')[0]!.select).toBe('audit');
  });

  it('runs everything when no selection is given', async () => {
    const list = await eventsOf(build([]), { runConfig });
    expect(started(list).sort()).toEqual(['audit', 'clean', 'load', 'report']);
  });
});
