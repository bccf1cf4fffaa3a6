import { describe, expect, it } from 'vitest';
import { formatBenchReport, type BenchReport, type ExecutorResult } from '../../../lib/bench/index.ts';
import { formatBytes, formatMs, formatPercent, formatRate } from '../../../lib/bench/format.ts';

function entry(label: string, medianMs: number, steps = 4): ExecutorResult {
  return {
    executor: label,
    label,
    config: {},
    coldStartMs: 2300,
    runs: 10,
    medianMs,
    p75Ms: medianMs * 1.1,
    p99Ms: medianMs * 1.5,
    minMs: medianMs * 0.9,
    maxMs: medianMs * 1.6,
    meanMs: medianMs * 1.05,
    rme: 2.5,
    madMs: medianMs * 0.02,
    runsPerSecond: 1000 / medianMs,
    stepsPerSecond: (1000 / medianMs) * steps,
    steps,
    peakRssBytes: 97.3 * 2 ** 20,
  };
}

const environment: BenchReport['environment'] = {
  node: 'v20.19.0',
  cpus: 2,
  cpuModel: 'AMD EPYC 7B13',
  platform: 'linux',
  arch: 'x64',
  loadAverage: 0.2,
  pipeline: 'query_pipeline',
  mode: 'local_dev',
  steps: 4,
  runs: 10,
  warmup: 2,
  date: '2025-01-01T00:00:00.000Z',
};

describe('formatBenchReport', () => {
  it('prints the environment on one line, a block per executor, and the summary', () => {
    const text = formatBenchReport({
      environment,
      executors: [entry('sync', 12.3), entry('async', 4.1)],
      summary: ['async ran 3.00 ± 0.11× faster than sync'],
    });
    expect(text.split('\n')[0]).toBe(
      'query_pipeline (mode local_dev, 4 steps per run) · node v20.19.0, linux x64, 2 CPUs (AMD EPYC 7B13) · 10 runs after 2 warm-up per executor',
    );
    expect(text).toContain(
      [
        'sync',
        '  Time (median):      12.3 ms              p75 13.5 ms   p99 18.5 ms',
        '  Range (min … max):  11.1 ms … 19.7 ms    mean 12.9 ms ± 2.5%, 10 runs',
        '  Throughput:         81.3 runs/s          325 steps/s',
        '  Cold start:         2.30 s               peak RSS 97.3 MiB',
      ].join('\n'),
    );
    expect(text).toContain('Cold start: an executor');
    expect(text.endsWith('Summary\n  async ran 3.00 ± 0.11× faster than sync\n')).toBe(true);
    expect(text).not.toContain('Overhead per step');
    expect(text).not.toContain('load average');
  });

  it('shows each executor’s overhead per step when the steps do next to nothing', () => {
    const text = formatBenchReport({ environment, executors: [entry('sync', 0.1, 100), entry('workerPool', 9, 100)], summary: [] });
    expect(text).toContain('  Overhead per step:  1.00 µs  (the steps do next to nothing)');
    expect(text).toContain('  Overhead per step:  90.0 µs');
  });

  it('warns when other work loads the machine', () => {
    const text = formatBenchReport({ environment: { ...environment, loadAverage: 3.5 }, executors: [entry('sync', 1)], summary: [] });
    expect(text.split('\n')[1]).toBe('(load average 3.5 on 2 CPUs: other work is running, expect noise)');
  });
});

describe('number formats', () => {
  it('keeps three significant digits in a unit that fits', () => {
    expect([0.0004, 0.0123, 0.5, 4.561, 12.34, 123.4, 1234, 61_000].map(formatMs)).toEqual([
      '400 ns',
      '12.3 µs',
      '500 µs',
      '4.56 ms',
      '12.3 ms',
      '123 ms',
      '1.23 s',
      '1 m 01 s',
    ]);
    expect([0.412, 81.33, 325.2, 12_400.4].map(formatRate)).toEqual(['0.412', '81.3', '325', '12,400']);
    expect([97.3 * 2 ** 20, 1.2 * 2 ** 30].map(formatBytes)).toEqual(['97.3 MiB', '1.20 GiB']);
    expect([-17.9, 4.23, 0.01].map(formatPercent)).toEqual(['−18%', '+4.2%', '0%']);
  });
});
