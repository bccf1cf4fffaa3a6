import { z } from 'zod';
import { listNames } from './definition.ts';
import { isPlainObject } from './deep-merge.ts';
import { isEnvRef } from './env-ref.ts';
import { InvalidConfigError, InvariantViolationError, type ConfigIssue } from './errors.ts';
import type { Executor } from './executor.ts';
import type { GraphNode } from './graph.ts';
import type { LevelName } from './log.ts';
import type { Mode } from './mode.ts';
import type { Pipeline } from './pipeline.ts';
import { isInputUnconnected, selectSolids } from './select.ts';

/** Run config after validation: what a run needs, parsed, defaults applied, env read. */
export interface ResolvedRunConfig {
  /** Per invocation name, only for selected solids (all when no selection); `inputs` holds every unconnected input. */
  readonly solids: Readonly<Record<string, { readonly config: unknown; readonly inputs: Readonly<Record<string, unknown>> }>>;
  /** Per resource key of the mode: the parsed config (undefined when the resource has none). */
  readonly resources: Readonly<Record<string, { readonly config: unknown }>>;
  /** Per logger key of the mode: parsed config, always has `level`. */
  readonly loggers: Readonly<Record<string, { readonly config: { readonly level: LevelName } & Record<string, unknown> }>>;
  /** The chosen executor and its parsed config. */
  readonly execution: { readonly executor: Executor; readonly config: unknown };
  /** Every string value read from `{ env: NAME }` sources (to redact from events and logs). */
  readonly secrets: readonly string[];
  /** The raw run config as given, with each `{ env: NAME }` left as is (safe to show: it holds names, not values). */
  readonly shown: unknown;
}

/**
 * The zod schema of a pipeline's run config in one mode (and selection). Every position of
 * the solids', resources', loggers' and executors' own schemas also accepts `{ env: NAME }`,
 * read from `process.env` when parsed.
 *
 * @example
 * runConfigSchema(queryPipeline, 'prod').safeParse({ resources: { database: { config: { url: { env: 'PG_URL' } } } } });
 *
 * @throws {InvariantViolationError} when `modeName` is unknown, or left out of a pipeline with several modes
 * @throws {InvalidSubsetError} when `select` is malformed or matches no solid
 */
export function runConfigSchema(pipeline: Pipeline, modeName?: string, select?: string): z.ZodType {
  return builtFor(pipeline, pickMode(pipeline, modeName), selectSolids(pipeline, select)).schema;
}

/**
 * The JSON Schema (draft 2020-12, input side) of {@link runConfigSchema}, for editors and
 * the CLI; every config position also accepts `{ "env": "NAME" }`.
 *
 * @example
 * writeFileSync('run-config.schema.json', JSON.stringify(runConfigJsonSchema(queryPipeline, 'prod')));
 *
 * @throws {InvariantViolationError} when `modeName` is unknown, or left out of a pipeline with several modes
 * @throws {InvalidSubsetError} when `select` is malformed or matches no solid
 */
export function runConfigJsonSchema(pipeline: Pipeline, modeName?: string, select?: string): Record<string, unknown> {
  const schema = runConfigSchema(pipeline, modeName, select);
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    // zod drops defaults under a transform (the env wrapper is one); the user's default still holds.
    override: ({ zodSchema, jsonSchema }) => {
      if (!envDefaults.has(zodSchema) || 'default' in jsonSchema) return;
      const value = jsonValue((zodSchema._zod.def as AnyDef)['defaultValue']);
      if (value !== undefined) jsonSchema.default = value;
    },
  }) as Record<string, unknown>;
  // Recursive user schemas land in $defs; their positions take env references too.
  const defs = objectAt(json, '$defs');
  for (const [name, def] of Object.entries(defs)) defs[name] = withEnvJson(def, false);
  const sections = objectAt(json, 'properties');
  for (const section of ['solids', 'resources', 'loggers', 'execution']) {
    for (const entry of Object.values(objectAt(objectAt(sections, section), 'properties'))) {
      const props = objectAt(entry, 'properties');
      if ('config' in props) props['config'] = withEnvJson(props['config'], true);
      for (const input of Object.values(objectAt(objectAt(props, 'inputs'), 'properties'))) {
        const inputProps = objectAt(input, 'properties');
        if ('value' in inputProps) inputProps['value'] = withEnvJson(inputProps['value'], true);
      }
    }
  }
  return json;
}

