/** Timing helpers shared by the bench files. */

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface SampleOptions {
  /** Untimed calls first (JIT, caches, pools). */
  readonly warmup?: number;
  /** Timed samples. */
  readonly reps?: number;
  /** Calls faster than this are batched into one sample, to stay above timer noise. */
  readonly minSampleMs?: number;
}

/** Collects garbage when node runs with --expose-gc, so one contender's garbage is not the next one's pause. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** Milliseconds per call of `fn`: the median, min and max over `reps` samples. */
export async function sample(fn: () => unknown, options: SampleOptions = {}): Promise<Stats> {
  const { warmup = 2, reps = 7, minSampleMs = 20 } = options;
  // One collection before the warm-up, none between samples: a forced full GC shrinks the
  // young generation, and the next sample then pays for regrowing it (measured: 2.5× slower).
  collectGarbage();
  for (let i = 0; i < warmup; i++) await fn();
  // How many calls make one sample.
  let t = performance.now();
  await fn();
  const once = performance.now() - t;
  const batch = once >= minSampleMs ? 1 : Math.min(1000, Math.ceil(minSampleMs / Math.max(once, 0.001)));
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    t = performance.now();
    for (let b = 0; b < batch; b++) await fn();
    times.push((performance.now() - t) / batch);
  }
  return stats(times);
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Scales every figure, e.g. ms per run → µs per step. */
export function scale(s: Stats, factor: number): Stats {
  return { median: s.median * factor, min: s.min * factor, max: s.max * factor };
}
