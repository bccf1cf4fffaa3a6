/** The timeline's time axis: where a moment falls, and round tick marks across the run. */

/**
 * Tick offsets (ms from the run's start) at a round step — 1, 2 or 5 × 10ⁿ ms — about
 * `target` of them across `span`.
 *
 * @example
 * ticks(1000, 5); // [0, 200, 400, 600, 800, 1000]
 */
export function ticks(span: number, target = 6): number[] {
  if (!(span > 0)) return [0];
  const rough = span / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const out: number[] = [];
  for (let t = 0; t <= span + step * 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}

/** A bar's left edge and width in percent of the span; at least a sliver wide. */
export function barGeometry(start: number, end: number, span: number): { left: number; width: number } {
  if (!(span > 0)) return { left: 0, width: 100 };
  const left = Math.min(100, Math.max(0, (start / span) * 100));
  const width = Math.max(0, Math.min(100 - left, ((end - start) / span) * 100));
  return { left, width };
}
