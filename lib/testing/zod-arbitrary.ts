/**
 * zod 4 → fast-check: an arbitrary of the values a schema accepts, built by walking the
 * schema's own definition (`schema._zod.def` and its checks), so there is no second copy
 * of zod's rules. What a constraint cannot express is filtered by the schema itself.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { InvalidDefinitionError } from '../errors.ts';
import { RefinedArbitrary, MAX_MISSES } from './refined-arbitrary.ts';
import { checksOf, defOf, NONE, type Built, type Def, type Schema, type Walk } from './zod-built.ts';
import { intersectionArbitrary, pipeArbitrary, unionArbitrary } from './zod-combinators.ts';
import { arrayArbitrary, collectionArbitrary, fileArbitrary, objectArbitrary, recordArbitrary, tupleArbitrary } from './zod-containers.ts';
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
 *   schema (`a.b[0].c`: `.key` for object keys, `[0]` for array and set elements, `[i]` for
 *   tuple items, `[<key>]` for the values of records and maps, `(keys)` for their keys); or
 *   for one no value satisfies.
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

class ZodWalker {
  private readonly maxDepth: number;
  private readonly unknown: fc.Arbitrary<unknown>;
  private readonly overrides: ReadonlyMap<Schema, fc.Arbitrary<unknown>>;
  /** How often each schema is on the current branch: recursion is bounded by it. */
  private readonly onBranch = new Map<Schema, number>();
  /** `walk`, for the builders of composite schemas. */
  private readonly walker: Walk = (schema, path) => this.walk(schema, path);

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
        return fileArbitrary(schema);
      case 'object':
        return objectArbitrary(this.walker, schema, def, path);
      case 'array':
        return arrayArbitrary(this.walker, schema, def, path);
      case 'tuple':
        return tupleArbitrary(this.walker, schema, def, path);
      case 'record':
        return recordArbitrary(this.walker, schema, def, path);
      case 'map':
      case 'set':
        return collectionArbitrary(this.walker, schema, def, path);
      case 'union':
        return unionArbitrary(this.walker, schema, def, path);
      case 'intersection':
        return intersectionArbitrary(this.walker, def, path);
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
        return pipeArbitrary(this.walker, schema, def, path);
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
}
