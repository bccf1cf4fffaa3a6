import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialRunState, reduceRunState, type RunEvent } from '../../lib/index.ts';
import { failureSummary } from '../../lib/cli/execute-command.ts';
import { solidsNotRun } from '../../lib/cli/no-step-ran.ts';
import { plainLine } from '../../lib/cli/plain-line.ts';
import { renderProgress } from '../../lib/cli/render-progress.ts';
import { makeStyle, stripAnsi } from '../../lib/cli/style.ts';
import { warehouse } from './fixtures/resource-failure.ts';
import { fixture, runCli } from './run-cli.ts';

/** Event streams recorded from real runs with `modeflow pipeline execute --json`. */
const recorded = (name: string): RunEvent[] =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RunEvent);

const slow = recorded('slow-run.ndjson');
const failing = recorded('failing-run.ndjson');
/** `warehouse` of fixtures/resource-failure.ts: its database's init threw, so no step ran. */
const initFailed = recorded('resource-failure-run.ndjson');
const startedAt = slow[0]!.timestamp;

describe('renderProgress (the live view, state → lines)', () => {
  it('shows running steps with their elapsed time and the latest log lines mid-run', () => {
    const state = reduceRunState(initialRunState(), slow.slice(0, 10));
    expect(renderProgress(state, { now: startedAt + 20, width: 80 })).toEqual([
      '⠴ slow · mode default · running 20 ms',
      '  ✓ first              0 ms',
      '  ⠴ load_orders     running 17 ms',
      '  ⠴ load_customers  running 17 ms',
      '  1 done · 2 running · 0 failed · 0 skipped',
      '  info  [load_orders] working for 40 ms {"ms":40}',
      '  info  [load_customers] working for 25 ms {"ms":25}',
    ]);
  });

  it('shows every step done with its duration and output once the run succeeded', () => {
    const state = reduceRunState(initialRunState(), slow);
    const outputs = { first: '0', load_orders: '40', join_tables: '30' };
    expect(renderProgress(state, { now: startedAt + 5000, width: 80, outputs, logLines: 0 })).toEqual([
      '✓ slow · mode default · succeeded in 75 ms',
      '  ✓ first              0 ms  → 0',
      '  ✓ load_orders       41 ms  → 40',
      '  ✓ load_customers    26 ms',
      '  ✓ report            11 ms',
      '  ✓ join_tables       31 ms  → 30',
      '  5 done · 0 running · 0 failed · 0 skipped',
    ]);
  });

  it('shows failed steps with their error, and skipped ones', () => {
    const state = reduceRunState(initialRunState(), failing);
    expect(renderProgress(state, { now: 0, width: 80 })).toEqual([
      '✗ failing · mode default · failed after 2 ms',
      '  ✗ boom         failed: Error: kaboom: the answer was not 42',
      '  – after_boom   skipped',
      '  ✓ independent     0 ms',
      '  1 done · 0 running · 1 failed · 1 skipped',
    ]);
  });

  it('renders the same whether events were folded in one batch or many', () => {
    let batched = initialRunState();
    for (let i = 0; i < slow.length; i += 3) batched = reduceRunState(batched, slow.slice(i, i + 3));
    const once = reduceRunState(initialRunState(), slow);
    const options = { now: startedAt + 100, width: 80 };
    expect(renderProgress(batched, options)).toEqual(renderProgress(once, options));
  });

  it('fits the terminal: lines cut to the width, long step lists summarised to the height', () => {
    const base = { runId: 'r', pipelineName: 'wide', mode: 'default' };
    const events: RunEvent[] = [
      { ...base, type: 'RUN_START', timestamp: 0, executor: 'async', runConfig: {}, select: undefined, tags: {}, preset: undefined },
    ];
    for (let i = 0; i < 200; i++) {
      const step = { ...base, stepKey: `step_with_a_long_name_${i}`, solid: `step_with_a_long_name_${i}` };
      events.push({ ...step, type: 'STEP_START', timestamp: i });
      if (i === 3)
        events.push({
          ...step,
          type: 'STEP_FAILURE',
          timestamp: i + 1,
          attempt: 1,
          durationMs: 1,
          canceled: false,
          error: { name: 'Error', message: 'x'.repeat(300), stack: undefined },
        });
      else if (i < 190) events.push({ ...step, type: 'STEP_SUCCESS', timestamp: i + 1, attempt: 1, durationMs: 1 });
    }
    const lines = renderProgress(reduceRunState(initialRunState(), events), { now: 500, width: 60, height: 20 });
    expect(lines).toHaveLength(20);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    expect(lines.some((l) => l.startsWith('  ✗ step_with_a_long_name_3 ') && l.endsWith('…'))).toBe(true);
    expect(lines.filter((l) => /^ {2}\S step_\w+ +running/.test(l))).toHaveLength(10);
    expect(lines).toContain('  … 183 more steps');
    expect(lines.at(-1)).toBe('  189 done · 10 running · 1 failed · 0 skipped');
  });

  it('colours only when asked', () => {
    const state = reduceRunState(initialRunState(), failing);
    const plain = renderProgress(state, { now: 0 });
    const coloured = renderProgress(state, { now: 0, color: true });
    expect(plain.join('')).not.toContain('\x1b[');
    expect(coloured.join('')).toContain('\x1b[31m✗\x1b[39m');
    expect(coloured.map(stripAnsi)).toEqual(plain);
  });

  it('says it is starting before the first event', () => {
    expect(renderProgress(initialRunState(), { now: 0 })).toEqual(['⠋ starting…', '  0 done · 0 running · 0 failed · 0 skipped']);
  });
});

