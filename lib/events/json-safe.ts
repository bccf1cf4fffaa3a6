/**
 * Events are JSON data (DESIGN: "every one JSON-serialisable"), but an output, a log field
 * or the run config may hold what `JSON.stringify` refuses: a BigInt (int8 columns from some
 * database drivers), a circular structure, or a value nested so deeply that it overflows the
 * stack. Such a value is shown in its event as a JSON-safe copy — a BigInt as its decimal
 * string, a reference back to an enclosing object as `'[Circular]'`, an object or array more
 * than {@link MAX_DEPTH} levels down as `'[Nested too deeply]'` — while `RunResult` keeps the
 * value itself (see `originalOf`).
 */

/** Where an event keeps the value it shows as a JSON-safe copy. */
const ORIGINAL = Symbol('modeflow.originalValue');

/** What a circular reference is shown as. */
export const CIRCULAR = '[Circular]';

/** What an object or array nested deeper than {@link MAX_DEPTH} is shown as. */
export const TOO_DEEP = '[Nested too deeply]';

/** How many levels of objects and arrays an event shows. */
export const MAX_DEPTH = 100;

/**
 * `value` if `JSON.stringify` takes it, else a copy it takes. Plain data pays one walk and
 * no copy; primitives pay a `typeof`.
 */
export function jsonSafe<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return (typeof value === 'bigint' ? String(value) : value) as T;
  return (isSafe(value, []) ? value : copy(value, [])) as T;
}

/**
 * An event field holding `shown` (a JSON-safe copy of `value`, or `value` itself): when they
 * differ, `value` rides along under a symbol, which JSON.stringify skips.
 */
export function withOriginal<E extends object>(event: E, shown: unknown, value: unknown): E {
  if (shown !== value) Object.defineProperty(event, ORIGINAL, { value, enumerable: false });
  return event;
}

/**
 * The value an event field was made from: `STEP_OUTPUT.value` shows a JSON-safe copy of a
 * value `JSON.stringify` refuses (a BigInt, a cycle), and the event keeps the value itself
 * alongside; this gives it back (or `fallback`, the field as shown, when they are the same).
 *
 * @example
 * if (event.type === 'STEP_OUTPUT') use(originalOf(event, event.value));
 */
export function originalOf(event: object, fallback: unknown): unknown {
  return ORIGINAL in event ? (event as { [ORIGINAL]: unknown })[ORIGINAL] : fallback;
}

function isSafe(value: object, path: object[]): boolean {
  if (path.length >= MAX_DEPTH) return false;
  if (path.includes(value)) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  path.push(value);
  let safe = true;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) {
    if (typeof item === 'bigint' || (typeof item === 'object' && item !== null && !isSafe(item, path))) {
      safe = false;
      break;
    }
  }
  path.pop();
  return safe;
}

function copy(value: unknown, path: object[]): unknown {
  if (typeof value === 'bigint') return String(value);
  if (typeof value !== 'object' || value === null) return value;
  if (path.length >= MAX_DEPTH) return TOO_DEEP;
  if (path.includes(value)) return CIRCULAR;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  path.push(value);
  let out: unknown;
  if (Array.isArray(value)) out = value.map((item) => copy(item, path));
  else {
    const record: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // An own `__proto__` key (JSON.parse makes one) stays a key: assigning it would set the prototype.
      if (key === '__proto__')
        Object.defineProperty(record, key, { value: copy(item, path), enumerable: true, writable: true, configurable: true });
      else record[key] = copy(item, path);
    }
    out = record;
  }
  path.pop();
  return out;
}
