/** Resolving run config: validated, env read, defaults and `.configured()` bindings applied. */
import type { z } from 'zod';
import { configIssues } from '../schema/config-issues.ts';
import { isPlainObject } from '../support/deep-merge.ts';
import { withEnv, withEnvSource } from '../schema/env-schema.ts';
import { InvalidConfigError, type ConfigIssue } from '../errors.ts';
import { jsonSafe } from '../events/json-safe.ts';
import { parseConfig } from '../schema/parse-config.ts';
import type { Executor } from '../define/executor.ts';
import type { LevelName } from '../define/log.ts';
import type { Mode } from '../define/mode.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { builtFor, DEFAULT_TEARDOWN_TIMEOUT_MS, type Built } from './run-config-schema.ts';
import type { SolidsSection, SolidsTree } from './solids-section.ts';
import { boundSolidConfig, parseBound } from './bound-config.ts';
import { findEnvSources, type RunEnvSources } from './env-sources.ts';
import { isInputUnconnected } from './select.ts';
import { checkCodeInputs, codeInputKeys, withInputsInCode, type CheckedInputs, type CodeInputs } from './code-inputs.ts';

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
  /**
   * Per resource key of the mode: the parsed config (undefined when the resource has none),
   * and how long its teardown may take (`teardownTimeoutMs`, default 30 s).
   */
  readonly resources: Readonly<Record<string, { readonly config: unknown; readonly teardownTimeoutMs: number }>>;
  /** Per logger key of the mode: parsed config, always has `level`. */
  readonly loggers: Readonly<Record<string, { readonly config: { readonly level: LevelName } & Record<string, unknown> }>>;
  /** The chosen executor and its parsed config. */
  readonly execution: { readonly executor: Executor; readonly config: unknown };
  /** Every string value read from `{ env: NAME }` sources (to redact from events and logs). */
  readonly secrets: readonly string[];
  /**
   * Where `{ env: NAME }` references were written (solid config and inputs, resource
   * config), for executors that resolve them where steps run; undefined when no value
   * was read from the environment.
   */
  readonly envSources: RunEnvSources | undefined;
  /**
   * The raw run config as given, with each `{ env: NAME }` left as is (safe to show: it holds
   * names, not values), as a JSON-safe copy when it needs one (see json-safe.ts). Inputs
   * given in code (`RunOptions.inputs`) add `inputs: { [solid]: [input, …] }`: their names,
   * never their values.
   */
  readonly shown: unknown;
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
  inputs?: CodeInputs,
): ResolvedRunConfig {
  const built = builtFor(pipeline, mode, selection);
  const issues: ConfigIssue[] = [];
  const secrets = new Set<string>();
  return withEnvSource({ env, secrets }, () => {
    // Keep 4 keys: a value nested too deeply is reported at `resources.<key>.config.<field>`.
    const codeKeys = codeInputKeys(inputs);
    const parsed = withInputsInCode(codeKeys, () => parseConfig(built.schema, raw, 4));
    if (!parsed.success) issues.push(...configIssues(parsed.issues, []));
    const data = (parsed.success ? parsed.data : {}) as ParsedRunConfig;
    const inCode = inputs === undefined ? undefined : checkCodeInputs(pipeline, inputs, selection, issues);
    const solids = resolveSolids(built.solids, selection, data, issues, inCode);

    const resources: Record<string, { config: unknown; teardownTimeoutMs: number }> = {};
    for (const [key, r] of Object.entries(mode.resources)) {
      const path = ['resources', key, 'config'];
      const needed = built.neededResources.has(key);
      const given =
        data.resources && Object.hasOwn(data.resources, key) ? data.resources[key] : quietParse(built.resourceEntries.get(key)!, {});
      let config: unknown;
      if (r.bound && r.config) config = parseBound(withEnv(r.config), r.bound.value, path, needed ? issues : []);
      else config = given?.config;
      resources[key] = Object.freeze({ config, teardownTimeoutMs: given?.teardownTimeoutMs ?? DEFAULT_TEARDOWN_TIMEOUT_MS });
    }

    const loggers: Record<string, { config: { level: LevelName } & Record<string, unknown> }> = {};
    for (const [key, l] of Object.entries(mode.loggers)) {
      const config = l.bound
        ? parseBound(withEnv(l.config), l.bound.value, ['loggers', key, 'config'], issues)
        : data.loggers?.[key]?.config;
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
      // Looked for only when something was read: runs without secrets pay nothing.
      envSources: secrets.size > 0 ? findEnvSources(pipeline, mode, raw, selection, codeKeys) : undefined,
      shown: jsonSafe(inCode ? { ...(raw as object | undefined), inputs: inCode.names } : (raw ?? {})),
    });
  });
}

