/** Number formats of the bench's text output: three significant digits, units that fit. */

/** `850 ns`, `12.3 µs`, `4.56 ms`, `1.23 s`, `2 m 05 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0 ms';
  const abs = Math.abs(ms);
  if (abs < 0.001) return `${significant(ms * 1e6)} ns`;
  if (abs < 1) return `${significant(ms * 1000)} µs`;
  if (abs < 1000) return `${significant(ms)} ms`;
  if (abs < 60_000) return `${significant(ms / 1000)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}

/** `0.412`, `81.3`, `325`, `12,400`. */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : significant(x);
}

/** `97.3 MiB`, `1.20 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${significant(bytes / 1024 ** 3)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** A signed percentage with a real minus sign: `−18%`, `+4.2%`, `0%`. */
export function formatPercent(x: number): string {
  const rounded = Math.abs(x) >= 10 ? Math.round(x) : Math.round(x * 10) / 10;
  if (rounded === 0) return '0%';
  return `${rounded < 0 ? '−' : '+'}${Math.abs(rounded)}%`;
}

/** Three significant digits without exponent notation: `1.23`, `12.3`, `123`, `1230`. */
function significant(x: number): string {
  if (x === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(digits, 3));
}
