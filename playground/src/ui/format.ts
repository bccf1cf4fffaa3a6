/** How the page writes durations, times and counts: short, aligned, unambiguous. */

/**
 * A duration for people: `850 ms`, `12.3 s`, `4m 05s`, `2h 03m`.
 *
 * @example
 * formatDuration(65_000); // '1m 05s'
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A wall-clock time with milliseconds, for event rows: `14:02:03.120`.
 *
 * @example
 * formatClock(Date.UTC(2024, 0, 1, 14, 2, 3, 120)); // '14:02:03.120' (in UTC)
 */
export function formatClock(timestamp: number): string {
  const d = new Date(timestamp);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * When a run started, relative to `now`: `14:02:03` today, `Mar 3 14:02` this year, else
 * with the year.
 *
 * @example
 * formatStart(Date.now()); // e.g. '14:02:03'
 */
export function formatStart(timestamp: number | string | null | undefined, now = Date.now()): string {
  const ms = toMillis(timestamp);
  if (ms === undefined) return '–';
  const d = new Date(ms);
  const today = new Date(now);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.toDateString() === today.toDateString()) return `${time}:${pad(d.getSeconds())}`;
  const day = `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  return d.getFullYear() === today.getFullYear() ? `${day} ${time}` : `${day} ${d.getFullYear()} ${time}`;
}

/** Epoch milliseconds from a number or an ISO string; `undefined` for anything else. */
export function toMillis(value: number | string | null | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/**
 * An offset from the run's start, for the timeline's axis: `+0.25 s`, `+1m 05s`.
 *
 * @example
 * formatOffset(250); // '+250 ms'
 */
export function formatOffset(ms: number): string {
  return `+${formatDuration(ms)}`;
}

/**
 * A count with thin grouping: `10,000`.
 *
 * @example
 * formatCount(12345); // '12,345'
 */
export function formatCount(n: number): string {
  // Not toLocaleString: it costs microseconds, and a streaming run calls this every frame.
  const [whole, fraction] = String(n).split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
