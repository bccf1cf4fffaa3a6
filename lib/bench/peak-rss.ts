/** The sources of memory figures; replaceable in tests. */
export interface MemorySources {
  /** The resident set size now, bytes (`process.memoryUsage.rss()`). */
  readonly rss: () => number;
  /** The highest resident set size of the process so far, bytes (`resourceUsage().maxRSS`, which is in KiB). */
  readonly maxRss: () => number;
}

const processMemory: MemorySources = {
  rss: () => process.memoryUsage.rss(),
  maxRss: () => process.resourceUsage().maxRSS * 1024,
};

/**
 * The peak resident set size of the process during a window (one executor's runs).
 * Samples the RSS at `sample()` (around each run) and every `intervalMs` (between the
 * awaits of asynchronous runs), and reads the process's own high-water mark: when that
 * rose during the window, the process peaked inside it, at exactly that mark. So the
 * figure is exact for a new peak and a sampled lower bound otherwise. It covers the
 * main thread and worker threads (one process), never other processes.
 */
export class PeakRss {
  private peak = 0;
  private markAtStart = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly sources: MemorySources;
  private readonly intervalMs: number;

  constructor(options: { sources?: MemorySources; intervalMs?: number } = {}) {
    this.sources = options.sources ?? processMemory;
    this.intervalMs = options.intervalMs ?? 10;
  }

  /** Opens the window. */
  start(): void {
    this.markAtStart = this.sources.maxRss();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    // Sampling must never keep the process alive.
    this.timer.unref();
  }

  sample(): void {
    const rss = this.sources.rss();
    if (rss > this.peak) this.peak = rss;
  }

  /** Closes the window; returns the peak in bytes. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    const mark = this.sources.maxRss();
    return mark > this.markAtStart ? Math.max(mark, this.peak) : this.peak;
  }
}