/**
 * Validates run config against the pipeline in `mode` (and selection), reads `{ env: NAME }`
 * values from `env`, applies defaults and `.configured()` bindings, and picks the executor.
 *
 * @example
 * const resolved = resolveRunConfig(p, p.modes[0]!, { solids: { load: { config: { limit: 10 } } } }, undefined);
 *
 * @throws {InvalidConfigError} listing every problem at once: unknown keys, wrong values,
 *   unset environment variables, missing inputs, bad `.configured()` values, two executors
 */
export function resolveRunConfig(
  pipeline: Pipeline,
  mode: Mode,
  raw: unknown,
  selection: ReadonlySet<string> | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedRunConfig {
  const built = builtFor(pipeline, mode, selection);
  const issues: ConfigIssue[] = [];
  const secrets = new Set<string>();
  const previous = active;
  active = { env, secrets };
  try {
    const parsed = built.schema.safeParse(raw);
    if (!parsed.success) issues.push(...toIssues(parsed.error.issues, []));
    const data = (parsed.success ? parsed.data : {}) as ParsedRunConfig;

    const solids: Record<string, { config: unknown; inputs: Record<string, unknown> }> = {};
    for (const node of pipeline.nodes) {
      if (selection && !selection.has(node.name)) continue;
      const given = data.solids?.[node.name];
      const inputs: Record<string, unknown> = {};
      for (const input of Object.keys(node.solid.inputs)) {
        if (isInputUnconnected(node, input, selection)) inputs[input] = given?.inputs?.[input]?.value;
      }
      const config = node.solid.bound
        ? boundSolidConfig(node, issues)
        : given?.config;
      solids[node.name] = Object.freeze({ config, inputs: Object.freeze(inputs) });
    }

    const resources: Record<string, { config: unknown }> = {};
    for (const [key, r] of Object.entries(mode.resources)) {
      const path = ['resources', key, 'config'];
      const needed = built.neededResources.has(key);
      let config: unknown;
      if (r.bound && r.config) config = parseBound(withEnv(r.config), r.bound.value, path, needed ? issues : []);
      else if (data.resources?.[key]) config = data.resources[key].config;
      else config = quietParse(built.resourceEntries.get(key)!, {})?.config;
      resources[key] = Object.freeze({ config });
    }

    const loggers: Record<string, { config: { level: LevelName } & Record<string, unknown> }> = {};
    for (const [key, l] of Object.entries(mode.loggers)) {
      const config = l.bound ? parseBound(withEnv(l.config), l.bound.value, ['loggers', key, 'config'], issues) : data.loggers?.[key]?.config;
      loggers[key] = Object.freeze({ config: config as { level: LevelName } & Record<string, unknown> });
    }

    const execution = chooseExecutor(built, mode, raw, data, issues);
    if (issues.length > 0) throw new InvalidConfigError(issues);
    return Object.freeze({
      solids: Object.freeze(solids),
      resources: Object.freeze(resources),
      loggers: Object.freeze(loggers),
      execution,
      secrets: Object.freeze([...secrets]),
      shown: raw ?? {},
    });
  } finally {
    active = previous;
  }
}

/** The output of the run config schema, as far as resolving reads it. */
interface ParsedRunConfig {
  readonly solids?: Readonly<Record<string, { config?: unknown; inputs?: Record<string, { value?: unknown } | undefined> } | undefined>>;
  readonly resources?: Readonly<Record<string, { config?: unknown } | undefined>>;
  readonly loggers?: Readonly<Record<string, { config?: unknown } | undefined>>;
  readonly execution?: Readonly<Record<string, { config?: unknown } | undefined>>;
}

function chooseExecutor(
  built: Built,
  mode: Mode,
  raw: unknown,
  data: ParsedRunConfig,
  issues: ConfigIssue[],
): ResolvedRunConfig['execution'] {
  const rawExecution = isPlainObject(raw) ? raw['execution'] : undefined;
  const names = isPlainObject(rawExecution) ? Object.keys(rawExecution) : [];
  // Two keys or an unknown name were reported by the schema; any executor will do here.
  const executor = (names.length === 1 && mode.executors.find((e) => e.name === names[0])) || mode.executors[0]!;
  const path = ['execution', executor.name, 'config'];
  let config: unknown;
  if (executor.bound && executor.config) config = parseBound(withEnv(executor.config), executor.bound.value, path, issues);
  else if (data.execution?.[executor.name]) config = data.execution[executor.name]!.config;
  else if (names.length === 0) {
    const parsed = built.executorEntries.get(executor.name)!.safeParse({});
    if (parsed.success) config = (parsed.data as { config?: unknown }).config;
    else issues.push(...toIssues(parsed.error.issues, ['execution', executor.name]));
  }
  return Object.freeze({ executor, config });
}

/** Parses a `.configured()` value like run config, reporting at the path it would have there. */
function parseBound(schema: z.ZodType, value: unknown, path: readonly (string | number)[], issues: ConfigIssue[]): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  issues.push(...toIssues(parsed.error.issues, path).map((i) => ({ ...i, message: `${i.message} (in .configured())` })));
  return undefined;
}

