import { pathToFileURL } from 'node:url';
import { assertName, describe, isKind, KIND, listNames } from './definition.ts';
import { InvalidDefinitionError } from '../errors.ts';
import { buildGraph, type GraphNode } from './graph.ts';
import { isMode, mode as makeMode, type Mode } from './mode.ts';
import type { Preset } from './preset.ts';
import type { AnySolid } from './solid-types.ts';

/** What {@link pipeline} takes; `M` is the union of its modes' names. */
export interface PipelineOptions<M extends string = string> {
  /** The pipeline's name (`^[A-Za-z0-9_]+$`): `-p NAME` on the CLI, and how worker threads find it among its module's exports. */
  readonly name: string;
  /** Shown by `modeflow pipeline list` and `print`. */
  readonly description?: string;
  /** Deployment environments; none means one mode named `default`. */
  readonly modes?: readonly Mode<M>[];
  /** Named, ready runs (mode, run config, selection, tags); names unique within the pipeline; a preset's mode must be one of `modes`. */
  readonly presets?: readonly Preset<NoInfer<M>>[];
  /** Calls solids with output handles to wire them: `const t = a(); b({ x: t })`. */
  readonly graph: () => unknown;
  /** The module that exports this pipeline (`import.meta.url`); default: the caller's file. */
  readonly module?: string;
}

/**
 * A pipeline: a graph of solid invocations and the modes it can run in. `M` is the union
 * of its mode names, kept as literals when they are written as literals, so that
 * `execute(p, { mode: 'prdo' })` does not compile; a pipeline whose names are only known
 * as `string` is a `Pipeline` (`Pipeline<string>`), which takes any name.
 */
export interface Pipeline<M extends string = string> {
  readonly [KIND]: 'pipeline';
  readonly name: string;
  readonly description: string | undefined;
  readonly modes: readonly Mode<M>[];
  readonly presets: readonly Preset<M>[];
  /** Invocations in call order, which is a topological order. */
  readonly nodes: readonly GraphNode[];
  /** The module that defines it, as a file URL; workers import it. */
  readonly module: string | undefined;
  /** The invocation named `name`, or undefined. */
  node(name: string): GraphNode | undefined;
}

/**
 * Defines a pipeline. Checks at once that every mode provides each resource a solid or
 * resource requires, that names are unique, and that presets name known modes.
 *
 * @example
 * export const queryPipeline = pipeline({
 *   name: 'query_pipeline',
 *   modes: [mode({ name: 'local_dev', resources: { database: sqliteDatabase } })],
 *   graph: () => { generateTable1(); },
 * });
 *
 * @throws {InvalidDefinitionError} for a bad name, duplicate modes or presets, two
 *   different solids sharing a name, or a mode missing a required resource
 */
export function pipeline<M extends string = 'default'>(options: PipelineOptions<M>): Pipeline<M> {
  const module = options?.module ?? callerModule();
  if (typeof options !== 'object' || options === null) {
    throw new InvalidDefinitionError(`pipeline() takes an options object, got ${describe(options)}`);
  }
  assertName(options.name, 'pipeline');
  const where = `pipeline "${options.name}"`;
  if (typeof options.graph !== 'function') {
    throw new InvalidDefinitionError(`${where}: graph must be a function that calls solids, e.g. graph: () => { b(a()); }`);
  }
  const modes = options.modes ?? [makeMode() as Mode<string> as Mode<M>];
  if (!Array.isArray(modes) || modes.length === 0) {
    throw new InvalidDefinitionError(`${where}: modes must be a non-empty array of mode() definitions (or left out)`);
  }
  for (const m of modes) if (!isMode(m)) throw new InvalidDefinitionError(`${where}: modes holds ${describe(m)}, not a mode`);
  assertUnique(
    modes.map((m) => m.name),
    `${where}: two modes are named`,
  );
  const presets = options.presets ?? [];
  for (const p of presets)
    if (!isKind(p, 'preset')) throw new InvalidDefinitionError(`${where}: presets holds ${describe(p)}, not a preset`);
  assertUnique(
    presets.map((p) => p.name),
    `${where}: two presets are named`,
  );
  for (const p of presets) {
    if (p.mode !== undefined && !modes.some((m) => m.name === p.mode)) {
      throw new InvalidDefinitionError(
        `${where}: preset "${p.name}" names mode "${p.mode}", which the pipeline does not have; ` +
          `its modes are: ${listNames(modes.map((m) => m.name))}`,
      );
    }
  }
  const nodes = buildGraph(options.name, options.graph);
  checkSolidNames(nodes, where);
  for (const m of modes) checkModeProvides(m, nodes, where);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return Object.freeze({
    [KIND]: 'pipeline' as const,
    name: options.name,
    description: options.description,
    modes: Object.freeze([...modes]),
    presets: Object.freeze([...presets]),
    nodes: Object.freeze(nodes),
    module,
    node: (name: string) => byName.get(name),
  });
}

