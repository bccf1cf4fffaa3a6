import { z } from 'zod';
import { listNames } from './definition.ts';
import { isPlainObject } from './deep-merge.ts';
import { isEnvRef } from './env-ref.ts';
import { envDefaultJson, readEnv, unsetMessage, withEnv, withEnvJson, withEnvSource } from './env-schema.ts';
import { InvalidConfigError, InvariantViolationError, type ConfigIssue } from './errors.ts';
import type { Executor } from './executor.ts';
import type { GraphNode } from './graph.ts';
import type { LevelName } from './log.ts';
import type { Mode } from './mode.ts';
import type { Pipeline } from './pipeline.ts';
import { isInputUnconnected, selectSolids } from './select.ts';

/** Run config after validation: what a run needs, parsed, defaults applied, env read. */
export interface ResolvedRunConfig {
  /**
   * Per invocation name, for the selected solids that take something from run config
   * (config, bound or not, or unconnected inputs) or were given there anyway; `inputs`
   * holds every unconnected input. A selected solid without an entry has nothing to
   * configure: read it as `{ config: undefined, inputs: {} }` (`solids[name]?.config`).
   * So a long chain of plain solids costs nothing here.
   */
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
 * read from `process.env` when parsed. Its `solids` output holds an entry for each solid
 * given, and for each selected solid with config or unconnected inputs (defaults applied).
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
 * the CLI; every config position also accepts `{ "env": "NAME" }`. Solids with nothing to
 * configure share one entry, `$defs.solidWithoutRunConfig`.
 *
 * @example
 * writeFileSync('run-config.schema.json', JSON.stringify(runConfigJsonSchema(queryPipeline, 'prod')));
 *
 * @throws {InvariantViolationError} when `modeName` is unknown, or left out of a pipeline with several modes
 * @throws {InvalidSubsetError} when `select` is malformed or matches no solid
 */
export function runConfigJsonSchema(pipeline: Pipeline, modeName?: string, select?: string): Record<string, unknown> {
  const built = builtFor(pipeline, pickMode(pipeline, modeName), selectSolids(pipeline, select));
  // The parse schema checks solids by hand; JSON comes from a twin with one entry per kind.
  const { schema, kindKeys } = jsonTwin(built);
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override: envDefaultJson }) as Record<string, unknown>;
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
  expandSolidsJson(json, built.solids, kindKeys);
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
  return withEnvSource({ env, secrets }, () => {
    const parsed = built.schema.safeParse(raw);
    if (!parsed.success) issues.push(...toIssues(parsed.error.issues, []));
    const data = (parsed.success ? parsed.data : {}) as ParsedRunConfig;
    const solids = resolveSolids(built.solids, data, issues);

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
      solids,
      resources: Object.freeze(resources),
      loggers: Object.freeze(loggers),
      execution,
      secrets: Object.freeze([...secrets]),
      shown: raw ?? {},
    });
  });
}

/** The output of the run config schema, as far as resolving reads it. */
interface ParsedRunConfig {
  readonly solids?: Readonly<Record<string, GivenSolid | undefined>>;
  readonly resources?: Readonly<Record<string, { config?: unknown } | undefined>>;
  readonly loggers?: Readonly<Record<string, { config?: unknown } | undefined>>;
  readonly execution?: Readonly<Record<string, { config?: unknown } | undefined>>;
}

interface GivenSolid {
  readonly config?: unknown;
  readonly inputs?: Record<string, { value?: unknown } | undefined>;
}

