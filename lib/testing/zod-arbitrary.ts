/**
 * zod 4 → fast-check: an arbitrary of the values a schema accepts, built by walking the
 * schema's own definition (`schema._zod.def` and its checks), so there is no second copy
 * of zod's rules. What a constraint cannot express is filtered by the schema itself.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { InvalidDefinitionError } from '../errors.ts';
import { RefinedArbitrary, MAX_MISSES } from './refined-arbitrary.ts';
import { checksOf, defOf, NONE, type Built, type Def, type Schema } from './zod-built.ts';
import { bigintArbitrary, dateArbitrary, numberArbitrary, stringArbitrary } from './zod-scalars.ts';

/** What {@link zodArbitrary} takes besides the schema. */
export interface ZodArbitraryOptions {
  /**
   * How often one schema may recur on a branch (`z.lazy`, or an object getter that
   * refers back): past it, a recursive part takes its smallest form — an empty array,
   * an absent optional key, another union option. Default 3.
   */
  readonly maxDepth?: number;
  /** Values of `z.unknown()` and `z.any()`. Default: JSON values, `fc.jsonValue({ maxDepth: 2 })`. */
  readonly unknown?: fc.Arbitrary<unknown>;
  /**
   * Arbitraries to use for given parts of the schema instead of generating them: the way
   * to cover a `z.custom()`, or a refinement that rejects nearly every generated value.
   */
  readonly overrides?: ReadonlyMap<Schema, fc.Arbitrary<unknown>>;
}

/** The `def.type`s zodArbitrary generates (DESIGN's list and the rest of zod 4's). */
export const SUPPORTED_ZOD_TYPES: readonly string[] = Object.freeze([
  'string',
  'number',
  'bigint',
  'boolean',
  'date',
  'symbol',
  'null',
  'undefined',
  'void',
  'nan',
  'any',
  'unknown',
  'never',
  'literal',
  'enum',
  'template_literal',
  'file',
  'object',
  'array',
  'tuple',
  'record',
  'map',
  'set',
  'union',
  'intersection',
  'optional',
  'nullable',
  'nonoptional',
  'default',
  'prefault',
  'catch',
  'success',
  'readonly',
  'pipe',
  'lazy',
]);

/**
 * A fast-check `Arbitrary` of values the zod 4 schema accepts — its *input* side (what
 * `schema.parse` takes, before defaults and transforms). Strings honour lengths, regexes
 * (`fc.stringMatching`) and formats (email, uuid, url, ISO dates and times, ip, …),
 * numbers and bigints their ranges, integer formats and `multipleOf`; refinements, and
 * whatever else a constraint cannot say, are checked by filtering through the schema.
 * Objects are ordinary objects (never null-prototype), as JSON and YAML give them.
 * Shrinks like any fast-check arbitrary.
 *
 * @example
 * fc.assert(fc.property(zodArbitrary(z.object({ port: z.number().int().min(1).max(65535) })), (config) => …));
 *
 * @throws {InvalidDefinitionError} for a schema it cannot generate (`z.custom()`,
 *   `z.function()`, a bare `z.transform()`, `z.promise()`), naming the path inside the
 *   schema (`a.b[0].c`: `.key` for object keys, `[i]` for tuple items, `[]` for array and
 *   set elements, `{key}`/`{value}` for records and maps); or for one no value satisfies.
 *   Generating throws it too when a refinement rejects {@link MAX_MISSES} values in a row.
 */
export function zodArbitrary<S extends Schema>(schema: S, options: ZodArbitraryOptions = {}): fc.Arbitrary<z.input<S>> {
  const built = new ZodWalker(options).walk(schema, '');
  if (built === NONE) {
    throw new InvalidDefinitionError(
      'zodArbitrary: no value satisfies this schema (z.never(), an empty enum, contradictory checks, or recursion ' +
        'that never ends in an optional part); loosen it, or raise maxDepth',
    );
  }
  return built.arb as fc.Arbitrary<z.input<S>>;
}

/** Root, `.key`, `["odd key"]`: a path inside a schema, as errors show it. */
function keyPath(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return path ? path + segment : segment.startsWith('.') ? key : segment;
}

const shown = (path: string): string => path || '(the root)';

