import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.ts';

const file = fixture('bench.ts');
const tmp = mkdtempSync(join(tmpdir(), 'modeflow-bench-cli-'));

describe('modeflow pipeline bench', () => {
  it('prints exactly one JSON document with --json: environment, one entry per executor, summary', () => {
    const result = runCli(['pipeline', 'bench', '-f', file, 'tiny', '--runs', '3', '--warmup', '1', '--json']);
    expect(result.stderr).not.toContain('modeflow:');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      environment: Record<string, unknown>;
      executors: Record<string, unknown>[];
      summary: string[];
    };
    expect(report.environment).toMatchObject({ pipeline: 'tiny', mode: 'default', steps: 3, runs: 3, warmup: 1 });
    expect(Object.keys(report.environment)).toEqual(expect.arrayContaining(['node', 'cpus', 'platform']));
    expect(report.executors.map((e) => [e['executor'], e['runs']])).toEqual([
      ['sync', 3],
      ['async', 3],
    ]);
    for (const e of report.executors) {
      for (const key of ['config', 'coldStartMs', 'medianMs', 'p75Ms', 'p99Ms', 'minMs', 'maxMs', 'meanMs', 'rme'])
        expect(e).toHaveProperty(key);
      for (const key of ['runsPerSecond', 'stepsPerSecond', 'peakRssBytes']) expect(e[key]).toBeGreaterThan(0);
    }
    expect(report.summary).toEqual([expect.stringMatching(/^(sync|async) ran [\d.]+ ± [\d.]+× faster than (sync|async)/)]);
    // The runs' own output (console.log, the console sink) is hidden.
    expect(result.stdout + result.stderr).not.toContain('hello');
    expect(result.stdout + result.stderr).not.toContain('start logs');
  });

  it('prints a readable report, saves it, and compares a later bench with it', () => {
    const saved = join(tmp, 'before.json');
    const first = runCli([
      'pipeline',
      'bench',
      '-f',
      file,
      'tiny',
      '--executor',
      'async:maxConcurrent=1,async:maxConcurrent=2',
      '--runs',
      '2',
      '--warmup',
      '0',
      '--save',
      saved,
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^tiny \(mode default, 3 steps per run\) · node v/);
    expect(first.stdout).toContain('\nasync(maxConcurrent=1)\n  Time (median):');
    expect(first.stdout).toContain('\nasync(maxConcurrent=2)\n  Time (median):');
    expect(first.stdout).toMatch(/\nSummary\n {2}async\(maxConcurrent=[12]\) ran [\d.]+ ± [\d.]+× faster than async\(maxConcurrent=[12]\)/);
    expect(JSON.parse(readFileSync(saved, 'utf8')).executors).toHaveLength(2);

    const second = runCli([
      'pipeline',
      'bench',
      '-f',
      file,
      'tiny',
      '-e',
      'async:maxConcurrent=2',
      '--runs',
      '2',
      '--warmup',
      '0',
      '--compare',
      saved,
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Compared with ${saved}:`);
    expect(second.stdout).toMatch(/ {2}async\(maxConcurrent=2\) {2}median \S+ \S+ → \S+ \S+ \([+−]?[\d.]+% ± [\d.]+%/);
    expect(second.stdout).toMatch(/ {2}async\(maxConcurrent=1\) {2}median \S+ \S+ then, not benched now/);
  });

  it('exits 1 naming the executor and the first difference when two executors give other outputs', () => {
    const result = runCli(['pipeline', 'bench', '-f', file, 'executor_dependent', '--runs', '3', '--warmup', '1', '--json']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `modeflow: executor async gave other outputs than sync: solid "which", output "result" at .info.scheduler: ` +
        `sync gave 'QueueScheduler', async gave 'AsapScheduler'`,
    );
    expect(result.stderr).toContain('--no-check');
  });

  it('exits 2 before any run for a bad flag or an executor the mode lacks', () => {
    const unknown = runCli(['pipeline', 'bench', '-f', file, 'tiny', '--executor', 'sync,workerPool']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'modeflow: mode "default" of pipeline "tiny" has no executor "workerPool"; it offers: "sync", "async"',
    );
    const runs = runCli(['pipeline', 'bench', '-f', file, 'tiny', '--runs', 'many']);
    expect(runs.code).toBe(2);
    expect(runs.stderr).toContain('modeflow: --runs must be a whole number of at least 1, got "many"');
  });
});
