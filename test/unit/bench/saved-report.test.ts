import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBenchReport, saveBenchReport, type BenchReport } from '../../../lib/bench/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'modeflow-bench-'));

const report: BenchReport = {
  environment: {
    node: 'v20.19.0',
    cpus: 2,
    cpuModel: 'CPU',
    platform: 'linux',
    arch: 'x64',
    loadAverage: 0,
    pipeline: 'p',
    mode: 'default',
    steps: 1,
    runs: 1,
    warmup: 0,
    date: '2025-01-01T00:00:00.000Z',
  },
  executors: [
    {
      executor: 'sync',
      label: 'sync',
      config: {},
      coldStartMs: 1,
      runs: 1,
      medianMs: 1,
      p75Ms: 1,
      p99Ms: 1,
      minMs: 1,
      maxMs: 1,
      meanMs: 1,
      rme: 0,
      madMs: 0,
      runsPerSecond: 1000,
      stepsPerSecond: 1000,
      steps: 1,
      peakRssBytes: 1,
    },
  ],
  summary: [],
};

describe('saved bench reports', () => {
  it('reads back what was saved', () => {
    const file = join(dir, 'saved.json');
    saveBenchReport(file, report);
    expect(readBenchReport(file)).toEqual(report);
  });

  it('labels an entry written without a label by its executor', () => {
    const file = join(dir, 'by-hand.json');
    const { label: _label, ...unlabelled } = report.executors[0]!;
    writeFileSync(file, JSON.stringify({ ...report, executors: [unlabelled] }));
    expect(readBenchReport(file).executors[0]!.label).toBe('sync');
  });

  it('says which file is not a report, and which field is wrong', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...report, executors: [{ executor: 'sync', medianMs: 'fast', rme: 1 }] }));
    expect(() => readBenchReport(file)).toThrow(`${file} is not a saved bench report: executors[0].medianMs:`);
    writeFileSync(file, 'not json');
    expect(() => readBenchReport(file)).toThrow(`${file} is not JSON`);
    expect(() => readBenchReport(join(dir, 'missing.json'))).toThrow('cannot read the saved bench report');
  });
});