/**
 * A bound solid no longer exposes its config schema (`solid.config` is undefined once
 * bound), so env references are resolved by hand and `configured()` re-checks the result.
 */
function boundSolidConfig(node: GraphNode, issues: ConfigIssue[]): unknown {
  const path = ['solids', node.name, 'config'];
  const value = node.solid.bound!.value;
  if (node.solid.config) return parseBound(withEnv(node.solid.config), value, path, issues);
  const before = issues.length;
  const resolved = resolveEnvDeep(value, path, issues);
  if (issues.length > before) return undefined;
  try {
    (node.solid.configured as (config: unknown) => unknown)(resolved);
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    issues.push(...error.issues.map((i) => ({ path: [...path, ...i.path], message: `${i.message} (in .configured())` })));
  }
  return resolved;
}

function resolveEnvDeep(value: unknown, path: readonly (string | number)[], issues: ConfigIssue[]): unknown {
  if (isEnvRef(value)) {
    const found = readEnv(value.env);
    if (found === undefined) issues.push({ path, message: `${unsetMessage(value.env)} (in .configured())` });
    return found;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvDeep(v, [...path, i], issues));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvDeep(v, [...path, k], issues)]));
}

function toIssues(zodIssues: readonly z.core.$ZodIssue[], prefix: readonly (string | number)[]): ConfigIssue[] {
  return zodIssues.map((i) => ({
    path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: i.message,
  }));
}

function quietParse(schema: z.ZodType, value: unknown): { config?: unknown } | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? (parsed.data as { config?: unknown }) : undefined;
}

// ---------------------------------------------------------------------------------------
// Mode and cache

function pickMode(pipeline: Pipeline, modeName: string | undefined): Mode {
  const names = listNames(pipeline.modes.map((m) => m.name));
  if (modeName === undefined) {
    if (pipeline.modes.length === 1) return pipeline.modes[0]!;
    throw new InvariantViolationError(`pipeline "${pipeline.name}" has several modes; choose one of: ${names}`);
  }
  const found = pipeline.modes.find((m) => m.name === modeName);
  if (!found) throw new InvariantViolationError(`pipeline "${pipeline.name}" has no mode "${modeName}"; its modes are: ${names}`);
  return found;
}

interface Built {
  readonly schema: z.ZodType;
  readonly neededResources: ReadonlySet<string>;
  /** Each resource's entry, to read the defaults of an entry left out. */
  readonly resourceEntries: ReadonlyMap<string, z.ZodType>;
  /** Each executor's entry, to read its defaults when `execution` names none. */
  readonly executorEntries: ReadonlyMap<string, z.ZodType>;
}

const cache = new WeakMap<Pipeline, WeakMap<Mode, Map<string, Built>>>();

function builtFor(pipeline: Pipeline, mode: Mode, selection: ReadonlySet<string> | undefined): Built {
  let byMode = cache.get(pipeline);
  if (!byMode) cache.set(pipeline, (byMode = new WeakMap()));
  let bySelection = byMode.get(mode);
  if (!bySelection) byMode.set(mode, (bySelection = new Map()));
  const key = selection === undefined ? '*' : [...selection].sort().join(',');
  let built = bySelection.get(key);
  if (!built) bySelection.set(key, (built = build(pipeline, mode, selection)));
  return built;
}

// ---------------------------------------------------------------------------------------
// Building the schema

