/** What secrets are replaced with wherever events or logs would show them. */
export const REDACTED = '[redacted]';

/** Replaces every occurrence of a secret in strings, deep inside plain data. */
export type Redactor = <T>(value: T) => T;

const identity: Redactor = (value) => value;

/**
 * A redactor for the values read from `{ env: NAME }` config sources. Each secret is
 * hidden as written and in the forms URLs and forms encode it in (`encodeURIComponent`,
 * `encodeURI`, a URL's user-info, `application/x-www-form-urlencoded`), since secrets end up
 * inside connection strings. Strings are redacted in values and object keys, at any depth,
 * inside plain objects and arrays (class instances are shown as they are); a value with
 * nothing to hide is returned as is, not copied. With no secrets the redactor is the
 * identity, so runs without env sources pay nothing.
 *
 * @example
 * const redact = makeRedactor(['p@ss']);
 * redact({ url: 'postgres://u:p%40ss@db' }); // { url: 'postgres://u:[redacted]@db' }
 */
export function makeRedactor(secrets: readonly string[]): Redactor {
  const hidden = needles(secrets);
  if (hidden.length === 0) return identity;
  const redactString = (text: string): string => {
    let out = text;
    for (const secret of hidden) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  return ((value: unknown) => {
    if (typeof value === 'string') return redactString(value);
    if (!isWalked(value)) return value;
    try {
      return shallow(value, redactString, 0);
    } catch (error) {
      if (error !== TOO_DEEP) throw error;
      return walk(value, redactString);
    }
  }) as Redactor;
}

/** Thrown by {@link shallow} past {@link SHALLOW_DEPTH}: the value is walked again by {@link walk}. */
const TOO_DEEP = Symbol('too deep');
/**
 * How deep the recursive walk goes before handing over to the iterative one. Values of
 * events are rarely deeper than a few levels, and recursion is faster there (no explicit
 * stack, no maps of visited values); deeper values, and cycles, which always reach this depth, are
 * walked again by {@link walk}.
 */
const SHALLOW_DEPTH = 100;

/** Redacts by recursion, copying only what changes; throws {@link TOO_DEEP} past {@link SHALLOW_DEPTH}. */
function shallow(value: Record<string, unknown> | unknown[], redactString: (text: string) => string, depth: number): unknown {
  if (depth > SHALLOW_DEPTH) throw TOO_DEEP;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = typeof item === 'string' ? redactString(item) : isWalked(item) ? shallow(item, redactString, depth + 1) : item;
      if (out) out.push(next);
      else if (next !== item) (out = value.slice(0, i)).push(next);
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = value[key];
    const next = typeof item === 'string' ? redactString(item) : isWalked(item) ? shallow(item, redactString, depth + 1) : item;
    const shownKey = redactString(key);
    if (!out) {
      if (next === item && shownKey === key) continue;
      out = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
      for (let j = 0; j < i; j++) setKey(out!, keys[j]!, value[keys[j]!]);
    }
    setKey(out!, shownKey, next);
  }
  return out ?? value;
}

/** Every form of every secret to look for, longest first (so a secret holding another goes whole). */
function needles(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    forms.add(secret);
    for (const encode of ENCODINGS) {
      try {
        forms.add(encode(secret));
      } catch {
        // A lone surrogate cannot be URL-encoded, so it cannot appear encoded either.
      }
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

const ENCODINGS: readonly ((secret: string) => string)[] = [
  encodeURIComponent,
  encodeURI,
  (secret) => {
    // What `new URL()` makes of a password: its own percent-encode set, narrower than encodeURIComponent's.
    const url = new URL('http://host');
    url.password = secret;
    return url.password;
  },
  (secret) => new URLSearchParams({ s: secret }).toString().slice(2),
];

/** A plain object or array being copied; `out` is made on the first change (copy on write). */
interface Frame {
  readonly source: Record<string, unknown> | unknown[];
  readonly keys: readonly string[] | undefined;
  index: number;
  out: Record<string, unknown> | unknown[] | undefined;
  /** The key under which the current child is being walked (already redacted). */
  key: string;
}

/**
 * Redacts every string inside plain objects and arrays, iteratively (no depth limit, no
 * stack overflow) and cycle-safe: a value met twice is redacted once, and a cycle through a
 * value that changes is rebuilt through its copy, so no path leads back to the original.
 */
function walk(root: Record<string, unknown> | unknown[], redactString: (text: string) => string): unknown {
  const done = new Map<object, unknown>();
  /** Values on the stack, by frame, to resolve references back to an ancestor. */
  const open = new Map<object, Frame>();
  const stack: Frame[] = [];
  let result: unknown = root;
  const push = (source: Record<string, unknown> | unknown[]): void => {
    const frame: Frame = { source, keys: Array.isArray(source) ? undefined : Object.keys(source), index: 0, out: undefined, key: '' };
    open.set(source, frame);
    stack.push(frame);
  };
  /** Records `value` as the current child of the top frame, copying the frame on the first change. */
  const settle = (frame: Frame, original: unknown, value: unknown): void => {
    if (frame.out === undefined && value === original && (frame.keys === undefined || frame.key === frame.keys[frame.index])) {
      frame.index++;
      return;
    }
    const out = (frame.out ??= startCopy(frame));
    if (Array.isArray(out)) out[frame.index] = value;
    else setKey(out, frame.key, value);
    frame.index++;
  };
  push(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const length = frame.keys ? frame.keys.length : (frame.source as unknown[]).length;
    if (frame.index >= length) {
      stack.pop();
      open.delete(frame.source);
      const value = frame.out ?? frame.source;
      done.set(frame.source, value);
      const parent = stack[stack.length - 1];
      if (parent) settle(parent, frame.source, value);
      else result = value;
      continue;
    }
    let child: unknown;
    if (frame.keys) {
      const key = frame.keys[frame.index]!;
      frame.key = redactString(key);
      child = (frame.source as Record<string, unknown>)[key];
    } else {
      child = (frame.source as unknown[])[frame.index];
    }
    if (typeof child === 'string') {
      settle(frame, child, redactString(child));
      continue;
    }
    if (!isWalked(child)) {
      settle(frame, child, child);
      continue;
    }
    if (done.has(child)) {
      settle(frame, child, done.get(child));
      continue;
    }
    const ancestor = open.get(child);
    if (ancestor) {
      // A cycle: its copy must close the cycle, so the ancestor is copied whatever it holds.
      settle(frame, child, (ancestor.out ??= startCopy(ancestor)));
      continue;
    }
    push(child);
  }
  return result;
}

/** A copy of what the frame has walked so far (all of it unchanged). */
function startCopy(frame: Frame): Record<string, unknown> | unknown[] {
  if (!frame.keys) return (frame.source as unknown[]).slice(0, frame.index);
  const out: Record<string, unknown> = Object.getPrototypeOf(frame.source) === null ? Object.create(null) : {};
  const source = frame.source as Record<string, unknown>;
  for (let i = 0; i < frame.index; i++) setKey(out, frame.keys[i]!, source[frame.keys[i]!]);
  return out;
}

/** Sets an own key, `__proto__` included (JSON.parse makes such keys; assigning one would set the prototype). */
function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function isWalked(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
