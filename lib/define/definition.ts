import { InvalidDefinitionError } from '../errors.ts';
import { isPlainObject } from '../support/deep-merge.ts';

/**
 * The brand every definition carries. Definitions are recognised by it, never by
 * `instanceof`: a worker thread may hold a second copy of the library.
 */
export const KIND: unique symbol = Symbol.for('modeflow.kind') as never;

export type Kind = 'solid' | 'composite' | 'pipeline' | 'mode' | 'resource' | 'logger' | 'executor' | 'preset' | 'hook' | 'handle';

/** True when `value` carries the modeflow brand of `kind`. */
export function isKind(value: unknown, kind: Kind): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && (value as { [KIND]?: unknown })[KIND] === kind;
}

const NAME = /^[A-Za-z0-9_]+$/;

/**
 * The one name that matches the pattern and is still refused: as a key, JSON and YAML
 * readers and plain assignment treat it as the object's prototype, not as a name.
 */
export const PROTO = '__proto__';

/**
 * Throws unless `name` matches `^[A-Za-z0-9_]+$` and is not `__proto__`; `what` says
 * whose name it is.
 */
export function assertName(name: unknown, what: string): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidDefinitionError(
      `${what} name ${JSON.stringify(name)} is invalid: names must match ^[A-Za-z0-9_]+$ ` +
        `(letters, digits and underscores, e.g. "generate_table_1")`,
    );
  }
  if (name === PROTO) {
    throw new InvalidDefinitionError(
      `${what} name "__proto__" is refused: as a key it would set a prototype instead of naming something; choose another name`,
    );
  }
}

/** Lists names for an error message: `"a", "b", "c"`, `(none)`, or the first 40 and a count. */
export function listNames(names: Iterable<string>, max = 40): string {
  const all = [...names];
  if (all.length === 0) return '(none)';
  const shown = all
    .slice(0, max)
    .map((n) => `"${n}"`)
    .join(', ');
  return all.length > max ? `${shown} and ${all.length - max} more` : shown;
}

/**
 * Throws unless `value` is a zod schema whose objects have no `__proto__` key (zod drops
 * such a key from what it parses, so it could never be given); `where` names its owner.
 */
export function assertSchema(value: unknown, where: string): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || !('_zod' in value)) {
    throw new InvalidDefinitionError(`${where} must be a zod schema (e.g. z.object({ ... })), got ${describe(value)}`);
  }
  const path = protoKeyPath(value as Schema);
  if (path !== undefined) {
    throw new InvalidDefinitionError(
      `${where} has an object key "__proto__"${path ? ` inside "${path}"` : ''}, which is refused ` +
        `(it would set a prototype instead of holding a value); rename it`,
    );
  }
}

/**
 * Throws unless `schemas` (a solid's or composite's `inputs` or `outputs`) is undefined or a
 * plain object mapping valid names to zod schemas; `where` names the definition.
 *
 * @example
 * assertSchemaMap({ x: z.number() }, 'inputs', 'solid "add"'); // passes
 * @throws {InvalidDefinitionError} for anything else, naming the definition, the field and the bad name or schema
 */
export function assertSchemaMap(schemas: unknown, field: 'inputs' | 'outputs', where: string): void {
  if (schemas === undefined) return;
  if (typeof schemas !== 'object' || schemas === null || Object.hasOwn(schemas, '_zod')) {
    throw new InvalidDefinitionError(`${where}: ${field} must be a plain object mapping names to zod schemas, e.g. { x: z.number() }`);
  }
  if (!isPlainObject(schemas)) {
    // `{ __proto__: z.number() }` sets the prototype: the would-be name is silently gone.
    throw new InvalidDefinitionError(
      `${where}: ${field} must be a plain object mapping names to zod schemas, e.g. { x: z.number() } ` +
        `(a key "__proto__" sets its prototype; "__proto__" cannot be a name)`,
    );
  }
  for (const [key, schema] of Object.entries(schemas)) {
    assertName(key, `${where}: ${field.slice(0, -1)}`);
    assertSchema(schema, `${where}: ${field.slice(0, -1)} "${key}"`);
  }
}

type Schema = { readonly _zod: { readonly def: Readonly<Record<string, unknown>> } };

/** Child schemas of a def, by field; lazy getters and getter-defined shape keys are not followed. */
const SINGLE = ['innerType', 'element', 'catchall', 'in', 'out', 'left', 'right', 'keyType', 'valueType', 'rest'] as const;
const LISTS = ['options', 'items'] as const;

/** The dotted path of the first object schema with an own `__proto__` shape key, if any. */
function protoKeyPath(root: Schema): string | undefined {
  const seen = new Set<Schema>();
  const todo: [Schema, string][] = [[root, '']];
  const isSchemaValue = (v: unknown): v is Schema => typeof v === 'object' && v !== null && '_zod' in v;
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [schema, path] = next;
    if (seen.has(schema)) continue;
    seen.add(schema);
    const def = schema._zod.def;
    if (def['type'] === 'object') {
      const shape = def['shape'] as Record<string, unknown>;
      if (Object.hasOwn(shape, PROTO)) return path;
      for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(shape))) {
        if (isSchemaValue(d.value)) todo.push([d.value, path ? `${path}.${key}` : key]);
      }
    }
    for (const field of SINGLE) if (isSchemaValue(def[field])) todo.push([def[field], path]);
    for (const field of LISTS) {
      const list = def[field];
      if (Array.isArray(list)) for (const item of list) if (isSchemaValue(item)) todo.push([item, path]);
    }
  }
  return undefined;
}

/** A short description of a value's type, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
