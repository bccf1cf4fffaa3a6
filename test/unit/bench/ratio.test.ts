import { describe, expect, it } from 'vitest';
import { ratio, summaryLines } from '../../../lib/bench/ratio.ts';

/** A median with a relative spread of `percent` (1.4826 × MAD ÷ median). */
const at = (medianMs: number, percent: number) => ({ medianMs, madMs: (medianMs * percent) / 100 / 1.4826 });

describe('ratio', () => {
  it('divides the medians and adds both sides’ relative spreads in quadrature', () => {
    const r = ratio(at(30, 3), at(10, 4));
    expect(r.value).toBe(3);
    // 3 × √(3% ² + 4% ²) = 3 × 5% = 0.15
    expect(r.error).toBeCloseTo(0.15, 10);
  });

  it('is unmoved by one slow outlier, as the medians are', () => {
    // Runs 10, 10.5, 11, 11.5, 200: MAD 0.5, whatever the outlier's size.
    expect(ratio({ medianMs: 22, madMs: 1 }, { medianMs: 11, madMs: 0.5 }).error).toBeCloseTo(
      2 * Math.hypot(1.4826 / 22, (1.4826 * 0.5) / 11),
      10,
    );
  });
});

describe('summaryLines', () => {
  it('puts the fastest first, against each other executor from the closest to the slowest', () => {
    const lines = summaryLines([
      { label: 'sync', ...at(40, 2) },
      { label: 'workerPool(maxWorkers=2)', ...at(12, 1) },
      { label: 'async', ...at(10, 2) },
    ]);
    expect(lines).toEqual(['async ran 1.20 ± 0.03× faster than workerPool(maxWorkers=2)', 'async ran 4.00 ± 0.11× faster than sync']);
  });

  it('says when a difference is within the noise', () => {
    expect(
      summaryLines([
        { label: 'sync', ...at(10.2, 5) },
        { label: 'async', ...at(10, 5) },
      ]),
    ).toEqual(['async ran 1.02 ± 0.07× faster than sync (within the noise)']);
  });

  it('has nothing to say about a single executor', () => {
    expect(summaryLines([{ label: 'sync', ...at(1, 1) }])).toEqual([]);
  });
});
