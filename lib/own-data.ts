/**
 * Config keys named like `Object.prototype` members (`constructor`, `toString`, …) must work
 * like any other key (DESIGN, "Names and steps"). Zod reads an object's properties with
 * `input[key]` and `key in input`, which find the prototype's members: a resource keyed
 * `toString` left out of `{}` reads as a function. So what zod parses is first copied into
 * null-prototype objects, where only own keys exist, and the copies that reach the parsed
 * value unchanged (through `z.unknown()`, `z.any()`, records, loose objects) get their
 * plain-object prototype back, so user code never meets an object without one.
 */
import type { z } from 'zod';

/** The null-prototype copies made by {@link ownData}; only these are given a prototype back. */
const copies = new WeakSet<object>();

/** An empty object with no prototype, for zod to read as "nothing given". */
export function emptyRecord(): Record<string, unknown> {
  const empty = Object.create(null) as Record<string, unknown>;
  copies.add(empty);
  return empty;
}

/** What `schema` should read as "nothing given": an {@link emptyRecord} when it has a prototype-named key, else `{}`. */
export function emptyFor(schema: z.core.$ZodType): () => Record<string, unknown> {
  return hasPrototypeKey(schema) ? emptyRecord : () => ({});
}

/**
 * A deep copy of `value` whose plain objects have no prototype (arrays are copied, anything
 * else is kept as is). Cycles are kept as cycles.
 */
export function ownData(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(ownData(item, seen));
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = emptyRecord();
  seen.set(value, out);
  for (const key of Object.keys(value)) out[key] = ownData((value as Record<string, unknown>)[key], seen);
  return out;
}

/**
 * Gives the copies {@link ownData} made that are found in `value` (a parsed result) their
 * plain-object prototype back, in place, and returns `value`.
 */
export function restoreOwnData<T>(value: T): T {
  restore(value, new Set());
  return value;
}

function restore(value: unknown, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return;
  if (proto === null && copies.has(value) && Object.isExtensible(value)) Object.setPrototypeOf(value, Object.prototype);
  for (const item of Array.isArray(value) ? value : Object.values(value)) restore(item, seen);
}

/** `schema.safeParse(value)` reading only `value`'s own keys (see above). */
export function safeParseOwn<T>(schema: z.ZodType<T>, value: unknown): z.ZodSafeParseResult<T> {
  if (!hasPrototypeKey(schema)) return schema.safeParse(value);
  const parsed = schema.safeParse(ownData(value));
  if (parsed.success) restoreOwnData(parsed.data);
  return parsed;
}

const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** True for a name that `{}` already has: `constructor`, `toString`, `__proto__`, … */
export function isPrototypeName(name: string): boolean {
  return PROTOTYPE_NAMES.has(name);
}

const prototypeKeyed = new WeakMap<z.core.$ZodType, boolean>();

/**
 * True when an object schema somewhere in `schema` has a key that `{}` already has: only
 * then must what it parses be copied (copying costs a few µs per run). Cached per schema.
 */
export function hasPrototypeKey(schema: z.core.$ZodType): boolean {
  let found = prototypeKeyed.get(schema);
  if (found === undefined) prototypeKeyed.set(schema, (found = walk(schema, new Set())));
  return found;
}

function walk(schema: z.core.$ZodType | undefined, seen: Set<unknown>): boolean {
  if (schema === undefined || seen.has(schema)) return false;
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const child = (key: string): boolean => walk(def[key] as z.core.$ZodType | undefined, seen);
  switch (def.type) {
    case 'object': {
      const shape = def['shape'] as Record<string, z.core.$ZodType>;
      for (const key of Object.keys(shape)) if (isPrototypeName(key) || walk(shape[key], seen)) return true;
      return child('catchall');
    }
    case 'optional': case 'nullable': case 'default': case 'prefault': case 'nonoptional':
    case 'readonly': case 'catch': case 'success':
      return child('innerType');
    case 'array':
      return child('element');
    case 'set':
    case 'record':
    case 'map':
      return child('valueType');
    case 'tuple':
      return (def['items'] as z.core.$ZodType[]).some((item) => walk(item, seen)) || child('rest');
    case 'union':
      return (def['options'] as z.core.$ZodType[]).some((option) => walk(option, seen));
    case 'intersection':
      return child('left') || child('right');
    case 'pipe':
      return child('in') || child('out');
    case 'lazy':
      return walk((def['getter'] as () => z.core.$ZodType)(), seen);
    default:
      return false;
  }
}