/** Entries for the selected solids the parse kept (given or configurable), in pipeline order. */
function resolveSolids(section: SolidsSection, data: ParsedRunConfig, issues: ConfigIssue[]): ResolvedRunConfig['solids'] {
  // Bound config is checked even when the schema failed, so every problem shows at once.
  const bound = new Map<string, unknown>();
  for (const slot of section.bound) bound.set(slot.node.name, boundSolidConfig(slot.node, issues));
  const entries: [string, ResolvedRunConfig['solids'][string]][] = [];
  for (const [name, given] of Object.entries(data.solids ?? {})) {
    const slot = section.slots.get(name);
    if (!slot?.kind) continue; // outside the selection
    const inputs: Record<string, unknown> = {};
    for (const input of slot.kind.inputs) inputs[input.name] = given?.inputs?.[input.name]?.value;
    const config = slot.node.solid.bound ? bound.get(name) : given?.config;
    entries.push([name, Object.freeze({ config, inputs: Object.freeze(inputs) })]);
  }
  return Object.freeze(Object.fromEntries(entries));
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
    // By name: the solid may come from another copy of the library (a worker, tsx).
    if ((error as Error | undefined)?.name !== 'InvalidConfigError') throw error;
    issues.push(...(error as InvalidConfigError).issues.map((i) => ({ path: [...path, ...i.path], message: `${i.message} (in .configured())` })));
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
  readonly solids: SolidsSection;
  /** The other sections of `schema`, for the JSON Schema twin. */
  readonly sections: { readonly resources: z.ZodType; readonly loggers: z.ZodType; readonly execution: z.ZodType };
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
  const key = selectionKey(pipeline, selection);
  let built = bySelection.get(key);
  if (!built) bySelection.set(key, (built = build(pipeline, mode, selection)));
  return built;
}

/** One character per invocation: linear, where sorting the names of a big selection is not. */
function selectionKey(pipeline: Pipeline, selection: ReadonlySet<string> | undefined): string {
  if (selection === undefined) return '*';
  let key = '';
  for (const node of pipeline.nodes) key += selection.has(node.name) ? '1' : '0';
  return key;
}

// ---------------------------------------------------------------------------------------
// Building the schema

function build(pipeline: Pipeline, mode: Mode, selection: ReadonlySet<string> | undefined): Built {
  const solids = solidsSection(pipeline, selection);

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

  const sections = {
    resources: entry(
      strictObject(resources, (k) => `unknown resource "${k}"; mode "${mode.name}" has: ${listNames(Object.keys(mode.resources))}`),
    ),
    loggers: entry(strictObject(loggers, (k) => `unknown logger "${k}"; mode "${mode.name}" has: ${listNames(Object.keys(mode.loggers))}`)),
    execution: entry(executionObject),
  };
  const schema = runConfigObject({ solids: solidsParser(solids), ...sections });
  return { schema, solids, sections, neededResources, resourceEntries, executorEntries };
}

