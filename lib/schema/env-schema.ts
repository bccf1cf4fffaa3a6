import { z } from 'zod';
import { unknownKeyError } from './config-issues.ts';
import { isPlainObject } from '../support/deep-merge.ts';
import { isEnvRef } from './env-ref.ts';
import { hasPrototypeKey, ownKeysOf } from './own-keys.ts';

/** Where `{ env: NAME }` values are read from, and where the values read are collected. */
export interface EnvSource {
  readonly env: NodeJS.ProcessEnv;
  readonly secrets: Set<string>;
}

/** The source of the parse in progress (parsing is synchronous); `process.env` when none. */
let active: EnvSource | undefined;

/**
 * Runs `parse` with `{ env: NAME }` values read from `source.env` and collected into
 * `source.secrets`; outside it they are read from `process.env`.
 *
 * @example
 * const secrets = new Set<string>();
 * withEnvSource({ env: { DB: 'x.db' }, secrets }, () => withEnv(schema).safeParse({ env: 'DB' }));
 */
export function withEnvSource<T>(source: EnvSource, parse: () => T): T {
  const previous = active;
  active = source;
  try {
    return parse();
  } finally {
    active = previous;
  }
}

/** The value of environment variable `name` (recorded as a secret when set and not empty). */
export function readEnv(name: string): string | undefined {
  const found = (active?.env ?? process.env)[name];
  if (found !== undefined && found !== '') active?.secrets.add(found);
  return found;
}

/** The config issue message for an unset variable. */
export function unsetMessage(name: string): string {
  return `environment variable ${name} is not set`;
}

function resolveEnvRef(value: unknown, ctx: z.core.$RefinementCtx): unknown {
  if (!isEnvRef(value)) return value;
  const found = readEnv(value.env);
  if (found === undefined) ctx.addIssue({ code: 'custom', message: unsetMessage(value.env) });
  return found ?? value;
}

const envAware = new WeakMap<z.ZodType, z.ZodType>();
const envMade = new WeakSet<z.ZodType>();
/** Rebuilt `.default()` nodes whose default is an input value, to show in JSON Schema. */
const envDefaults = new WeakSet<object>();

type AnyDef = Record<string, any> & { readonly type: string };

/** The catchall of a strict object: zod then reports unknown keys as `unrecognized_keys`. */
const REFUSE_UNKNOWN = z.never();

/**
 * A copy of a user schema in which every node first resolves `{ env: NAME }`, and every
 * `z.object` refuses unknown keys (as Dagster does: a typo is an issue, not a default).
 * Objects that say they take extra keys keep taking them (`z.looseObject`, `.catchall()`);
 * so do records. An object whose own shape has an `env` key takes such a value literally
 * at its own position. Built once per schema (the copy is cached), so every user of one
 * schema shares it; the schema itself is not changed (values flowing between solids are
 * checked against it as written).
 *
 * @example
 * withEnv(z.object({ path: z.string() })).parse({ path: { env: 'DB_PATH' } });
 */
export function withEnv(schema: z.ZodType): z.ZodType {
  if (envMade.has(schema)) return schema;
  const cached = envAware.get(schema);
  if (cached) return cached;
  const def = schema._zod.def as AnyDef;
  const inner = def.type === 'lazy' ? z.lazy(() => withEnv(def['getter']())) : rebuild(schema, def);
  const literalEnv = def.type === 'object' && 'env' in def['shape'];
  // A key like `constructor` reads only the input's own keys (`lib/schema/own-keys.ts`).
  const own = def.type === 'object' && hasPrototypeKey(def['shape']);
  const prepare = literalEnv
    ? own
      ? ownKeysOf
      : undefined
    : own
      ? (v: unknown, ctx: z.core.$RefinementCtx) => ownKeysOf(resolveEnvRef(v, ctx))
      : resolveEnvRef;
  const wrapped = prepare ? z.preprocess(prepare, inner) : inner;
  envMade.add(wrapped);
  envAware.set(schema, wrapped);
  return wrapped;
}

function rebuild(schema: z.ZodType, def: AnyDef, literalKey?: string): z.ZodType {
  const children = childrenOf(def, literalKey);
  if (!children) return schema;
  // Keep getters (e.g. `default`'s value, cloned per parse) by copying descriptors.
  const next = Object.defineProperties({}, Object.getOwnPropertyDescriptors(def)) as AnyDef;
  for (const [k, v] of Object.entries(children))
    Object.defineProperty(next, k, { value: v, enumerable: true, configurable: true, writable: true });
  if (def.type === 'object' && next['catchall']?._zod.def.type === 'never' && next['error'] === undefined) {
    // Name the valid keys, one message per unknown key (see config-issues.ts).
    next['error'] = unknownKeyError(Object.keys(def['shape'] as object));
  }
  const copy = (schema as unknown as { clone(def: AnyDef): z.ZodType }).clone(next);
  const meta = z.globalRegistry.get(schema);
  if (meta) z.globalRegistry.add(copy, meta);
  const innerType = (def['innerType'] as z.ZodType | undefined)?._zod.def.type;
  if (def.type === 'default' && innerType !== 'pipe' && innerType !== 'transform') envDefaults.add(copy);
  return copy;
}