function assertUnique(names: readonly string[], message: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new InvalidDefinitionError(`${message} "${n}"`);
    seen.add(n);
  }
}

/** Two different solid definitions may not share a name within one pipeline. */
function checkSolidNames(nodes: readonly GraphNode[], where: string): void {
  const byName = new Map<string, AnySolid>();
  for (const node of nodes) {
    const seen = byName.get(node.solid.name);
    if (seen && seen.compute !== node.solid.compute) {
      throw new InvalidDefinitionError(
        `${where}: two different solids are named "${node.solid.name}"; rename one of them ` +
          `(aliases rename invocations, not definitions)`,
      );
    }
    byName.set(node.solid.name, node.solid);
  }
}

function checkModeProvides(m: Mode, nodes: readonly GraphNode[], where: string): void {
  const missing = (key: string, requirer: string): InvalidDefinitionError =>
    new InvalidDefinitionError(
      `mode "${m.name}" of ${where} has no resource "${key}", required by ${requirer}; ` +
        `it provides: ${listNames(Object.keys(m.resources))}`,
    );
  for (const node of nodes) {
    for (const key of node.solid.resources) {
      if (!Object.hasOwn(m.resources, key)) throw missing(key, `solid "${node.name}"`);
    }
  }
  for (const [key, r] of Object.entries(m.resources)) {
    for (const dep of r.resources) if (!Object.hasOwn(m.resources, dep)) throw missing(dep, `resource "${key}"`);
  }
}

/** The file that called pipeline(), from the stack, as a file URL. */
function callerModule(): string | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const line of stack) {
    const match = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):\d+:\d+\)?\s*$/.exec(line);
    if (!match) continue;
    const file = match[1]!;
    if (/[\\/]lib[\\/]define[\\/]pipeline\.(ts|js)$/.test(file)) continue;
    return file.startsWith('file://') ? file : pathToFileURL(file).href;
  }
  return undefined;
}

/** True for a pipeline definition. */
export function isPipeline(value: unknown): value is Pipeline {
  return isKind(value, 'pipeline');
}

/**
 * The pipelines a module exports, each once, in export order: its named exports, and the
 * values of its default export when that is a plain object — a CommonJS module's
 * `module.exports`, as `import()` gives it (a `.ts` file in a package without
 * `"type": "module"` is loaded as CommonJS). How the CLI and the worker threads find a
 * pipeline in a file.
 *
 * @example
 * const found = exportedPipelines(await import(pipeline.module!)).find((p) => p.name === 'etl');
 */
export function exportedPipelines(namespace: Readonly<Record<string, unknown>>): Pipeline[] {
  const found: Pipeline[] = [];
  const add = (value: unknown) => {
    if (isPipeline(value) && !found.includes(value)) found.push(value);
  };
  for (const value of Object.values(namespace)) add(value);
  const fallback = namespace['default'];
  if (typeof fallback === 'object' && fallback !== null && !isPipeline(fallback)) for (const value of Object.values(fallback)) add(value);
  return found;
}
