import { pathToFileURL } from 'node:url';
import { assertName, describe, isKind, KIND, listNames } from './definition.ts';
import { InvalidDefinitionError } from '../errors.ts';
import { buildGraph, type CompositeNode, type GraphNode } from './graph.ts';
import { assertDistinctHookNames, hookList, type AnyHook } from './hook.ts';
import { isMode, mode as makeMode, type Mode } from './mode.ts';
import type { Preset } from './preset.ts';

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
  /**
   * Hooks of every run: step hooks watch every solid (in every mode), run hooks the run.
   * Their resources must be provided by every mode.
   */
  readonly hooks?: readonly AnyHook[];
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
  /** The pipeline's own hooks (step hooks watch every solid, run hooks the run); modes may add theirs. */
  readonly hooks: readonly AnyHook[];
  /**
   * Invocations of solids in call order, which is a topological order; a composite's solids
   * are among them, named `<composite>.<inner>`.
   */
  readonly nodes: readonly GraphNode[];
  /** Invocations of composites, inner ones (`outer.mid`) after those they are in. */
  readonly composites: readonly CompositeNode[];
  /** The module that defines it, as a file URL; workers import it. */
  readonly module: string | undefined;
  /** The solid invocation named `name` (dotted inside composites), or undefined. */
  node(name: string): GraphNode | undefined;
  /** The composite invocation named `name`, or undefined. */
  composite(name: string): CompositeNode | undefined;
}

/**
 * Defines a pipeline. Checks at once that every mode provides each resource a solid,
 * resource or hook requires, that names are unique, and that presets name known modes.
 *
 * @example
 * export const queryPipeline = pipeline({
 *   name: 'query_pipeline',
 *   modes: [mode({ name: 'local_dev', resources: { database: sqliteDatabase } })],
 *   graph: () => { generateTable1(); },
 * });
 *
 * @throws {InvalidDefinitionError} for a bad name, duplicate modes or presets, two
 *   different solids (or hooks) sharing a name, or a mode missing a resource that a
 *   solid, resource or hook requires
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
  const hooks = hookList(options.hooks, `${where}: hooks`);
  const { nodes, composites } = buildGraph(options.name, options.graph);
  checkSolidNames(nodes, composites, where);
  checkHookNames(hooks, modes, nodes, where);
  for (const m of modes) checkModeProvides(m, nodes, hooks, where);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const compositeByName = new Map(composites.map((c) => [c.name, c]));
  return Object.freeze({
    [KIND]: 'pipeline' as const,
    name: options.name,
    description: options.description,
    modes: Object.freeze([...modes]),
    presets: Object.freeze([...presets]),
    hooks,
    nodes: Object.freeze(nodes),
    composites: Object.freeze([...composites].sort(byNesting)),
    module,
    node: (name: string) => byName.get(name),
    composite: (name: string) => compositeByName.get(name),
  });
}

function assertUnique(names: readonly string[], message: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new InvalidDefinitionError(`${message} "${n}"`);
    seen.add(n);
  }
}

/**
 * Two different definitions (solids or composites) may not share a name within one
 * pipeline; copies of one (aliased, configured, with hooks) keep its function and are the same.
 */
function checkSolidNames(nodes: readonly GraphNode[], composites: readonly CompositeNode[], where: string): void {
  const byName = new Map<string, { readonly kind: string; readonly fn: unknown }>();
  const check = (name: string, kind: string, fn: unknown): void => {
    const seen = byName.get(name);
    if (seen && seen.fn !== fn) {
      const what = seen.kind === kind ? `two different ${kind}s are` : `a solid and a composite are both`;
      throw new InvalidDefinitionError(
        `${where}: ${what} named "${name}"; rename one of them (aliases rename invocations, not definitions)`,
      );
    }
    byName.set(name, { kind, fn });
  };
  for (const node of nodes) check(node.solid.name, 'solid', node.solid.compute);
  for (const c of composites) check(c.composite.name, 'composite', c.composite.graph);
}

/** Outer composites before those inside them, otherwise in call order. */
function byNesting(a: CompositeNode, b: CompositeNode): number {
  return a.first - b.first || b.end - a.end || a.name.split('.').length - b.name.split('.').length;
}

/** Events name hooks by name: two different hooks of one pipeline may not share one. */
function checkHookNames(hooks: readonly AnyHook[], modes: readonly Mode[], nodes: readonly GraphNode[], where: string): void {
  const all = new Set(hooks);
  for (const m of modes) for (const h of m.hooks) all.add(h);
  for (const node of nodes) for (const h of node.hooks) all.add(h);
  assertDistinctHookNames(all, where);
}

function checkModeProvides(m: Mode, nodes: readonly GraphNode[], hooks: readonly AnyHook[], where: string): void {
  const missing = (key: string, requirer: string): InvalidDefinitionError =>
    new InvalidDefinitionError(
      `mode "${m.name}" of ${where} has no resource "${key}", required by ${requirer}; ` +
        `it provides: ${listNames(Object.keys(m.resources))}`,
    );
  for (const node of nodes) {
    for (const key of node.solid.resources) {
      if (!Object.hasOwn(m.resources, key)) throw missing(key, `solid "${node.name}"`);
    }
    for (const h of node.hooks) {
      for (const key of h.resources) {
        if (!Object.hasOwn(m.resources, key)) throw missing(key, `hook "${h.name}" (attached to solid "${node.name}")`);
      }
    }
  }
  for (const h of hooks) {
    for (const key of h.resources) if (!Object.hasOwn(m.resources, key)) throw missing(key, `hook "${h.name}" (a hook of the pipeline)`);
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