describe('plainLine (one line per event off a terminal)', () => {
  it('gives time, type and the description, with log fields and output values', () => {
    const lines = slow.map(plainLine);
    expect(lines).toHaveLength(slow.length);
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} [A-Z_]+ +\S/);
    expect(lines.find((l) => l.includes(' LOG '))).toMatch(/LOG +info \[load_orders\] working for 40 ms \{"ms":40\}$/);
    expect(lines.find((l) => l.includes('STEP_OUTPUT') && l.includes('report'))).toMatch(/step report yielded output "result": 10$/);
    expect(lines.at(-1)).toMatch(/RUN_SUCCESS +run succeeded in 73 ms$/);
  });
});

describe('a run whose resource failed to initialise (no step ran, as in Dagster)', () => {
  const state = reduceRunState(initialRunState(), initFailed);
  const refused = 'Error: connect ECONNREFUSED 127.0.0.1:5432';

  it('live view: says no step ran and why, instead of counting zero steps', () => {
    expect(renderProgress(state, { now: 0, width: 120 })).toEqual([
      '✗ warehouse · mode prod · failed after 7 ms',
      `  no step ran: resource "database" failed to initialise: ${refused}`,
    ]);
  });

  it('summary: says no step ran because the resource failed, lists the solids not run, then the error', () => {
    const errors = initFailed.flatMap((e) =>
      e.type === 'RESOURCE_INIT_FAILURE' ? [{ resource: e.resource, error: e.error, during: 'init' }] : [],
    );
    const lines = failureSummary(state, errors, makeStyle(false), solidsNotRun(warehouse, state, undefined)).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'modeflow: run failed (pipeline "warehouse", mode "prod"): no step ran: resource "database" failed to initialise',
      '  not run: load, transform, report',
      `  ✗ resource database (initialisation): ${refused}`,
    ]);
  });

  it('lists only the selected solids as not run', () => {
    expect(solidsNotRun(warehouse, state, 'load+')).toEqual(['load', 'transform']);
  });

  it('modeflow pipeline execute prints that summary and exits 1', () => {
    const result = runCli(['pipeline', 'execute', '-f', fixture('resource-failure.ts')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'run failed (pipeline "warehouse", mode "prod"): no step ran: resource "database" failed to initialise\n  not run: load, transform, report\n',
    );
    expect(result.stderr).not.toContain('0 steps failed');
  });
});
