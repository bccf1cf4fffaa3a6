/** Where two values first differ: the path into them, and what each holds there. */
export interface Difference {
  /** `''` for the values themselves, else `.key`, `[0]`, `["odd key"]`, `.get("k")`, joined. */
  readonly path: string;
  readonly a: unknown;
  readonly b: unknown;
  /** Why they differ when it is not the values alone ("a Money instance vs a plain object"). */
  readonly why?: string;
}

/**
 * The first place where `b` differs from `a`, walking both depth first (object keys in
 * `a`'s order, then keys only `b` has), or undefined when they are equal. Equal means:
 * primitives by `Object.is` (NaN equals NaN); arrays, plain objects, Maps, Sets, Dates,
 * RegExps, errors (name and message) and binary data (bytes; a `Buffer` equals a
 * `Uint8Array` with the same bytes, as values come back from a worker thread) by content;
 * objects of two different classes differ; functions are equal when both are functions
 * (what they do cannot be compared).
 *
 * @example
 * firstDifference({ rows: [1, 2] }, { rows: [1, 3] }); // { path: '.rows[1]', a: 2, b: 3 }
 */
export function firstDifference(a: unknown, b: unknown): Difference | undefined {
  return walk(a, b, '', new Map());
}

function walk(a: unknown, b: unknown, path: string, seen: Map<object, object>): Difference | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    if (typeof a === 'function' && typeof b === 'function') return undefined;
    if (typeof a === 'symbol' && typeof b === 'symbol' && a.description === b.description) return undefined;
    return { path, a, b };
  }
  // A cycle met again on both sides, paired as before: equal so far.
  if (seen.get(a) === b) return undefined;
  seen.set(a, b);

  const kindA = kindOf(a);
  const kindB = kindOf(b);
  if (kindA !== kindB) return { path, a, b, why: `${kindA} vs ${kindB}` };
  switch (kindA) {
    case 'an array':
      return walkArrays(a as unknown[], b as unknown[], path, seen);
    case 'a Date':
      return Object.is((a as Date).getTime(), (b as Date).getTime()) ? undefined : { path, a, b };
    case 'a RegExp':
      return String(a) === String(b) ? undefined : { path, a, b };
    case 'a Map':
      return walkMaps(a as Map<unknown, unknown>, b as Map<unknown, unknown>, path, seen);
    case 'a Set':
      return walkSets(a as Set<unknown>, b as Set<unknown>, path, seen);
    default:
      if (ArrayBuffer.isView(a) || a instanceof ArrayBuffer)
        return sameBytes(a, b as ArrayBufferView | ArrayBuffer) ? undefined : { path, a, b };
      if (a instanceof Error) {
        const e = b as Error;
        if (a.name !== e.name || a.message !== e.message) return { path, a, b };
      }
      return walkObjects(a as Record<string, unknown>, b as Record<string, unknown>, path, seen);
  }
}

/** What an object is, as the message names it; binary data by its tag, so that a Buffer reads as a Uint8Array. */
function kindOf(value: object): string {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  if (value instanceof RegExp) return 'a RegExp';
  if (value instanceof Map) return 'a Map';
  if (value instanceof Set) return 'a Set';
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
  if (value instanceof Error) return 'an error';
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === null || proto === Object.prototype) return 'a plain object';
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return `a ${typeof name === 'string' && name ? name : 'class'} instance`;
}

function walkArrays(a: readonly unknown[], b: readonly unknown[], path: string, seen: Map<object, object>): Difference | undefined {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const found = walk(a[i], b[i], `${path}[${i}]`, seen);
    if (found) return found;
  }
  if (a.length !== b.length) return { path: `${path}.length`, a: a.length, b: b.length };
  return undefined;
}

function walkObjects(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
  path: string,
  seen: Map<object, object>,
): Difference | undefined {
  for (const key of Object.keys(a)) {
    const at = path + keyPath(key);
    if (!Object.hasOwn(b, key)) return { path: at, a: a[key], b: undefined, why: 'missing from the second' };
    const found = walk(a[key], b[key], at, seen);
    if (found) return found;
  }
  for (const key of Object.keys(b)) {
    if (!Object.hasOwn(a, key)) return { path: path + keyPath(key), a: undefined, b: b[key], why: 'missing from the first' };
  }
  return undefined;
}

function walkMaps(a: Map<unknown, unknown>, b: Map<unknown, unknown>, path: string, seen: Map<object, object>): Difference | undefined {
  for (const [key, value] of a) {
    const at = `${path}.get(${JSON.stringify(key) ?? String(key)})`;
    if (!b.has(key)) return { path: at, a: value, b: undefined, why: 'missing from the second' };
    const found = walk(value, b.get(key), at, seen);
    if (found) return found;
  }
  for (const [key, value] of b) {
    if (!a.has(key))
      return { path: `${path}.get(${JSON.stringify(key) ?? String(key)})`, a: undefined, b: value, why: 'missing from the first' };
  }
  return undefined;
}

function walkSets(a: Set<unknown>, b: Set<unknown>, path: string, seen: Map<object, object>): Difference | undefined {
  // Members that are objects cannot be matched by identity across a copy: compare in order.
  return walkArrays([...a], [...b], `${path}.values()`, seen);
}

function sameBytes(a: ArrayBufferView | ArrayBuffer, b: ArrayBufferView | ArrayBuffer): boolean {
  const bytes = (v: ArrayBufferView | ArrayBuffer) =>
    v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const x = bytes(a);
  const y = bytes(b);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function keyPath(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