function build(pipeline: Pipeline, mode: Mode, selection: ReadonlySet<string> | undefined): Built {
  const solidNames = pipeline.nodes.map((n) => n.name);
  const solids: Record<string, z.ZodType> = {};
  for (const node of pipeline.nodes) {
    solids[node.name] = selection && !selection.has(node.name) ? z.unknown().optional() : solidEntry(node, selection);
  }

  const neededResources = new Set<string>();
  const need = (key: string): void => {
    if (neededResources.has(key)) return;
    neededResources.add(key);
    for (const dep of mode.resources[key]?.resources ?? []) need(dep);
  };
  for (const node of pipeline.nodes) if (!selection || selection.has(node.name)) node.solid.resources.forEach(need);

  const resources: Record<string, z.ZodType> = {};
  const resourceEntries = new Map<string, z.ZodType>();
  for (const [key, r] of Object.entries(mode.resources)) {
    const obj = configEntry(r, `resources.${key}`, `resource "${key}"`);
    resourceEntries.set(key, obj);
    resources[key] = neededResources.has(key) ? entry(obj) : z.preprocess((v) => (v === null ? {} : v), obj.optional());
  }

  const loggers: Record<string, z.ZodType> = {};
  for (const [key, l] of Object.entries(mode.loggers)) loggers[key] = entry(configEntry(l, `loggers.${key}`, `logger "${key}"`));

  const execution: Record<string, z.ZodType> = {};
  const executorEntries = new Map<string, z.ZodType>();
  const executorNames = mode.executors.map((e) => e.name);
  for (const e of mode.executors) {
    const obj = configEntry(e, `execution.${e.name}`, `executor "${e.name}"`);
    executorEntries.set(e.name, obj);
    execution[e.name] = z.preprocess((v) => (v === null ? {} : v), obj.optional());
  }
  const executionObject = strictObject(
    execution,
    (k) => `unknown executor "${k}"; mode "${mode.name}" allows: ${listNames(executorNames)}`,
  ).refine((v) => Object.keys(v).filter((k) => executorNames.includes(k)).length <= 1, {
    when: () => true,
    error: (iss) =>
      `give one executor under execution, not ${listNames(Object.keys(iss.input as object))}; ` +
      `mode "${mode.name}" allows: ${listNames(executorNames)}`,
  });

  const schema = z.preprocess(
    (v) => v ?? {},
    strictObject(
      {
        solids: entry(strictObject(solids, (k) => `unknown solid "${k}"; solids are: ${listNames(solidNames)}`)),
        resources: entry(
          strictObject(resources, (k) => `unknown resource "${k}"; mode "${mode.name}" has: ${listNames(Object.keys(mode.resources))}`),
        ),
        loggers: entry(
          strictObject(loggers, (k) => `unknown logger "${k}"; mode "${mode.name}" has: ${listNames(Object.keys(mode.loggers))}`),
        ),
        execution: entry(executionObject),
      },
      (k) => `unknown key "${k}" in run config; valid: "solids", "resources", "loggers", "execution"`,
    ),
  );
  return { schema, neededResources, resourceEntries, executorEntries };
}

function solidEntry(node: GraphNode, selection: ReadonlySet<string> | undefined): z.ZodType {
  const where = `solids.${node.name}`;
  const def = node.solid;
  const inputs: Record<string, z.ZodType> = {};
  const unconnected: string[] = [];
  for (const [input, schema] of Object.entries(def.inputs)) {
    if (!isInputUnconnected(node, input, selection)) continue;
    unconnected.push(input);
    const value = withEnv(schema);
    const required = !accepts(value, undefined);
    const obj = strictObject(
      { value },
      (k) => `unknown key "${k}" in ${where}.inputs.${input}; valid: "value"`,
      `input "${input}" of solid "${node.name}" is not connected; give it as ${where}.inputs.${input}.value`,
    );
    inputs[input] = required ? obj : entry(obj);
  }
  const inputsObject = strictObject(inputs, (k) =>
    node.inputs[k]
      ? `input "${k}" of solid "${node.name}" is wired from "${node.inputs[k].node}"; only unconnected inputs take a value ` +
        `(unconnected: ${listNames(unconnected)})`
      : `solid "${node.name}" has no input "${k}"; its unconnected inputs are: ${listNames(unconnected)}`,
  );
  const shape: Record<string, z.ZodType> = { inputs: entry(inputsObject) };
  if (def.config && !def.bound) shape['config'] = optionalConfig(withEnv(def.config));
  return entry(
    strictObject(shape, (k) =>
      k === 'config' ? noConfigMessage(def, `solid "${node.name}"`, where) : `unknown key "${k}" in ${where}; valid: ${listNames(Object.keys(shape))}`,
    ),
  );
}

