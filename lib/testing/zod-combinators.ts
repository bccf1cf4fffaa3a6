/**
 * Unions, intersections and pipes for {@link zodArbitrary}: values of one side, merged or
 * encoded as zod would take them, and filtered by the whole schema.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { checksOf, defOf, NONE, type Built, type Def, type Schema, type Walk } from './zod-built.ts';

/** Unions (discriminated too): one of the options that can have values. */
export function unionArbitrary(walk: Walk, schema: Schema, def: Def, path: string): Built {
  const options: fc.Arbitrary<unknown>[] = [];
  for (const [i, option] of (def['options'] as readonly Schema[]).entries()) {
    const built = walk(option, `${path}(option ${i + 1})`);
    if (built !== NONE) options.push(built.arb);
  }
  if (options.length === 0) return NONE;
  // z.xor (inclusive: false) wants exactly one option to match: filtered.
  return {
    arb: options.length === 1 ? options[0]! : fc.oneof(...options),
    exact: def['inclusive'] !== false && checksOf(schema).length === 0,
  };
}

/** `z.intersection`: a value of each side, merged as zod merges them, filtered by both. */
export function intersectionArbitrary(walk: Walk, def: Def, path: string): Built {
  const left = walk(def['left'] as Schema, path);
  const right = walk(def['right'] as Schema, path);
  if (left === NONE || right === NONE) return NONE;
  // Values of each side, merged as zod merges them; what both sides accept is filtered.
  return { arb: fc.tuple(left.arb, right.arb).map(([a, b]) => merge(a, b)), exact: false };
}

/**
 * A pipe's input side. A codec (`z.codec`, `z.stringbool()`): values of its output side,
 * encoded. A transform (`.transform()`): values of what it transforms. A preprocess
 * (`z.preprocess`) or a pipe into a narrower schema of the same type
 * (`z.string().pipe(z.email())`): values of the schema piped into. Filtered by the pipe.
 */
export function pipeArbitrary(walk: Walk, schema: Schema, def: Def, path: string): Built {
  const input = def['in'] as Schema;
  const output = def['out'] as Schema;
  if (typeof def['reverseTransform'] === 'function') {
    const out = walk(output, path);
    if (out === NONE) return NONE;
    // An output value the codec cannot encode into a valid input (a date past year 9999
    // for an ISO string) becomes an invalid value, which the pipe's filter drops.
    const encode = (value: unknown): unknown => {
      try {
        return z.encode(schema as z.ZodType, z.parse(output, value) as never);
      } catch {
        return NOT_ENCODABLE;
      }
    };
    return { arb: out.arb.map(encode), exact: false };
  }
  const outputType = defOf(output).type;
  const inputType = defOf(input).type;
  const fromOutput = outputType !== 'transform' && (inputType === 'transform' || baseType(input) === baseType(output));
  const side = walk(fromOutput ? output : input, path);
  if (side === NONE) return NONE;
  return { arb: side.arb, exact: false };
}

const NOT_ENCODABLE = Symbol('not encodable');

/** What a schema is under its wrappers (optional, nullable, default, readonly, …). */
function baseType(schema: Schema): string {
  const def = defOf(schema);
  const inner = def['innerType'] as Schema | undefined;
  return inner ? baseType(inner) : def.type;
}

/** Two values as an intersection holds both: objects merged key by key, arrays item by item. */
function merge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length ? a.map((item, i) => merge(item, b[i])) : a;
  if (isPlain(a) && isPlain(b)) {
    const out: Record<string, unknown> = { ...b, ...a };
    for (const key of Object.keys(a)) if (Object.hasOwn(b, key)) out[key] = merge(a[key], b[key]);
    return out;
  }
  return a;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Map) &&
    !(value instanceof Set)
  );
}
