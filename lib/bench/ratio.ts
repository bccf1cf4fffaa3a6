/** A figure with its spread: the median of the runs and their median absolute deviation. */
export interface Measured {
  readonly medianMs: number;
  /** Median absolute deviation of the runs, ms (tinybench's `mad`, unscaled). */
  readonly madMs: number;
}

/** Scales a median absolute deviation to estimate the standard deviation of normally distributed runs. */
const MAD_TO_SD = 1.4826;

/** `value ± error`. */
export interface WithError {
  readonly value: number;
  readonly error: number;
}

/**
 * How many times longer `slow` takes than `fast`: the ratio of the medians, with an error
 * propagated from both sides' spreads as hyperfine propagates its standard deviations:
 * relative spreads of a quotient add in quadrature, `ratio × √(s_slow² + s_fast²)`. The
 * spread of each side is robust, like the median: `1.4826 × MAD ÷ median` (a standard
 * deviation for normally distributed runs, unmoved by one slow outlier).
 *
 * @example
 * ratio({ medianMs: 30, madMs: 0.607 }, { medianMs: 10, madMs: 0.270 }); // { value: 3, error: ≈0.15 }
 */
export function ratio(slow: Measured, fast: Measured): WithError {
  const value = slow.medianMs / fast.medianMs;
  return { value, error: value * Math.hypot(relativeSpread(slow), relativeSpread(fast)) };
}

/** The spread of the runs relative to their median: `1.4826 × MAD ÷ median`. */
export function relativeSpread(m: Measured): number {
  return m.medianMs > 0 ? (MAD_TO_SD * m.madMs) / m.medianMs : 0;
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
