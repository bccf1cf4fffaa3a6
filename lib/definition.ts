import { InvalidDefinitionError } from './errors.ts';

/**
 * The brand every definition carries. Definitions are recognised by it, never by
 * `instanceof`: a worker thread may hold a second copy of the library.
 */
export const KIND: unique symbol = Symbol.for('modeflow.kind') as never;

export type Kind = 'solid' | 'pipeline' | 'mode' | 'resource' | 'logger' | 'executor' | 'preset' | 'handle';

/** True when `value` carries the modeflow brand of `kind`. */
export function isKind(value: unknown, kind: Kind): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (value as { [KIND]?: unknown })[KIND] === kind
  );
}

const NAME = /^[A-Za-z0-9_]+$/;

/** Throws unless `name` matches `^[A-Za-z0-9_]+$`; `what` says whose name it is. */
export function assertName(name: unknown, what: string): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidDefinitionError(
      `${what} name ${JSON.stringify(name)} is invalid: names must match ^[A-Za-z0-9_]+$ ` +
        `(letters, digits and underscores, e.g. "generate_table_1")`,
    );
  }
}

/** Lists names for an error message: `"a", "b", "c"`, `(none)`, or the first 40 and a count. */
export function listNames(names: Iterable<string>, max = 40): string {
  const all = [...names];
  if (all.length === 0) return '(none)';
  const shown = all.slice(0, max).map((n) => `"${n}"`).join(', ');
  return all.length > max ? `${shown} and ${all.length - max} more` : shown;
}

/** Throws unless `value` is a zod schema; `where` names its owner in the message. */
export function assertSchema(value: unknown, where: string): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || !('_zod' in value)) {
    throw new InvalidDefinitionError(`${where} must be a zod schema (e.g. z.object({ ... })), got ${describe(value)}`);
  }
}

/** A short description of a value's type, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
