/** ANSI styling that turns itself off: every function returns its text unchanged when colour is off. */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const same = (text: string) => text;

/** A style with colours on or off. */
export function makeStyle(enabled: boolean): Style {
  if (!enabled) return { enabled, bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };
  return { enabled, bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** Colours only on a terminal, and never with `NO_COLOR` set (https://no-color.org). */
export function colorFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env['NO_COLOR'];
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const ANSI_HERE = /\x1b\[[0-9;?]*[A-Za-z]/y;

/** The text without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Cuts `text` to `width` visible characters (ANSI sequences do not count), ending in `…` when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (stripAnsi(text).length <= width) return text;
  let out = '';
  let visible = 0;
  let styled = false;
  for (let i = 0; i < text.length;) {
    ANSI_HERE.lastIndex = i;
    const match = text[i] === '\x1b' ? ANSI_HERE.exec(text) : null;
    if (match) {
      out += match[0];
      styled = true;
      i += match[0].length;
      continue;
    }
    if (visible === width - 1) break;
    out += text[i];
    visible++;
    i++;
  }
  return out + '…' + (styled ? '\x1b[0m' : '');
}