function childrenOf(def: AnyDef, literalKey: string | undefined): Record<string, unknown> | undefined {
  switch (def.type) {
    case 'object': {
      const shape = Object.fromEntries(
        Object.entries(def['shape'] as Record<string, z.ZodType>).map(([k, v]) => [k, k === literalKey ? v : withEnv(v)]),
      );
      const catchall = def['catchall'] as z.ZodType | undefined;
      // No catchall is zod's default, stripping unknown keys: in config, refuse them.
      if (catchall === undefined) return { shape, catchall: REFUSE_UNKNOWN };
      return { shape, catchall: catchall._zod.def.type !== 'never' ? withEnv(catchall) : catchall };
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return { innerType: withEnv(def['innerType']) };
    case 'array':
      return { element: withEnv(def['element']) };
    case 'record':
      return { valueType: withEnv(def['valueType']) };
    case 'tuple':
      return { items: (def['items'] as z.ZodType[]).map(withEnv), rest: def['rest'] ? withEnv(def['rest']) : def['rest'] };
    case 'union': {
      const options = def['options'] as z.ZodType[];
      const key = def['discriminator'] as string | undefined;
      if (key === undefined) return { options: options.map(withEnv) };
      // A discriminated union finds options by their literal key, which a wrapper would hide.
      return { options: options.map((o) => (o._zod.def.type === 'object' ? rebuild(o, o._zod.def as AnyDef, key) : o)) };
    }
    case 'intersection':
      return { left: withEnv(def['left']), right: withEnv(def['right']) };
    case 'pipe':
      return (def['in'] as z.ZodType)._zod.traits.has('$ZodTransform') ? { out: withEnv(def['out']) } : { in: withEnv(def['in']) };
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// JSON Schema: `{ "env": "NAME" }` beside every config position

/**
 * A `z.toJSONSchema` override: zod drops defaults under a transform (the env wrapper is
 * one), so this puts the user's default back.
 */
export function envDefaultJson({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodType; jsonSchema: Record<string, unknown> }): void {
  if (!envDefaults.has(zodSchema) || 'default' in jsonSchema) return;
  const value = jsonValue((zodSchema._zod.def as AnyDef)['defaultValue']);
  if (value !== undefined) jsonSchema.default = value;
}

const envRefJson = (): Record<string, unknown> => ({
  type: 'object',
  properties: { env: { type: 'string' } },
  required: ['env'],
  additionalProperties: false,
});
const META = new Set(['default', 'description', 'title', 'examples', 'deprecated', '$comment']);

/**
 * A JSON Schema in which every position also accepts `{ "env": "NAME" }`; with `wrapSelf`
 * false, the root itself does not (it is a container, or a `$defs` entry).
 */
export function withEnvJson(js: unknown, wrapSelf: boolean): unknown {
  if (!isPlainObject(js)) return js;
  const out: Record<string, unknown> = { ...js };
  if (isPlainObject(out['properties'])) {
    out['properties'] = Object.fromEntries(Object.entries(out['properties']).map(([k, v]) => [k, withEnvJson(v, true)]));
  }
  for (const key of ['items', 'additionalProperties']) if (isPlainObject(out[key])) out[key] = withEnvJson(out[key], true);
  if (Array.isArray(out['prefixItems'])) out['prefixItems'] = out['prefixItems'].map((v) => withEnvJson(v, true));
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map((v) => withEnvJson(v, false));
  }
  const literalEnv = isPlainObject(out['properties']) && 'env' in out['properties'];
  if (!wrapSelf || literalEnv || Object.keys(out).every((k) => META.has(k))) return out;
  const meta: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(out)) (META.has(k) ? meta : rest)[k] = v;
  if (Object.keys(rest).length === 1 && Array.isArray(rest['anyOf'])) return { ...meta, anyOf: [...rest['anyOf'], envRefJson()] };
  return { ...meta, anyOf: [rest, envRefJson()] };
}

function jsonValue(value: unknown): unknown {
  try {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  } catch {
    return undefined;
  }
}