/** Each accepted value, checked by the schema; for parts built inexactly. */
function refine(schema: Schema, arb: fc.Arbitrary<unknown>, path: string): fc.Arbitrary<unknown> {
  return new RefinedArbitrary(
    arb,
    (value) => z.safeParse(schema, value).success,
    (last) =>
      `zodArbitrary: the checks at ${shown(path)} rejected ${MAX_MISSES} generated values in a row ` +
      `(the last: ${fc.stringify(last)}); a refinement that accepts so few values needs a narrower base ` +
      `schema (a range, a regex, a format), or an arbitrary of its own in options.overrides`,
  );
}

/** Object keys that are optional: the schema accepts them absent (optional, default, …). */
const optionalKey = (schema: Schema): boolean => schema._zod.optin !== undefined;

class ZodWalker {
  private readonly maxDepth: number;
  private readonly unknown: fc.Arbitrary<unknown>;
  private readonly overrides: ReadonlyMap<Schema, fc.Arbitrary<unknown>>;
  /** How often each schema is on the current branch: recursion is bounded by it. */
  private readonly onBranch = new Map<Schema, number>();

  constructor(options: ZodArbitraryOptions) {
    this.maxDepth = options.maxDepth ?? 3;
    this.unknown = options.unknown ?? fc.jsonValue({ maxDepth: 2 });
    this.overrides = options.overrides ?? new Map();
  }

  /** An arbitrary of `schema`'s input values (filtered where inexact), or NONE. */
  walk(schema: Schema, path: string): Built {
    const override = this.overrides.get(schema);
    if (override) return { arb: override, exact: true };
    const depth = this.onBranch.get(schema) ?? 0;
    if (depth > this.maxDepth) return NONE;
    this.onBranch.set(schema, depth + 1);
    try {
      const built = this.build(schema, defOf(schema), path);
      if (built === NONE || built.exact) return built;
      return { arb: refine(schema, built.arb, path), exact: true };
    } finally {
      this.onBranch.set(schema, depth);
    }
  }

  private build(schema: Schema, def: Def, path: string): Built {
    switch (def.type) {
      case 'string':
        return stringArbitrary(schema);
      case 'number':
      case 'int':
        return numberArbitrary(schema);
      case 'bigint':
        return bigintArbitrary(schema);
      case 'date':
        return dateArbitrary(schema);
      case 'boolean':
        return this.checked(schema, fc.boolean());
      case 'symbol':
        return { arb: fc.string({ maxLength: 8 }).map((description) => Symbol(description)), exact: true };
      case 'null':
        return { arb: fc.constant(null), exact: true };
      case 'undefined':
      case 'void':
        return { arb: fc.constant(undefined), exact: true };
      case 'nan':
        return { arb: fc.constant(Number.NaN), exact: true };
      case 'any':
      case 'unknown':
        return this.checked(schema, this.unknown);
      case 'never':
        return NONE;
      case 'literal':
      case 'enum': {
        const values = [...(schema._zod.values ?? [])];
        return values.length === 0 ? NONE : this.checked(schema, fc.constantFrom(...values));
      }
      case 'template_literal':
        return { arb: fc.stringMatching(schema._zod.pattern!), exact: false };
      case 'file':
        return this.file(schema);
      case 'object':
        return this.object(schema, def, path);
      case 'array':
        return this.array(schema, def, path);
      case 'tuple':
        return this.tuple(schema, def, path);
      case 'record':
        return this.record(schema, def, path);
      case 'map':
      case 'set':
        return this.collection(schema, def, path);
      case 'union':
        return this.union(schema, def, path);
      case 'intersection':
        return this.intersection(def, path);
      case 'optional':
        // z.exactOptional(): the key may be absent, but a present value is never undefined
        if (schema._zod.traits.has('$ZodExactOptional')) return this.walk(def['innerType'] as Schema, path);
        return this.orConstant(def, path, undefined);
      case 'default':
      case 'prefault':
        // the input side: absent is accepted, and so is any value of the inner schema
        return this.orConstant(def, path, undefined);
      case 'nullable':
        return this.orConstant(def, path, null);
      case 'nonoptional': {
        const inner = this.walk(def['innerType'] as Schema, path);
        return inner === NONE ? NONE : { arb: inner.arb.filter((v) => v !== undefined), exact: true };
      }
      case 'readonly':
        return this.walk(def['innerType'] as Schema, path);
      case 'catch': {
        const inner = this.walk(def['innerType'] as Schema, path);
        return inner === NONE ? { arb: this.unknown, exact: true } : inner;
      }
      case 'success':
        return this.walk(def['innerType'] as Schema, path);
      case 'pipe':
        return this.pipe(schema, def, path);
      case 'lazy':
        return this.walk((def['getter'] as () => Schema)(), path);
      default:
        throw this.unsupported(def.type, path);
    }
  }

