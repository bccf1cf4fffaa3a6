/**
 * Objects, arrays, tuples, records, maps, sets and files for {@link zodArbitrary}: each
 * built from the arbitraries of its parts, with size checks as fast-check constraints.
 */
import fc from 'fast-check';
import { checksOf, defOf, keyPath, NONE, type Built, type Def, type Schema, type Walk } from './zod-built.ts';

/**
 * Paths inside a schema, for messages, as DESIGN writes them (`a.b[0].c`): an array's or
 * set's element is `[0]` (a tuple's items `[i]`, its rest the first index past them), the
 * value under any key of a record, map or object catchall `[<key>]`, and a record's or
 * map's key schema `(keys)`.
 */
const ANY_KEY = '[<key>]';
const KEYS = '(keys)';

/** Object keys that are optional: the schema accepts them absent (optional, default, …). */
const optionalKey = (schema: Schema): boolean => schema._zod.optin !== undefined;

/** `z.object`: a record of its keys (optional ones may be left out), plus catchall keys. */
export function objectArbitrary(walk: Walk, schema: Schema, def: Def, path: string): Built {
  const shape = def['shape'] as Readonly<Record<string, Schema>>;
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const key of Object.keys(shape)) {
    const child = shape[key]!;
    const built = walk(child, keyPath(path, key));
    if (built === NONE) {
      if (optionalKey(child)) continue;
      return NONE;
    }
    model[key] = built.arb;
    if (!optionalKey(child)) requiredKeys.push(key);
  }
  let arb: fc.Arbitrary<unknown> = fc.record(model, { requiredKeys, noNullPrototype: true });
  const catchall = def['catchall'] as Schema | undefined;
  const catchallType = catchall && defOf(catchall).type;
  if (catchall && catchallType !== 'never' && catchallType !== 'unknown' && catchallType !== 'any') {
    const extra = walk(catchall, `${path}${ANY_KEY}`);
    if (extra !== NONE) {
      const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !Object.hasOwn(shape, k) && k !== '__proto__');
      const extras = fc.dictionary(key, extra.arb, { maxKeys: 3, noNullPrototype: true });
      arb = fc.tuple(extras, arb).map(([more, known]) => ({ ...more, ...(known as object) }));
    }
  }
  return { arb, exact: checksOf(schema).length === 0 };
}

/** min/max/exact length or size checks as fast-check constraints; `exact` if there are no others. */
export function sizeChecks(schema: Schema): { minLength: number; maxLength?: number; exact: boolean } {
  let minLength = 0;
  let maxLength = Infinity;
  let exact = true;
  for (const check of checksOf(schema)) {
    if (check.check === 'min_length' || check.check === 'min_size') minLength = Math.max(minLength, check['minimum'] as number);
    else if (check.check === 'max_length' || check.check === 'max_size') maxLength = Math.min(maxLength, check['maximum'] as number);
    else if (check.check === 'length_equals' || check.check === 'size_equals') {
      const n = (check['length'] ?? check['size']) as number;
      minLength = Math.max(minLength, n);
      maxLength = Math.min(maxLength, n);
    } else exact = false;
  }
  return maxLength === Infinity ? { minLength, exact } : { minLength, maxLength, exact };
}

/** `z.array`: elements, within its length checks. */
export function arrayArbitrary(walk: Walk, schema: Schema, def: Def, path: string): Built {
  const { exact, ...sizes } = sizeChecks(schema);
  if (sizes.maxLength !== undefined && sizes.minLength > sizes.maxLength) return NONE;
  const element = walk(def['element'] as Schema, `${path}[0]`);
  if (element === NONE) return sizes.minLength === 0 ? { arb: fc.constant([]), exact } : NONE;
  return { arb: fc.array(element.arb, sizes), exact };
}

