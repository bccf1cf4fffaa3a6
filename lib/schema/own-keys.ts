/**
 * Names that `{}` already has (`constructor`, `toString`, …) must work as config keys like
 * any other (DESIGN, "Names and steps"). Zod reads an object's properties with `input[key]`
 * and `key in input`, which find the prototype's members: a resource keyed `toString` left
 * out of `{}` reads as `Object.prototype.toString`. So an object schema with such a key
 * parses a shallow copy of its input that has no prototype. Its output is a fresh object
 * that zod builds, so nothing without a prototype reaches user code; schemas without such
 * keys are left as they are, at no cost.
 */
import { z } from 'zod';

const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** True for a name that `{}` already has: `constructor`, `toString`, `__proto__`, … */
export function isPrototypeName(name: string): boolean {
  return PROTOTYPE_NAMES.has(name);
}

/**
 * `object` reading only its input's own keys, when one of `keys` (default: its shape's) is
 * a prototype name; else `object` itself.
 */
export function ownKeysOnly(object: z.ZodType, keys: readonly string[] = shapeKeys(object)): z.ZodType {
  return keys.some(isPrototypeName) ? z.preprocess(ownKeysOf, object) : object;
}

/** True when `def` (a zod object's) has a key that `{}` already has. */
export function hasPrototypeKey(shape: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(shape).some(isPrototypeName);
}

/** A plain object's own enumerable properties on an object with no prototype; anything else as is. */
export function ownKeysOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) copy[key] = (value as Record<string, unknown>)[key];
  return copy;
}

function shapeKeys(schema: z.ZodType): string[] {
  const shape = (schema._zod.def as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}
