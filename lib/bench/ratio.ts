/** A figure with its uncertainty: a median and the relative margin of error (percent) of its runs. */
export interface Measured {
  readonly medianMs: number;
  /** Relative margin of error, percent (tinybench's `rme`, 95% confidence). */
  readonly rme: number;
}

/** `value ± error`. */
export interface WithError {
  readonly value: number;
  readonly error: number;
}

/**
 * How many times longer `slow` takes than `fast`: the ratio of the medians, with an error
 * propagated from both sides' relative margins of error, added in quadrature (relative
 * errors of a quotient add so; hyperfine propagates its standard deviations the same way):
 * `ratio × √(rme_slow² + rme_fast²) / 100`.
 *
 * @example
 * ratio({ medianMs: 30, rme: 3 }, { medianMs: 10, rme: 4 }); // { value: 3, error: 0.15 }
 */
export function ratio(slow: Measured, fast: Measured): WithError {
  const value = slow.medianMs / fast.medianMs;
  return { value, error: (value * Math.hypot(slow.rme, fast.rme)) / 100 };
}

/** True when `1` lies within `value ± error`: the two figures cannot be told apart. */
export function withinNoise(r: WithError): boolean {
  return Math.abs(r.value - 1) <= r.error;
}

/**
 * The summary lines of a benchmark: the fastest entry (by median) against each other
 * one, slowest last: `async ran 3.79 ± 0.12× faster than sync`, with `(within the noise)`
 * when the difference is smaller than its error. Empty for fewer than two entries.
 */
export function summaryLines(entries: readonly (Measured & { readonly label: string })[]): string[] {
  if (entries.length < 2) return [];
  const sorted = [...entries].sort((a, b) => a.medianMs - b.medianMs);
  const fastest = sorted[0]!;
  return sorted.slice(1).map((other) => {
    const r = ratio(other, fastest);
    const noise = withinNoise(r) ? ' (within the noise)' : '';
    return `${fastest.label} ran ${fixed(r.value)} ± ${fixed(r.error)}× faster than ${other.label}${noise}`;
  });
}

/** Two decimals below 100, then whole numbers: `3.79`, `0.12`, `152`. */
function fixed(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2);
}