  private unsupported(type: string, path: string): InvalidDefinitionError {
    const what =
      type === 'custom'
        ? 'z.custom() (or z.instanceof()) checks values with a function it cannot invert'
        : type === 'function'
          ? 'z.function() describes functions, not data'
          : type === 'transform'
            ? 'a bare z.transform() accepts what its function accepts, which it cannot know'
            : type === 'promise'
              ? 'z.promise() needs an async parse; generate the resolved value instead'
              : `zod type "${type}" is not supported`;
    return new InvalidDefinitionError(
      `zodArbitrary: cannot generate values at ${shown(path)}: ${what}. Give it a base schema with a refinement ` +
        `(z.string().refine(…)), or pass an arbitrary for it in options.overrides (a Map from that schema to an arbitrary)`,
    );
  }

  /** `arb` for a schema whose only possible checks are refinements. */
  private checked(schema: Schema, arb: fc.Arbitrary<unknown>): Built {
    return { arb, exact: checksOf(schema).length === 0 };
  }

  private orConstant(def: Def, path: string, constant: null | undefined): Built {
    const inner = this.walk(def['innerType'] as Schema, path);
    if (inner === NONE) return { arb: fc.constant(constant), exact: true };
    return { arb: fc.option(inner.arb, { nil: constant, freq: 4 }), exact: true };
  }

