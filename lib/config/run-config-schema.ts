/**
 * The zod schema of a pipeline's run config in one mode and selection, built once and
 * cached, with what resolving and the JSON Schema need besides.
 */
import { z } from 'zod';
import { configEntry, entry, strictObject } from './config-entry.ts';
import { hookResourceKeys } from '../define/attached-hooks.ts';
import { listNames } from '../define/definition.ts';
import { ownKeysOnly } from '../schema/own-keys.ts';
import { InvariantViolationError } from '../errors.ts';
import type { Mode } from '../define/mode.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { selectSolids } from './select.ts';
import { solidsParser } from './solids-config.ts';
import { solidsSection, type SolidsTree } from './solids-section.ts';

/**
 * The zod schema of a pipeline's run config in one mode (and selection). Every position of
 * the solids', resources', loggers' and executors' own schemas also accepts `{ env: NAME }`,
 * read from `process.env` when parsed, and every `z.object` in them refuses unknown keys
 * (`z.looseObject`, `.catchall()` and `z.record` take them). Its `solids` output holds an
 * entry for each solid given, and for each selected solid with config or unconnected
 * inputs (defaults applied). Zod reports an object's unknown keys as one issue whose
 * message has a line per key; `execute` reports one issue per key.
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

// ---------------------------------------------------------------------------------------
// Mode and cache

/** The mode named `modeName`, or the pipeline's only mode when none is named. */
export function pickMode(pipeline: Pipeline, modeName: string | undefined): Mode {
  const names = listNames(pipeline.modes.map((m) => m.name));
  if (modeName === undefined) {
    if (pipeline.modes.length === 1) return pipeline.modes[0]!;
    throw new InvariantViolationError(`pipeline "${pipeline.name}" has several modes; choose one of: ${names}`);
  }
  const found = pipeline.modes.find((m) => m.name === modeName);
  if (!found) throw new InvariantViolationError(`pipeline "${pipeline.name}" has no mode "${modeName}"; its modes are: ${names}`);
  return found;
}

/** The run config schema of one pipeline, mode and selection, and what resolving reads beside it. */
export interface Built {
  readonly schema: z.ZodType;
  readonly solids: SolidsTree;
  /** The other sections of `schema`, for the JSON Schema twin. */
  readonly sections: { readonly resources: z.ZodType; readonly loggers: z.ZodType; readonly execution: z.ZodType };
  readonly neededResources: ReadonlySet<string>;
  /** Each resource's entry, to read the defaults of an entry left out. */
  readonly resourceEntries: ReadonlyMap<string, z.ZodType>;
  /** Each executor's entry, to read its defaults when `execution` names none. */
  readonly executorEntries: ReadonlyMap<string, z.ZodType>;
}

const cache = new WeakMap<Pipeline, WeakMap<Mode, Map<string, Built>>>();

/** The cached {@link Built} for a pipeline, mode and selection; built on first use. */
export function builtFor(pipeline: Pipeline, mode: Mode, selection: ReadonlySet<string> | undefined): Built {
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
  hookResourceKeys(pipeline, mode, selection).forEach(need);

  const resources: Record<string, z.ZodType> = {};
  const resourceEntries = new Map<string, z.ZodType>();
  for (const [key, r] of Object.entries(mode.resources)) {
    const obj = configEntry(r, `resources.${key}`, `resource "${key}"`, { teardownTimeoutMs: teardownTimeoutSchema(key) });
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

  // Keyed by user names, which may be `constructor` or `toString`: read own keys only.
  const sections = {
    resources: entry(
      ownKeysOnly(
        strictObject(resources, (k) => `unknown resource "${k}"; mode "${mode.name}" has: ${listNames(Object.keys(mode.resources))}`),
      ),
    ),
    loggers: entry(
      ownKeysOnly(strictObject(loggers, (k) => `unknown logger "${k}"; mode "${mode.name}" has: ${listNames(Object.keys(mode.loggers))}`)),
    ),
    execution: entry(ownKeysOnly(executionObject, executorNames)),
  };
  const schema = runConfigObject({ solids: solidsParser(solids), ...sections });
  return { schema, solids, sections, neededResources, resourceEntries, executorEntries };
}

/** How long a resource's teardown may take before the run gives up on it (DESIGN: 30 s). */
export const DEFAULT_TEARDOWN_TIMEOUT_MS = 30_000;

/** `resources.<key>.teardownTimeoutMs`, beside the resource's `config`. */
function teardownTimeoutSchema(key: string): z.ZodType {
  return z
    .number()
    .int()
    .min(1)
    .default(DEFAULT_TEARDOWN_TIMEOUT_MS)
    .describe(`ms resource "${key}" may take to tear down; past that the run goes on without it and fails`);
}

/** The top-level run config object around its four sections; left out (or `null`) it is `{}`. */
export function runConfigObject(shape: { solids: z.ZodType; resources: z.ZodType; loggers: z.ZodType; execution: z.ZodType }): z.ZodType {
  return z.preprocess(
    (v) => v ?? {},
    strictObject(shape, (k) => `unknown key "${k}" in run config; valid: "solids", "resources", "loggers", "execution"`),
  );
}
