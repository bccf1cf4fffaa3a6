/**
 * The zod building blocks of run-config entries: `{ config }` objects, strict objects that
 * name what is valid, and entries that read as `{}` when left out.
 */
import { z } from 'zod';
import { KEY_SEPARATOR } from '../schema/config-issues.ts';
import { listNames } from '../define/definition.ts';
import { withEnv } from '../schema/env-schema.ts';

/** `{ config }` for a definition with an unbound config schema, `{}` otherwise; plus `extra` fields. */
export function configEntry(
  def: { config: z.ZodType | undefined; bound: unknown },
  where: string,
  what: string,
  extra: Readonly<Record<string, z.ZodType>> = {},
): z.ZodObject {
  const shape: Record<string, z.ZodType> =
    def.config && !def.bound ? { config: optionalConfig(withEnv(def.config)), ...extra } : { ...extra };
  return strictObject(shape, (k) =>
    k === 'config' ? noConfigMessage(def, what, where) : `unknown key "${k}" in ${where}; valid: ${listNames(Object.keys(shape))}`,
  );
}

/** Why `config` may not be given for a definition: it takes none, or it is bound. */
export function noConfigMessage(def: { bound: unknown }, what: string, where: string): string {
  return def.bound
    ? `${what} has its config bound with .configured(); remove ${where}.config`
    : `${what} takes no config; remove ${where}.config`;
}

/** A strict object whose unknown-key issue names the keys and what is valid. */
export function strictObject(shape: Record<string, z.ZodType>, unknownKey: (key: string) => string): z.ZodObject {
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? iss.keys.map(unknownKey).join(KEY_SEPARATOR) : undefined),
  });
}

/**
 * A container entry: left out (or `null`) it is `{}`, so what it holds is reported at its
 * own path; optional (defaulted) when `{}` is valid.
 */
export function entry(obj: z.ZodType): z.ZodType {
  const base = z.preprocess((v) => v ?? {}, obj);
  return accepts(obj, {}) ? base.prefault({}) : base;
}

/** A config schema, optional when it accepts nothing or `{}` (all fields defaulted). */
export function optionalConfig(schema: z.ZodType): z.ZodType {
  if (accepts(schema, undefined)) return schema;
  return accepts(schema, {}) ? schema.prefault({}) : schema;
}

/** Whether `schema` parses `value`; false when it cannot tell synchronously. */
export function accepts(schema: z.ZodType, value: unknown): boolean {
  try {
    return schema.safeParse(value).success;
  } catch {
    return false; // async refinements cannot run here
  }
}