  private object(schema: Schema, def: Def, path: string): Built {
    const shape = def['shape'] as Readonly<Record<string, Schema>>;
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const requiredKeys: string[] = [];
    for (const key of Object.keys(shape)) {
      const child = shape[key]!;
      const built = this.walk(child, keyPath(path, key));
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
      const extra = this.walk(catchall, keyPath(path, '*'));
      if (extra !== NONE) {
        const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !Object.hasOwn(shape, k) && k !== '__proto__');
        const extras = fc.dictionary(key, extra.arb, { maxKeys: 3, noNullPrototype: true });
        arb = fc.tuple(extras, arb).map(([more, known]) => ({ ...more, ...(known as object) }));
      }
    }
    return { arb, exact: checksOf(schema).length === 0 };
  }

  /** min/max/exact length or size checks as fast-check constraints; `exact` if there are no others. */
  private sizes(schema: Schema): { minLength: number; maxLength?: number; exact: boolean } {
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

  private array(schema: Schema, def: Def, path: string): Built {
    const { exact, ...sizes } = this.sizes(schema);
    if (sizes.maxLength !== undefined && sizes.minLength > sizes.maxLength) return NONE;
    const element = this.walk(def['element'] as Schema, `${path}[]`);
    if (element === NONE) return sizes.minLength === 0 ? { arb: fc.constant([]), exact } : NONE;
    return { arb: fc.array(element.arb, sizes), exact };
  }

  private tuple(schema: Schema, def: Def, path: string): Built {
    const items: fc.Arbitrary<unknown>[] = [];
    for (const [i, item] of (def['items'] as readonly Schema[]).entries()) {
      const built = this.walk(item, `${path}[${i}]`);
      if (built === NONE) return NONE;
      items.push(built.arb);
    }
    const rest = def['rest'] as Schema | null;
    const restBuilt = rest ? this.walk(rest, `${path}[]`) : NONE;
    const fixed = fc.tuple(...items);
    const arb =
      restBuilt === NONE ? fixed : fc.tuple(fixed, fc.array(restBuilt.arb, { maxLength: 3 })).map(([head, tail]) => [...head, ...tail]);
    return { arb, exact: checksOf(schema).length === 0 };
  }

  private record(schema: Schema, def: Def, path: string): Built {
    const keyType = def['keyType'] as Schema;
    const value = this.walk(def['valueType'] as Schema, `${path}{value}`);
    const keys = keyType._zod.values;
    // An enum or literal key: zod wants every key (partialRecord: any of them).
    if (keys && [...keys].every((k) => typeof k === 'string' || typeof k === 'number')) {
      if (value === NONE) return def['partial'] || keys.size === 0 ? { arb: fc.constant(null).map(() => ({})), exact: true } : NONE;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const k of keys) model[String(k)] = value.arb;
      const requiredKeys = def['partial'] ? [] : Object.keys(model);
      return { arb: fc.record(model, { requiredKeys, noNullPrototype: true }), exact: checksOf(schema).length === 0 };
    }
    const key = this.walk(keyType, `${path}{key}`);
    if (key === NONE || value === NONE) return { arb: fc.constant(null).map(() => ({})), exact: true };
    const entries = fc.uniqueArray(fc.tuple(key.arb.map(propertyKey), value.arb), { selector: ([k]) => k, maxLength: 5 });
    // Numeric keys are strings by then, and zod checks them as numbers: filter.
    const numeric = defOf(keyType).type === 'number';
    return { arb: entries.map((list) => Object.fromEntries(list)), exact: !numeric && checksOf(schema).length === 0 };
  }

  private collection(schema: Schema, def: Def, path: string): Built {
    const { exact, ...sizes } = this.sizes(schema);
    const isMap = def.type === 'map';
    const value = this.walk(def['valueType'] as Schema, isMap ? `${path}{value}` : `${path}[]`);
    const key = isMap ? this.walk(def['keyType'] as Schema, `${path}{key}`) : undefined;
    if (value === NONE || key === NONE) {
      return sizes.minLength === 0 ? { arb: fc.constant(null).map(() => (isMap ? new Map() : new Set())), exact } : NONE;
    }
    if (key) {
      const entries = fc.uniqueArray(fc.tuple(key.arb, value.arb), { ...sizes, selector: ([k]) => k, comparator: 'SameValueZero' });
      return { arb: entries.map((list) => new Map(list)), exact };
    }
    return { arb: fc.uniqueArray(value.arb, { ...sizes, comparator: 'SameValueZero' }).map((list) => new Set(list)), exact };
  }

  private union(schema: Schema, def: Def, path: string): Built {
    const options: fc.Arbitrary<unknown>[] = [];
    for (const [i, option] of (def['options'] as readonly Schema[]).entries()) {
      const built = this.walk(option, `${path}(option ${i + 1})`);
      if (built !== NONE) options.push(built.arb);
    }
    if (options.length === 0) return NONE;
    // z.xor (inclusive: false) wants exactly one option to match: filtered.
    return {
      arb: options.length === 1 ? options[0]! : fc.oneof(...options),
      exact: def['inclusive'] !== false && checksOf(schema).length === 0,
    };
  }

  private intersection(def: Def, path: string): Built {
    const left = this.walk(def['left'] as Schema, path);
    const right = this.walk(def['right'] as Schema, path);
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
  private pipe(schema: Schema, def: Def, path: string): Built {
    const input = def['in'] as Schema;
    const output = def['out'] as Schema;
    if (typeof def['reverseTransform'] === 'function') {
      const out = this.walk(output, path);
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
    const side = this.walk(fromOutput ? output : input, path);
    if (side === NONE) return NONE;
    return { arb: side.arb, exact: false };
  }

  private file(schema: Schema): Built {
    const { minLength, maxLength = minLength + 64, exact } = this.sizes(schema);
    const mime = checksOf(schema).find((c) => c.check === 'mime_type')?.['mime'] as readonly string[] | undefined;
    const type = mime?.length ? fc.constantFrom(...mime) : fc.constant('application/octet-stream');
    const arb = fc
      .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.uint8Array({ minLength, maxLength }), type)
      .map(([name, bytes, mimeType]) => new File([bytes], name, { type: mimeType }));
    return { arb, exact: exact || checksOf(schema).every((c) => c.check === 'mime_type' || c.check.endsWith('_size')) };
  }
}

const NOT_ENCODABLE = Symbol('not encodable');

/** A record key: strings stay, numbers become their string (as object keys are). */
function propertyKey(key: unknown): string | symbol {
  return typeof key === 'symbol' ? key : String(key);
}

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
