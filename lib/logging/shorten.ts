/**
 * Log lines show large values shortened; events keep them whole. A 50 MB run config echoed
 * whole into the `RUN_START` line would be 50 MB on stderr for every run; its event still
 * carries it all for whoever subscribes.
 */

/** A string longer than this is cut to it in a log line. */
export const MAX_STRING = 4096;
/** Array items and object keys shown per container. */
export const MAX_ENTRIES = 100;
/** Containers nested deeper than this are shown as a summary. */
const MAX_DEPTH = 32;
/** Roughly how many characters of values one line shows before the rest is summarised. */
const BUDGET = 32_768;
/** Strings this short are shown whole even past the budget: a marker would be longer. */
const SHORT = 32;

/**
 * `value` with its large parts cut, each cut marked with how much was left out: a string
 * as `'abc… [+1200 chars]'`, an array's tail as a last item `'… [+900 items]'`, an object's
 * extra keys as a last key `'…': '[+40 keys]'`, a container too deep or past the line's
 * budget as `'[object with 12 keys]'` / `'[array of 3 items]'`. Only plain objects and
 * arrays are walked, and only as far as they are shown; a value with nothing to cut is
 * returned as is.
 *
 * @example
 * shortenForLog({ rows: Array.from({ length: 1000 }, (_, i) => i) }).rows.at(-1); // '… [+900 items]'
 */
export function shortenForLog<T>(value: T): T {
  return cut(value, { budget: BUDGET }, 0) as T;
}

/** A string cut to {@link MAX_STRING} characters, marked. */
export function shortenText(text: string): string {
  return text.length <= MAX_STRING ? text : cutString(text, MAX_STRING);
}

interface Left {
  budget: number;
}

function cut(value: unknown, left: Left, depth: number): unknown {
  if (typeof value === 'string') {
    if (value.length <= SHORT) {
      left.budget -= value.length + 2;
      return value;
    }
    const max = Math.max(SHORT, Math.min(MAX_STRING, left.budget));
    left.budget -= Math.min(value.length, max) + 2;
    return value.length <= max ? value : cutString(value, max);
  }
  if (typeof value !== 'object' || value === null) {
    left.budget -= 8;
    return value;
  }
  const array = Array.isArray(value);
  if (!array) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
  }
  if (depth >= MAX_DEPTH || left.budget <= 0) return summary(value as object);
  left.budget -= 2;
  return array ? cutArray(value as unknown[], left, depth) : cutObject(value as Record<string, unknown>, left, depth);
}

function cutArray(value: unknown[], left: Left, depth: number): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    if (i >= MAX_ENTRIES || left.budget <= 0) {
      out ??= value.slice(0, i);
      out.push(`… [+${value.length - i} items]`);
      return out;
    }
    const item = value[i];
    const next = cut(item, left, depth + 1);
    if (out) out.push(next);
    else if (next !== item) (out = value.slice(0, i)).push(next);
  }
  return out ?? value;
}

function cutObject(value: Record<string, unknown>, left: Left, depth: number): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    if (i >= MAX_ENTRIES || left.budget <= 0) {
      out ??= copyKeys(value, keys, i);
      out['…'] = `[+${keys.length - i} keys]`;
      return out;
    }
    const key = keys[i]!;
    const item = value[key];
    left.budget -= key.length + 3;
    const next = cut(item, left, depth + 1);
    if (out) setKey(out, key, next);
    else if (next !== item) setKey((out = copyKeys(value, keys, i)), key, next);
  }
  return out ?? value;
}

function cutString(text: string, max: number): string {
  return `${text.slice(0, max)}… [+${text.length - max} chars]`;
}

function summary(value: object): string {
  if (Array.isArray(value)) return `[array of ${value.length} items]`;
  return `[object with ${Object.keys(value).length} keys]`;
}

function copyKeys(value: Record<string, unknown>, keys: readonly string[], count: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) setKey(out, keys[i]!, value[keys[i]!]);
  return out;
}

/** Sets an own key, `__proto__` included. */
function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