/** `{ config }` for a definition with an unbound config schema, `{}` otherwise. */
function configEntry(def: { config: z.ZodType | undefined; bound: unknown }, where: string, what: string): z.ZodObject {
  const shape: Record<string, z.ZodType> = def.config && !def.bound ? { config: optionalConfig(withEnv(def.config)) } : {};
  return strictObject(shape, (k) =>
    k === 'config' ? noConfigMessage(def, what, where) : `unknown key "${k}" in ${where}; valid: ${listNames(Object.keys(shape))}`,
  );
}

function noConfigMessage(def: { bound: unknown }, what: string, where: string): string {
  return def.bound
    ? `${what} has its config bound with .configured(); remove ${where}.config`
    : `${what} takes no config; remove ${where}.config`;
}

/** A strict object whose unknown-key issue names the keys and what is valid. */
function strictObject(shape: Record<string, z.ZodType>, unknownKey: (key: string) => string, missing?: string): z.ZodObject {
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') return iss.keys.map(unknownKey).join('; ');
      if (missing !== undefined && iss.code === 'invalid_type' && iss.input === undefined) return missing;
      return undefined;
    },
  });
}

/**
 * A container entry: left out (or `null`) it is `{}`, so what it holds is reported at its
 * own path; optional (defaulted) when `{}` is valid.
 */
function entry(obj: z.ZodType): z.ZodType {
  const base = z.preprocess((v) => v ?? {}, obj);
  return accepts(obj, {}) ? base.prefault({}) : base;
}

/** A config schema, optional when it accepts nothing or `{}` (all fields defaulted). */
function optionalConfig(schema: z.ZodType): z.ZodType {
  if (accepts(schema, undefined)) return schema;
  return accepts(schema, {}) ? schema.prefault({}) : schema;
}

function accepts(schema: z.ZodType, value: unknown): boolean {
  try {
    return schema.safeParse(value).success;
  } catch {
    return false; // async refinements cannot run here
  }
}

// ---------------------------------------------------------------------------------------
// `{ env: NAME }` everywhere in user schemas

/** The env and secret sink of the parse in progress (parsing is synchronous). */
let active: { readonly env: NodeJS.ProcessEnv; readonly secrets: Set<string> } | undefined;

function readEnv(name: string): string | undefined {
  const found = (active?.env ?? process.env)[name];
  if (found !== undefined && found !== '') active?.secrets.add(found);
  return found;
}

function unsetMessage(name: string): string {
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

/**
 * A copy of a user schema in which every node first resolves `{ env: NAME }`. An object
 * whose own shape has an `env` key takes such a value literally at its own position.
 */
function withEnv(schema: z.ZodType): z.ZodType {
  if (envMade.has(schema)) return schema;
  const cached = envAware.get(schema);
  if (cached) return cached;
  const def = schema._zod.def as AnyDef;
  const inner = def.type === 'lazy' ? z.lazy(() => withEnv(def['getter']())) : rebuild(schema, def);
  const literalEnv = def.type === 'object' && 'env' in def['shape'];
  const wrapped = literalEnv ? inner : z.preprocess(resolveEnvRef, inner);
  envMade.add(wrapped);
  envAware.set(schema, wrapped);
  return wrapped;
}

function rebuild(schema: z.ZodType, def: AnyDef, literalKey?: string): z.ZodType {
  const children = childrenOf(def, literalKey);
  if (!children) return schema;
  // Keep getters (e.g. `default`'s value, cloned per parse) by copying descriptors.
  const next = Object.defineProperties({}, Object.getOwnPropertyDescriptors(def)) as AnyDef;
  for (const [k, v] of Object.entries(children)) Object.defineProperty(next, k, { value: v, enumerable: true, configurable: true, writable: true });
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
      return { shape, catchall: catchall && catchall._zod.def.type !== 'never' ? withEnv(catchall) : catchall };
    }
    case 'optional': case 'nullable': case 'default': case 'prefault':
    case 'nonoptional': case 'readonly': case 'catch':
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

const envRefJson = (): Record<string, unknown> => ({
  type: 'object',
  properties: { env: { type: 'string' } },
  required: ['env'],
  additionalProperties: false,
});
const META = new Set(['default', 'description', 'title', 'examples', 'deprecated', '$comment']);

function withEnvJson(js: unknown, wrapSelf: boolean): unknown {
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

function objectAt(value: unknown, key: string): Record<string, unknown> {
  const found = isPlainObject(value) ? value[key] : undefined;
  return isPlainObject(found) ? found : {};
}