/** `z.tuple`: its items, then a few of its rest. */
export function tupleArbitrary(walk: Walk, schema: Schema, def: Def, path: string): Built {
  const items: fc.Arbitrary<unknown>[] = [];
  for (const [i, item] of (def['items'] as readonly Schema[]).entries()) {
    const built = walk(item, `${path}[${i}]`);
    if (built === NONE) return NONE;
    items.push(built.arb);
  }
  const rest = def['rest'] as Schema | null;
  const restBuilt = rest ? walk(rest, `${path}[${items.length}]`) : NONE;
  const fixed = fc.tuple(...items);
  const arb =
    restBuilt === NONE ? fixed : fc.tuple(fixed, fc.array(restBuilt.arb, { maxLength: 3 })).map(([head, tail]) => [...head, ...tail]);
  return { arb, exact: checksOf(schema).length === 0 };
}

/** `z.record`: every key of an enum or literal key type (any of them, partial), else a few entries. */
export function recordArbitrary(walk: Walk, schema: Schema, def: Def, path: string): Built {
  const keyType = def['keyType'] as Schema;
  const value = walk(def['valueType'] as Schema, `${path}${ANY_KEY}`);
  const keys = keyType._zod.values;
  // An enum or literal key: zod wants every key (partialRecord: any of them).
  if (keys && [...keys].every((k) => typeof k === 'string' || typeof k === 'number')) {
    if (value === NONE) return def['partial'] || keys.size === 0 ? { arb: fc.constant(null).map(() => ({})), exact: true } : NONE;
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const k of keys) model[String(k)] = value.arb;
    const requiredKeys = def['partial'] ? [] : Object.keys(model);
    return { arb: fc.record(model, { requiredKeys, noNullPrototype: true }), exact: checksOf(schema).length === 0 };
  }
  const key = walk(keyType, `${path}${KEYS}`);
  if (key === NONE || value === NONE) return { arb: fc.constant(null).map(() => ({})), exact: true };
  const entries = fc.uniqueArray(fc.tuple(key.arb.map(propertyKey), value.arb), { selector: ([k]) => k, maxLength: 5 });
  // Numeric keys are strings by then, and zod checks them as numbers: filter.
  const numeric = defOf(keyType).type === 'number';
  return { arb: entries.map((list) => Object.fromEntries(list)), exact: !numeric && checksOf(schema).length === 0 };
}

/** `z.map` and `z.set`: unique keys (or values), within their size checks. */
export function collectionArbitrary(walk: Walk, schema: Schema, def: Def, path: string): Built {
  const { exact, ...sizes } = sizeChecks(schema);
  const isMap = def.type === 'map';
  const value = walk(def['valueType'] as Schema, isMap ? `${path}${ANY_KEY}` : `${path}[0]`);
  const key = isMap ? walk(def['keyType'] as Schema, `${path}${KEYS}`) : undefined;
  if (value === NONE || key === NONE) {
    return sizes.minLength === 0 ? { arb: fc.constant(null).map(() => (isMap ? new Map() : new Set())), exact } : NONE;
  }
  if (key) {
    const entries = fc.uniqueArray(fc.tuple(key.arb, value.arb), { ...sizes, selector: ([k]) => k, comparator: 'SameValueZero' });
    return { arb: entries.map((list) => new Map(list)), exact };
  }
  return { arb: fc.uniqueArray(value.arb, { ...sizes, comparator: 'SameValueZero' }).map((list) => new Set(list)), exact };
}

/** `z.file`: a named File of random bytes, within its size and MIME checks. */
export function fileArbitrary(schema: Schema): Built {
  const { minLength, maxLength = minLength + 64, exact } = sizeChecks(schema);
  const mime = checksOf(schema).find((c) => c.check === 'mime_type')?.['mime'] as readonly string[] | undefined;
  const type = mime?.length ? fc.constantFrom(...mime) : fc.constant('application/octet-stream');
  const arb = fc
    .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.uint8Array({ minLength, maxLength }), type)
    .map(([name, bytes, mimeType]) => new File([bytes], name, { type: mimeType }));
  return { arb, exact: exact || checksOf(schema).every((c) => c.check === 'mime_type' || c.check.endsWith('_size')) };
}

/** A record key: strings stay, numbers become their string (as object keys are). */
function propertyKey(key: unknown): string | symbol {
  return typeof key === 'symbol' ? key : String(key);
}
