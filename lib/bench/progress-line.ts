import { formatMs } from './format.ts';
import type { BenchProgress } from './report.ts';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * The progress line's text: `⠹ [2/3] async(maxConcurrent=16) · run 4 of 10`, with how
 * long the current run has taken once that is a second or more (`· 2.50 s`: a cold start
 * that starts a worker pool), cut to `width` columns.
 *
 * @example
 * progressText({ executor: 'sync', index: 1, count: 2, phase: 'cold', run: 1, of: 1 }, 2500, 0, 80);
 * // '⠋ [1/2] sync · first run (cold start) · 2.50 s'
 */
export function progressText(progress: BenchProgress, runMs: number, frame: number, width: number): string {
  const phase =
    progress.phase === 'cold'
      ? 'first run (cold start)'
      : progress.phase === 'warmup'
        ? `warm-up ${progress.run} of ${progress.of}`
        : `run ${progress.run} of ${progress.of}`;
  const took = runMs >= 1000 ? ` · ${formatMs(runMs)}` : '';
  const text = `${SPINNER[frame % SPINNER.length]} [${progress.index}/${progress.count}] ${progress.executor} · ${phase}${took}`;
  return text.length > width ? `${text.slice(0, Math.max(width - 1, 0))}…` : text;
}

/** Where and how the progress line draws. */
export interface ProgressLineOptions {
  /** Writes to the terminal (past any output capture). */
  readonly write: (text: string) => void;
  /** The terminal's width now. */
  readonly columns: () => number;
  /** The clock, ms (default `performance.now`). */
  readonly now?: () => number;
  /** Milliseconds between redraws while a run goes on (default 100). */
  readonly tickMs?: number;
}

/**
 * A one-line progress display on a terminal, redrawn in place (`\r`, erase to the end
 * of the line): at each new run, and every tick while a run goes on (a synchronous run
 * blocks the ticks; the next run redraws). `clear()` erases it, e.g. before other output.
 */
export class ProgressLine {
  private readonly options: ProgressLineOptions;
  private readonly now: () => number;
  private current: BenchProgress | undefined;
  private runStarted = 0;
  private frame = 0;
  private shown = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ProgressLineOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
  }

  /** A new run starts. */
  update(progress: BenchProgress): void {
    this.current = progress;
    this.runStarted = this.now();
    this.draw();
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), this.options.tickMs ?? 100);
      this.timer.unref();
    }
  }

  /** Erases the line; the next update or tick draws it again. */
  clear(): void {
    if (this.shown) this.options.write('\r\x1b[K');
    this.shown = false;
  }

  /** Erases the line and stops drawing. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.current = undefined;
    this.clear();
  }

  private draw(): void {
    if (!this.current) return;
    const width = Math.max(this.options.columns() - 1, 20);
    this.options.write(`\r${progressText(this.current, this.now() - this.runStarted, this.frame++, width)}\x1b[K`);
    this.shown = true;
  }
}