function runConfigObject(shape: { solids: z.ZodType; resources: z.ZodType; loggers: z.ZodType; execution: z.ZodType }): z.ZodType {
  return z.preprocess(
    (v) => v ?? {},
    strictObject(shape, (k) => `unknown key "${k}" in run config; valid: "solids", "resources", "loggers", "execution"`),
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
function strictObject(shape: Record<string, z.ZodType>, unknownKey: (key: string) => string): z.ZodObject {
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? iss.keys.map(unknownKey).join('; ') : undefined),
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
// The solids section
//
// A pipeline may hold 100,000 invocations, most with nothing to configure. A zod object
// with a key per invocation costs seconds to build and overflows the stack when parsed,
// so the section is parsed by hand: only the names given are looked at, plus the solids
// that take something from run config. Zod still parses every user schema, shared by all
// invocations of one definition, and reports the same issues at the same paths.

/** What the entry of an invocation takes; shared by invocations alike in what they take. */
interface EntryKind {
  /** The config schema (env-aware, optional when it may be left out), unless none or bound. */
  readonly config: z.ZodType | undefined;
  /** The unconnected inputs, in declaration order. */
  readonly inputs: readonly EntryInput[];
  /** The keys an entry may have, for the unknown-key message. */
  readonly keys: readonly string[];
}

interface EntryInput {
  readonly name: string;
  readonly value: z.ZodType;
  /** True when the value may not be left out (no default, not optional): nor may the input's entry. */
  readonly required: boolean;
}

interface SolidSlot {
  readonly node: GraphNode;
  readonly index: number;
  /** Undefined outside the selection: anything goes there. */
  readonly kind: EntryKind | undefined;
}

interface SolidsSection {
  readonly slots: ReadonlyMap<string, SolidSlot>;
  /** Selected solids parsed even when left out (config, bound config or inputs), in pipeline order. */
  readonly configurable: readonly SolidSlot[];
  /** Selected solids whose config is bound with `.configured()`, in pipeline order. */
  readonly bound: readonly SolidSlot[];
  /** The pipeline's solids, listed for the unknown-name message (long: built when needed). */
  readonly names: () => string;
}

/** The kind of every invocation with no config to give and no unconnected input. */
const NOTHING: EntryKind = Object.freeze({ config: undefined, inputs: Object.freeze([]), keys: Object.freeze(['inputs']) });

/** Per definition, per unconnected-input list: the entry kind. */
const kinds = new WeakMap<object, Map<string, EntryKind>>();

function solidsSection(pipeline: Pipeline, selection: ReadonlySet<string> | undefined): SolidsSection {
  const slots = new Map<string, SolidSlot>();
  const configurable: SolidSlot[] = [];
  const bound: SolidSlot[] = [];
  pipeline.nodes.forEach((node, index) => {
    const selected = !selection || selection.has(node.name);
    const slot: SolidSlot = { node, index, kind: selected ? kindOf(node, selection) : undefined };
    slots.set(node.name, slot);
    if (!selected) return;
    if (slot.kind !== NOTHING || node.solid.bound) configurable.push(slot);
    if (node.solid.bound) bound.push(slot);
  });
  let names: string | undefined;
  return { slots, configurable, bound, names: () => (names ??= listNames(pipeline.nodes.map((n) => n.name))) };
}

function kindOf(node: GraphNode, selection: ReadonlySet<string> | undefined): EntryKind {
  const def = node.solid;
  const unconnected = Object.keys(def.inputs).filter((input) => isInputUnconnected(node, input, selection));
  const config = def.config && !def.bound ? def.config : undefined;
  if (unconnected.length === 0 && !config) return NOTHING;
  let byInputs = kinds.get(def);
  if (!byInputs) kinds.set(def, (byInputs = new Map()));
  const key = unconnected.join('\0');
  let kind = byInputs.get(key);
  if (!kind) {
    const inputs = unconnected.map((name) => {
      const value = withEnv(def.inputs[name]!);
      return { name, value, required: !accepts(value, undefined) };
    });
    kind = { config: config && optionalConfig(withEnv(config)), inputs, keys: config ? ['inputs', 'config'] : ['inputs'] };
    byInputs.set(key, kind);
  }
  return kind;
}

type Issue = z.core.$ZodSuperRefineIssue;
type Path = readonly PropertyKey[];

/** The `solids` section: a hand-made parse (see above) inside the zod schema. */
function solidsParser(section: SolidsSection): z.ZodType {
  // A preprocess (its transform is optional-in), so zod also runs it when `solids` is left out.
  const parse = (raw: unknown, ctx: z.core.$RefinementCtx): unknown => {
    const issues: Issue[] = [];
    const parsed = parseSolids(section, raw, issues);
    for (const issue of issues) ctx.addIssue(issue);
    return parsed;
  };
  return z.preprocess(parse, z.unknown());
}

function parseSolids(section: SolidsSection, raw: unknown, issues: Issue[]): Record<string, unknown> {
  const given = raw ?? {};
  if (!isObject(given)) {
    issues.push(notObject(given, []));
    return {};
  }
  const todo: SolidSlot[] = [];
  const unknown: string[] = [];
  for (const name of Object.keys(given)) {
    const slot = section.slots.get(name);
    if (slot) todo.push(slot);
    else unknown.push(name);
  }
  for (const slot of section.configurable) if (!Object.hasOwn(given, slot.node.name)) todo.push(slot);
  // In pipeline order, as a zod object with a key per solid would report them.
  todo.sort((a, b) => a.index - b.index);
  const parsed: [string, unknown][] = [];
  for (const slot of todo) {
    const name = slot.node.name;
    const value = Object.hasOwn(given, name) ? given[name] : undefined;
    parsed.push([name, slot.kind ? parseEntry(slot.node, slot.kind, value, issues) : value]);
  }
  if (unknown.length > 0) {
    const message = unknown.map((k) => `unknown solid "${k}"; solids are: ${section.names()}`).join('; ');
    issues.push({ code: 'unrecognized_keys', keys: unknown, input: given, path: [], message });
  }
  return Object.fromEntries(parsed);
}

// Paths are built only for issues: a big pipeline parses thousands of entries per run.

function parseEntry(node: GraphNode, kind: EntryKind, raw: unknown, issues: Issue[]): unknown {
  const where = `solids.${node.name}`;
  const given = raw ?? EMPTY;
  if (!isObject(given)) {
    issues.push(notObject(given, [node.name]));
    return given;
  }
  const parsed: Record<string, unknown> = { inputs: parseInputs(node, kind, given['inputs'], issues) };
  if (kind.config) {
    const failed = parseProperty(kind.config, given, 'config', parsed);
    if (failed) addAt(issues, failed, [node.name, 'config']);
  }
  const unknown = given === EMPTY ? [] : Object.keys(given).filter((k) => !kind.keys.includes(k));
  if (unknown.length > 0) {
    issues.push(unknownKeys(given, unknown, [node.name], (k) =>
      k === 'config' ? noConfigMessage(node.solid, `solid "${node.name}"`, where) : `unknown key "${k}" in ${where}; valid: ${listNames(kind.keys)}`,
    ));
  }
  return parsed;
}

function parseInputs(node: GraphNode, kind: EntryKind, raw: unknown, issues: Issue[]): unknown {
  const where = `solids.${node.name}`;
  const given = raw ?? EMPTY;
  if (!isObject(given)) {
    issues.push(notObject(given, [node.name, 'inputs']));
    return given;
  }
  const parsed: Record<string, unknown> = {};
  for (const input of kind.inputs) {
    const value = input.required ? given[input.name] : (given[input.name] ?? EMPTY);
    if (value === undefined) {
      const message = `input "${input.name}" of solid "${node.name}" is not connected; give it as ${where}.inputs.${input.name}.value`;
      issues.push({ code: 'invalid_type', expected: 'object', input: undefined, path: [node.name, 'inputs', input.name], message });
      continue;
    }
    if (!isObject(value)) {
      issues.push(notObject(value, [node.name, 'inputs', input.name]));
      continue;
    }
    const out: Record<string, unknown> = {};
    const failed = parseProperty(input.value, value, 'value', out);
    if (failed) addAt(issues, failed, [node.name, 'inputs', input.name, 'value']);
    const unknown = value === EMPTY ? [] : Object.keys(value).filter((k) => k !== 'value');
    if (unknown.length > 0) {
      issues.push(unknownKeys(value, unknown, [node.name, 'inputs', input.name], (k) =>
        `unknown key "${k}" in ${where}.inputs.${input.name}; valid: "value"`,
      ));
    }
    parsed[input.name] = out;
  }
  const unknown = given === EMPTY ? [] : Object.keys(given).filter((k) => !kind.inputs.some((i) => i.name === k));
  if (unknown.length > 0) {
    const unconnected = listNames(kind.inputs.map((i) => i.name));
    issues.push(unknownKeys(given, unknown, [node.name, 'inputs'], (k) =>
      node.inputs[k]
        ? `input "${k}" of solid "${node.name}" is wired from "${node.inputs[k].node}"; only unconnected inputs take a value ` +
          `(unconnected: ${unconnected})`
        : `solid "${node.name}" has no input "${k}"; its unconnected inputs are: ${unconnected}`,
    ));
  }
  return parsed;
}

/** What an entry left out (or `null`) reads as. */
const EMPTY: Record<string, unknown> = Object.freeze({});

/**
 * Parses `holder[key]` into `into[key]` as a zod object parses a property: a key left out
 * of an optional schema is skipped, a defaulted one gets its default. Returns the issues.
 */
function parseProperty(schema: z.ZodType, holder: Record<string, unknown>, key: string, into: Record<string, unknown>): z.core.$ZodIssue[] | undefined {
  const present = key in holder;
  const { optin, optout } = schema._zod;
  if (!present && optin === 'optional' && optout === 'optional') return undefined;
  const parsed = schema.safeParse(holder[key]);
  if (!parsed.success) return !present && optin !== undefined && optout === 'optional' ? undefined : parsed.error.issues;
  if (parsed.data !== undefined || present || (optin === 'defaulted' && optout !== 'optional')) into[key] = parsed.data;
  return undefined;
}

function addAt(issues: Issue[], found: readonly z.core.$ZodIssue[], path: Path): void {
  for (const issue of found) issues.push({ ...issue, path: [...path, ...issue.path] } as Issue);
}

/** Zod's own "expected object" issue: its message is made (and localised) by zod. */
function notObject(input: unknown, path: Path): Issue {
  return { code: 'invalid_type', expected: 'object', input, path: [...path] };
}

function unknownKeys(input: Record<string, unknown>, keys: string[], path: Path, message: (key: string) => string): Issue {
  return { code: 'unrecognized_keys', keys, input, path: [...path], message: keys.map(message).join('; ') };
}

/** What zod takes for an object. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------
// JSON Schema of the solids section

/** The run config schema with a `solids` object holding one entry per kind, not per solid. */
function jsonTwin(built: Built): { schema: z.ZodType; kindKeys: ReadonlyMap<EntryKind | undefined, string> } {
  const kindKeys = new Map<EntryKind | undefined, string>();
  const shape: Record<string, z.ZodType> = {};
  for (const slot of built.solids.slots.values()) {
    if (kindKeys.has(slot.kind)) continue;
    const key = `kind${kindKeys.size}`;
    kindKeys.set(slot.kind, key);
    shape[key] = slot.kind ? kindSchema(slot.kind) : z.unknown().optional();
  }
  return { schema: runConfigObject({ solids: entry(z.strictObject(shape)), ...built.sections }), kindKeys };
}

function kindSchema(kind: EntryKind): z.ZodType {
  const inputs: Record<string, z.ZodType> = {};
  for (const input of kind.inputs) {
    const obj = z.strictObject({ value: input.value });
    inputs[input.name] = input.required ? obj : entry(obj);
  }
  const shape: Record<string, z.ZodType> = { inputs: entry(z.strictObject(inputs)) };
  if (kind.config) shape['config'] = kind.config;
  return entry(z.strictObject(shape));
}

const NOTHING_DEF = 'solidWithoutRunConfig';

/** Replaces the twin's per-kind entries with one per solid, in pipeline order. */
function expandSolidsJson(json: Record<string, unknown>, section: SolidsSection, kindKeys: ReadonlyMap<EntryKind | undefined, string>): void {
  const solids = objectAt(objectAt(json, 'properties'), 'solids');
  const byKind = objectAt(solids, 'properties');
  const requiredKinds = new Set(Array.isArray(solids['required']) ? (solids['required'] as string[]) : []);
  const used = new Set<unknown>();
  const properties: [string, unknown][] = [];
  const required: string[] = [];
  for (const [name, slot] of section.slots) {
    const key = kindKeys.get(slot.kind)!;
    let schema = byKind[key];
    if (slot.kind === NOTHING) {
      const defs = (json['$defs'] ??= {}) as Record<string, unknown>;
      defs[NOTHING_DEF] ??= schema;
      schema = { $ref: `#/$defs/${NOTHING_DEF}` };
    } else if (used.has(schema)) {
      schema = structuredClone(schema);
    } else {
      used.add(schema);
    }
    properties.push([name, schema]);
    if (requiredKinds.has(key)) required.push(name);
  }
  solids['properties'] = Object.fromEntries(properties);
  if (required.length > 0) solids['required'] = required;
  else delete solids['required'];
}

function objectAt(value: unknown, key: string): Record<string, unknown> {
  const found = isPlainObject(value) ? value[key] : undefined;
  return isPlainObject(found) ? found : {};
}
