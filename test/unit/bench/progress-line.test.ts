import { describe, expect, it } from 'vitest';
import { progressText, ProgressLine } from '../../../lib/bench/progress-line.ts';
import type { BenchProgress } from '../../../lib/bench/index.ts';

const at = (phase: BenchProgress['phase'], run: number, of: number): BenchProgress => ({
  executor: 'async(maxConcurrent=16)',
  index: 2,
  count: 3,
  phase,
  run,
  of,
});

describe('progressText', () => {
  it('says which executor, which phase, which run, and how long a run of a second or more has taken', () => {
    expect(progressText(at('cold', 1, 1), 1234, 0, 100)).toBe('⠋ [2/3] async(maxConcurrent=16) · first run (cold start) · 1.23 s');
    expect(progressText(at('warmup', 1, 2), 5, 1, 100)).toBe('⠙ [2/3] async(maxConcurrent=16) · warm-up 1 of 2');
    expect(progressText(at('run', 4, 10), 999, 2, 100)).toBe('⠹ [2/3] async(maxConcurrent=16) · run 4 of 10');
  });

  it('fits the terminal', () => {
    expect(progressText(at('run', 4, 10), 5, 0, 20)).toBe('⠋ [2/3] async(maxCo…');
  });
});

describe('ProgressLine', () => {
  it('redraws in place and erases itself', () => {
    const written: string[] = [];
    let now = 0;
    const line = new ProgressLine({ write: (t) => written.push(t), columns: () => 100, now: () => now, tickMs: 60_000 });
    line.update(at('run', 1, 2));
    now = 7;
    line.update(at('run', 2, 2));
    line.stop();
    expect(written).toEqual([
      '\r⠋ [2/3] async(maxConcurrent=16) · run 1 of 2\x1b[K',
      '\r⠙ [2/3] async(maxConcurrent=16) · run 2 of 2\x1b[K',
      '\r\x1b[K',
    ]);
  });
});
