import { describe, expect, it } from 'vitest';
import { compareReports, formatComparison, type BenchReport, type ExecutorResult } from '../../../lib/bench/index.ts';

/** An entry whose runs spread by `percent` around the median (1.4826 × MAD ÷ median). */
function entry(label: string, medianMs: number, percent: number): ExecutorResult {
  return {
    executor: label.replace(/\(.*/, ''),
    label,
    config: {},
    coldStartMs: 100,
    runs: 10,
    medianMs,
    p75Ms: medianMs,
    p99Ms: medianMs,
    minMs: medianMs,
    maxMs: medianMs,
    meanMs: medianMs,
    rme: percent,
    madMs: (medianMs * percent) / 100 / 1.4826,
    runsPerSecond: 1000 / medianMs,
    stepsPerSecond: 4000 / medianMs,
    steps: 4,
    peakRssBytes: 100 * 2 ** 20,
  };
}

function report(executors: ExecutorResult[], environment: Partial<BenchReport['environment']> = {}): BenchReport {
  return {
    environment: {
      node: 'v20.19.0',
      cpus: 2,
      cpuModel: 'CPU',
      platform: 'linux',
      arch: 'x64',
      loadAverage: 0,
      pipeline: 'p',
      mode: 'default',
      steps: 4,
      runs: 10,
      warmup: 2,
      date: '2025-01-01T00:00:00.000Z',
      ...environment,
    },
    executors,
    summary: [],
  };
}

describe('compareReports', () => {
  it('shows each median before and after, the change as a signed percentage and its error', () => {
    const { changes } = compareReports(report([entry('sync', 12.3, 2)]), report([entry('sync', 10.1, 2)]));
    // 10.1 / 12.3 − 1 = −17.9%; error 0.821 × √(2² + 2²) = 2.3 points
    expect(changes[0]!.text).toBe('median 12.3 ms → 10.1 ms (−18% ± 2.3%)');
    expect(changes[0]!.changePercent).toBeCloseTo(-17.89, 1);
  });

  it('matches executors by label and says which are in one report only', () => {
    const before = report([entry('async(maxConcurrent=4)', 20, 1), entry('sync', 10, 1)]);
    const after = report([entry('async(maxConcurrent=16)', 5, 1), entry('async(maxConcurrent=4)', 21, 1)]);
    const texts = compareReports(before, after).changes.map((c) => `${c.label}: ${c.text}`);
    expect(texts).toEqual([
      'async(maxConcurrent=16): median 5.00 ms now, not in the saved report',
      'async(maxConcurrent=4): median 20.0 ms → 21.0 ms (+5% ± 1.5%)',
      'sync: median 10.0 ms then, not benched now',
    ]);
  });

  it('says when the change is within the noise', () => {
    const { changes } = compareReports(report([entry('sync', 10, 5)]), report([entry('sync', 10.2, 5)]));
    expect(changes[0]!.text).toBe('median 10.0 ms → 10.2 ms (+2% ± 7.2%, within the noise)');
  });

  it('notes what makes the reports hard to compare', () => {
    const { notes } = compareReports(report([], { node: 'v20.1.0', cpus: 8 }), report([], { pipeline: 'q' }));
    expect(notes).toEqual([
      'the saved report is of pipeline p in mode default; this one of q in mode default',
      'node v20.1.0 then, v20.19.0 now',
      'another machine: 8 × CPU (linux) then, 2 × CPU (linux) now',
    ]);
  });

  it('formats as a heading naming the saved file and one aligned line per executor', () => {
    const comparison = compareReports(report([entry('sync', 12.3, 2)]), report([entry('sync', 10.1, 2)]));
    expect(formatComparison('before.json', comparison)).toBe(
      'Compared with before.json:\n  sync      median 12.3 ms → 10.1 ms (−18% ± 2.3%)\n',
    );
  });
});
