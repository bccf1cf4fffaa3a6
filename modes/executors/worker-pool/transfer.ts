/**
 * `transfer()`: outputs whose ArrayBuffers move from a worker thread instead of being
 * copied. The marks live in a process-wide slot, so that every copy of the library in a
 * thread sees them.
 */

/** Shared by every copy of the library in a thread: marks made by one are seen by another. */
const MARKS_KEY = Symbol.for('modeflow.transfer');
type Marks = WeakMap<object, readonly ArrayBuffer[] | undefined>;

function marks(): Marks {
  const holder = globalThis as unknown as Record<symbol, Marks | undefined>;
  return (holder[MARKS_KEY] ??= new WeakMap());
}

/**
 * Marks an output value to be moved, not copied, when it crosses from a worker thread:
 * the ArrayBuffers in `buffers` (by default every ArrayBuffer found in `value`, also
 * behind typed arrays and Buffers, in nested plain objects and arrays) are transferred,
 * which costs what an empty message costs whatever their size. The worker loses them
 * (they become detached there). In-process executors ignore the mark. Returns `value`.
 *
 * @example
 * compute: () => transfer(new Float64Array(1_000_000))
 * compute: () => ({ pixels: transfer(image.data), width: 640 })
 */
export function transfer<T>(value: T, buffers?: readonly ArrayBuffer[]): T {
  if (typeof value === 'object' && value !== null) marks().set(value, buffers);
  return value;
}

/** The transfer list of a marked value (deleting the mark), or undefined when unmarked. */
export function takeTransferList(value: unknown): ArrayBuffer[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const all = marks();
  if (!all.has(value)) return undefined;
  const listed = all.get(value);
  all.delete(value);
  const found = new Set<ArrayBuffer>();
  if (listed) {
    for (const b of listed) if (b instanceof ArrayBuffer) found.add(b);
  } else {
    collectBuffers(value, found, new Set(), 0);
  }
  return [...found];
}

function collectBuffers(value: unknown, found: Set<ArrayBuffer>, seen: Set<object>, depth: number): void {
  if (typeof value !== 'object' || value === null || seen.has(value) || depth > 32) return;
  seen.add(value);
  if (value instanceof ArrayBuffer) {
    found.add(value);
    return;
  }
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
    return;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      collectBuffers(k, found, seen, depth + 1);
      collectBuffers(v, found, seen, depth + 1);
    }
    return;
  }
  if (value instanceof Set) {
    for (const v of value) collectBuffers(v, found, seen, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return;
  for (const v of Object.values(value)) collectBuffers(v, found, seen, depth + 1);
}
