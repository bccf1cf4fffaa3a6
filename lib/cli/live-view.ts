import type { RunEvent } from '../events/events.ts';
import { initialRunState, reduceRunState, type RunState } from '../events/run-state.ts';
import { preview } from './preview.ts';
import { renderProgress } from './render-progress.ts';

/** What the live progress view draws on. */
export interface LiveViewOptions {
  /** Writes to the terminal, past any output capture. */
  readonly write: (text: string) => void;
  /** The terminal's width now (it may be resized). */
  readonly columns: () => number;
  /** The terminal's height now. */
  readonly rows: () => number;
  /** ANSI colours on. */
  readonly color: boolean;
  /** Milliseconds between redraws; events arriving in between are folded as one batch. */
  readonly tickMs?: number;
  /** The clock, epoch ms (default `Date.now`). */
  readonly now?: () => number;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * The CLI's progress view on a terminal: a block at the bottom of the screen, redrawn
 * every tick from a run state that `reduceRunState` folds one batch of events into;
 * whatever else is written meanwhile (the console logger, `console.log` in a solid) is
 * printed above the block. `finish()` leaves the final block on screen.
 */
export class LiveView {
  private state: RunState = initialRunState();
  private pending: RunEvent[] = [];
  private readonly outputs: Record<string, string> = {};
  private drawn = 0;
  private partial = '';
  private timer: ReturnType<typeof setInterval> | undefined;
  private sawOtherOutput = false;
  private readonly options: LiveViewOptions;
  private readonly restoreCursor = () => this.options.write(SHOW_CURSOR);

  constructor(options: LiveViewOptions) {
    this.options = options;
  }

  start(): void {
    this.options.write(HIDE_CURSOR);
    process.once('exit', this.restoreCursor);
    this.timer = setInterval(() => this.redraw(), this.options.tickMs ?? 80);
  }

  /** Queues an event for the next tick. */
  push(event: RunEvent): void {
    this.pending.push(event);
    if (event.type === 'STEP_OUTPUT') this.outputs[event.stepKey] = preview(event.value, 48);
  }

  /** Prints text that others wrote above the block, whole lines at a time. */
  above(text: string): void {
    this.sawOtherOutput = true;
    const combined = this.partial + text;
    const cut = combined.lastIndexOf('\n');
    if (cut < 0) {
      this.partial = combined;
      return;
    }
    this.partial = combined.slice(cut + 1);
    this.options.write(this.erase() + combined.slice(0, cut + 1) + this.draw());
  }

  /** Folds what is left, replaces the block with the final one, and stops. Returns the final state. */
  finish(): RunState {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const rest = this.partial ? `${this.partial}\n` : '';
    this.partial = '';
    this.state = reduceRunState(this.state, this.pending.splice(0));
    // A run that never started (bad config, say) leaves no block; its error says it all.
    // Log lines already printed above (by the console logger) are not repeated.
    const final = this.state.status === 'NOT_STARTED' ? '' : this.lines(this.sawOtherOutput ? 0 : 3).join('\n') + '\n';
    this.options.write(this.erase() + rest + final + SHOW_CURSOR);
    this.drawn = 0;
    process.removeListener('exit', this.restoreCursor);
    return this.state;
  }

  private redraw(): void {
    this.options.write(this.erase() + this.draw());
  }

  private lines(logLines = 3): string[] {
    return renderProgress(this.state, {
      now: (this.options.now ?? Date.now)(),
      width: Math.max(this.options.columns() - 1, 20),
      height: Math.max(this.options.rows() - 1, 4),
      color: this.options.color,
      outputs: this.outputs,
      logLines,
    });
  }

  private erase(): string {
    const up = this.drawn ? `\x1b[${this.drawn}A\r\x1b[J` : '';
    this.drawn = 0;
    return up;
  }

  /**
   * Folds the queued events first: a synchronous run gives the timer no turn, so the
   * block redrawn under each log line is the only one the user sees until the end.
   */
  private draw(): string {
    if (this.pending.length > 0) this.state = reduceRunState(this.state, this.pending.splice(0));
    const lines = this.lines();
    this.drawn = lines.length;
    return lines.join('\n') + '\n';
  }
}