/** The output of the run config schema, as far as resolving reads it. */
interface ParsedRunConfig {
  readonly solids?: Readonly<Record<string, GivenSolid | undefined>>;
  readonly resources?: Readonly<Record<string, { config?: unknown; teardownTimeoutMs?: number } | undefined>>;
  readonly loggers?: Readonly<Record<string, { config?: unknown } | undefined>>;
  readonly execution?: Readonly<Record<string, { config?: unknown } | undefined>>;
}

interface GivenSolid {
  readonly config?: unknown;
  readonly inputs?: Record<string, { value?: unknown } | undefined>;
  /** A composite's solids. */
  readonly solids?: Readonly<Record<string, GivenSolid | undefined>>;
}

/**
 * Entries for the selected solids the parse kept (given or configurable), keyed by dotted
 * invocation name, in pipeline order, with the inputs given in code in place of run
 * config's; a solid fed by an unwired composite input takes that input's value.
 */
function resolveSolids(
  tree: SolidsTree,
  selection: ReadonlySet<string> | undefined,
  data: ParsedRunConfig,
  issues: ConfigIssue[],
  inCode: CheckedInputs | undefined,
): ResolvedRunConfig['solids'] {
  // Bound config is checked even when the schema failed, so every problem shows at once.
  const bound = new Map<string, unknown>();
  for (const slot of tree.bound) bound.set(slot.node.name, boundSolidConfig(slot.node, slot.where, issues));
  const entries: [string, ResolvedRunConfig['solids'][string]][] = [];
  const compositeInputs = new Map<string, unknown>();
  const walk = (section: SolidsSection, given: Readonly<Record<string, GivenSolid | undefined>> | undefined): void => {
    for (const [name, entry] of Object.entries(given ?? {})) {
      const slot = section.slots.get(name);
      if (!slot?.kind) continue; // outside the selection
      if (slot.type === 'composite') {
        const fromCode = inCode?.values.get(slot.group.name);
        for (const input of slot.kind.inputs) {
          const value = fromCode?.has(input.name) ? fromCode.get(input.name) : entry?.inputs?.[input.name]?.value;
          compositeInputs.set(`${slot.group.name}.${input.name}`, value);
        }
        walk(slot.kind.children, entry?.solids);
        continue;
      }
      const node = slot.node;
      const inputs: Record<string, unknown> = {};
      const fromCode = inCode?.values.get(node.name);
      for (const input of slot.kind.inputs) {
        inputs[input.name] = fromCode?.has(input.name) ? fromCode.get(input.name) : entry?.inputs?.[input.name]?.value;
      }
      for (const [input, from] of Object.entries(node.fromComposite))
        inputs[input] = compositeInputs.get(`${from.composite}.${from.input}`);
      // Wired through a composite's input from outside the selection: that input's value
      // (a collect() of it gathers that one value).
      for (const input in node.viaComposite) {
        if (!isInputUnconnected(node, input, selection)) continue;
        const via = node.viaComposite[input]!;
        const value = compositeInputs.get(`${via.composite}.${via.input}`);
        inputs[input] = node.inputs[input]!.collected && value !== undefined ? [value] : value;
      }
      const config = node.solid.bound ? bound.get(node.name) : entry?.config;
      entries.push([node.name, Object.freeze({ config, inputs: Object.freeze(inputs) })]);
    }
  };
  walk(tree, data.solids);
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
  else if (data.execution && Object.hasOwn(data.execution, executor.name)) config = data.execution[executor.name]?.config;
  else if (names.length === 0) {
    const parsed = built.executorEntries.get(executor.name)!.safeParse({});
    if (parsed.success) config = (parsed.data as { config?: unknown }).config;
    else issues.push(...configIssues(parsed.error.issues, ['execution', executor.name]));
  }
  return Object.freeze({ executor, config });
}

function quietParse(schema: z.ZodType, value: unknown): { config?: unknown; teardownTimeoutMs?: number } | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? (parsed.data as { config?: unknown; teardownTimeoutMs?: number }) : undefined;
}
