/**
 * What the pieces of {@link zodArbitrary} hand each other: an arbitrary and whether it
 * honours every check of its schema by construction, or no value at all.
 */
import type fc from 'fast-check';
import type { z } from 'zod';

/** A schema no value satisfies here (`z.never()`, or recursion past the depth bound). */
export const NONE: unique symbol = Symbol('no value');

/**
 * An arbitrary of a schema's input values. `exact` is false when some check is not
 * honoured by construction, so that values must still be filtered by the schema.
 */
export type Built = { readonly arb: fc.Arbitrary<unknown>; readonly exact: boolean } | typeof NONE;

/** A zod 4 schema (classic or mini). */
export type Schema = z.core.$ZodType;

/** A schema's definition, read as data: its fields vary with `type`. */
export type Def = z.core.$ZodTypeDef & Readonly<Record<string, unknown>>;

/** A check's definition, as data. */
export type CheckDef = Readonly<Record<string, unknown>> & { readonly check: string };

/** The definition of `schema`. */
export function defOf(schema: Schema): Def {
  return schema._zod.def as Def;
}

/**
 * Every check on `schema`: those in `def.checks`, and the definition itself when the
 * schema is a check too (`z.email()`, `z.int()` are a type and a format at once).
 */
export function checksOf(schema: Schema): CheckDef[] {
  const def = defOf(schema);
  const checks = (def.checks ?? []).map((c) => c._zod.def as unknown as CheckDef);
  return typeof def['check'] === 'string' ? [def as unknown as CheckDef, ...checks] : checks;
}

/** Builds the arbitrary of a part of a schema: what composite schemas call for their parts. */
export type Walk = (schema: Schema, path: string) => Built;

/** A path inside a schema plus an object key: `a.b`, or `a["odd key"]`. */
export function keyPath(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return path ? path + segment : segment.startsWith('.') ? key : segment;
}
