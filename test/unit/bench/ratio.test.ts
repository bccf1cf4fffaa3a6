import { describe, expect, it } from 'vitest';
import { ratio, summaryLines } from '../../../lib/bench/ratio.ts';

describe('ratio', () => {
  it('divides the medians and adds both sides’ relative margins of error in quadrature', () => {
    const r = ratio({ medianMs: 30, rme: 3 }, { medianMs: 10, rme: 4 });
    expect(r.value).toBe(3);
    // 3 × √(3² + 4²) / 100 = 3 × 5% = 0.15
    expect(r.error).toBeCloseTo(0.15, 10);
  });
});

describe('summaryLines', () => {
  it('puts the fastest first, against each other executor from the closest to the slowest', () => {
    const lines = summaryLines([
      { label: 'sync', medianMs: 40, rme: 2 },
      { label: 'workerPool(maxWorkers=2)', medianMs: 12, rme: 1 },
      { label: 'async', medianMs: 10, rme: 2 },
    ]);
    expect(lines).toEqual(['async ran 1.20 ± 0.03× faster than workerPool(maxWorkers=2)', 'async ran 4.00 ± 0.11× faster than sync']);
  });

  it('says when a difference is within the noise', () => {
    expect(
      summaryLines([
        { label: 'sync', medianMs: 10.2, rme: 5 },
        { label: 'async', medianMs: 10, rme: 5 },
      ]),
    ).toEqual(['async ran 1.02 ± 0.07× faster than sync (within the noise)']);
  });

  it('has nothing to say about a single executor', () => {
    expect(summaryLines([{ label: 'sync', medianMs: 1, rme: 1 }])).toEqual([]);
  });
});
