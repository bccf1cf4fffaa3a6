/**
 * `{ env: NAME }` config for steps that run on other machines. The run's process reads
 * every reference when the run starts (to check the config), but an executor that sends
 * steps through a shared store (the queue executor, through Redis) must not carry the
 * values it read: it sends the positions that held references as written, and the step's
 * host resolves them from its own environment ({@link resolveEnvSources}).
 */
import { z } from 'zod';
import { isPlainObject } from '../support/deep-merge.ts';
import { containsEnvRef } from '../schema/env-ref.ts';
import { withEnv, withEnvSource } from '../schema/env-schema.ts';
import { parseConfig } from '../schema/parse-config.ts';
import { configIssues } from '../schema/config-issues.ts';
import { InvalidConfigError, type ConfigIssue } from '../errors.ts';
import type { CompositeEnvInput, EnvSources, MappedEnvSource } from '../define/step-request.ts';
import type { CompositeNode, GraphNode } from '../define/graph.ts';
import type { Mode } from '../define/mode.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { optionalConfig } from './config-entry.ts';
import { boundSolidConfig } from './bound-config.ts';
import { entryWhere, feedingCompositeInput } from './solids-section.ts';
import { isInputUnconnected } from './select.ts';
import { mappedEntry } from './mapped-entry.ts';
import { makeRedactor, type Redactor } from './redact.ts';

/** The env sources of one run: per solid (config, inputs) and the resources'. */
export interface RunEnvSources {
  readonly solids: ReadonlyMap<string, Omit<EnvSources, 'resourceConfigs'>>;
  readonly resourceConfigs: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Which config positions of a run hold `{ env: NAME }` references, as written: in run
 * config (`raw`) and in `.configured()` bindings, at any depth of composites (see
 * `EnvSources`). Inputs given in code (`inCode`, `solid\0input` keys) are not run config's.
 * Undefined when none does.
 */
export function findEnvSources(
  pipeline: Pipeline,
  mode: Mode,
  raw: unknown,
  selection: ReadonlySet<string> | undefined,
  inCode?: ReadonlySet<string>,
): RunEnvSources | undefined {
  const given = isPlainObject(raw) ? raw : {};
  const solids = new Map<string, Omit<EnvSources, 'resourceConfigs'>>();
  const groups = compositesOf(pipeline);
  const byCode = (node: GraphNode, input: string) => inCode !== undefined && inCode.has(`${node.name}\0${input}`);
  const givenSolids = isPlainObject(given['solids']) ? given['solids'] : {};
  for (const node of pipeline.nodes) {
    if (selection && !selection.has(node.name)) continue;
    let sources: Found | undefined;
    const root = node.composite === undefined ? undefined : mappingRoot(groups, node.composite);
    // Most solids sit at the top: their entry is looked up directly (a big pipeline has many).
    const entry =
      node.composite === undefined
        ? Object.hasOwn(givenSolids, node.name) && isPlainObject(givenSolids[node.name])
          ? (givenSolids[node.name] as Record<string, unknown>)
          : undefined
        : root
          ? undefined
          : entryAt(given, node.name);
    const written = node.solid.bound ? node.solid.bound.value : entry?.['config'];
    if (containsEnvRef(written)) (sources ??= {}).config = { written };
    if (root && mappedReadsEnv(groups, root, node, given)) {
      // Its own unconnected inputs, and those a composite below the root feeds it (the mapping gives that composite's).
      const inputs = Object.keys(node.solid.inputs).filter((input) => {
        const from = feedingCompositeInput(node, input, selection);
        if (from) return from.composite !== root.name && from.composite.startsWith(`${root.name}.`);
        return isInputUnconnected(node, input, selection) && !byCode(node, input);
      });
      const config = root.composite.bound ? undefined : entryAt(given, root.name)?.['config'];
      const gives = node.solid.config !== undefined && !node.solid.bound;
      (sources ??= {}).mapped = Object.freeze({ composite: root.name, written: config, config: gives, inputs: Object.freeze(inputs) });
    }
    if (entry && isPlainObject(entry['inputs'])) {
      for (const [name, input] of Object.entries(entry['inputs'])) {
        if (!Object.hasOwn(node.solid.inputs, name) || !isPlainObject(input) || !containsEnvRef(input['value'])) continue;
        if (feedingCompositeInput(node, name, selection) || byCode(node, name)) continue;
        ((sources ??= {}).inputs ??= Object.create(null) as Record<string, unknown>)[name] = input['value'];
      }
    }
    // Inputs a composite's input feeds: unwired ones, and wires from outside the selection.
    for (const name in node.solid.inputs) {
      const from = feedingCompositeInput(node, name, selection);
      if (!from || (inCode !== undefined && inCode.has(`${from.composite}\0${from.input}`))) continue;
      const value = valueOf(entryAt(given, from.composite)?.['inputs'], from.input);
      if (!containsEnvRef(value)) continue;
      const source: CompositeEnvInput = Object.freeze({ composite: from.composite, input: from.input, written: value });
      ((sources ??= {}).compositeInputs ??= Object.create(null) as Record<string, CompositeEnvInput>)[name] = source;
    }
    if (sources) solids.set(node.name, Object.freeze(sources));
  }
  let resourceConfigs: Record<string, unknown> | undefined;
  const givenResources = isPlainObject(given['resources']) ? given['resources'] : {};
  for (const [key, r] of Object.entries(mode.resources)) {
    const entry = Object.hasOwn(givenResources, key) ? givenResources[key] : undefined;
    const written = r.bound ? r.bound.value : isPlainObject(entry) ? entry['config'] : undefined;
    if (containsEnvRef(written)) (resourceConfigs ??= Object.create(null) as Record<string, unknown>)[key] = written;
  }
  if (solids.size === 0 && !resourceConfigs) return undefined;
  return { solids, resourceConfigs };
}

/** A solid's env sources while they are found. */
interface Found {
  config?: { readonly written: unknown };
  inputs?: Record<string, unknown>;
  compositeInputs?: Record<string, CompositeEnvInput>;
  mapped?: MappedEnvSource;
}

/** The entry of invocation `name` (dotted inside composites) in run config, when given as an object. */
function entryAt(given: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  let level: unknown = given['solids'];
  let entry: unknown;
  for (const part of name.split('.')) {
    if (!isPlainObject(level) || !Object.hasOwn(level, part)) return undefined;
    entry = level[part];
    level = isPlainObject(entry) ? entry['solids'] : undefined;
  }
  return isPlainObject(entry) ? entry : undefined;
}

/** `inputs.<input>.value` of an entry's `inputs`. */
function valueOf(inputs: unknown, input: string): unknown {
  if (!isPlainObject(inputs) || !Object.hasOwn(inputs, input)) return undefined;
  const given = inputs[input];
  return isPlainObject(given) ? given['value'] : undefined;
}

/** A pipeline's composite invocations by name (made once per pipeline). */
const compositeIndex = new WeakMap<Pipeline, ReadonlyMap<string, CompositeNode>>();

function compositesOf(pipeline: Pipeline): ReadonlyMap<string, CompositeNode> {
  let found = compositeIndex.get(pipeline);
  if (!found) compositeIndex.set(pipeline, (found = new Map(pipeline.composites.map((g) => [g.name, g]))));
  return found;
}

/** The outermost composite around `composite` (itself included) that maps config onto its solids. */
function mappingRoot(groups: ReadonlyMap<string, CompositeNode>, composite: string): CompositeNode | undefined {
  let root: CompositeNode | undefined;
  for (let at: string | undefined = composite; at !== undefined;) {
    const group: CompositeNode = groups.get(at)!;
    if (group.composite.configMapping) root = group;
    at = group.parent;
  }
  return root;
}

/**
 * Whether what `root`'s mapping gives `node` may hold a value read from the environment:
 * `{ env: NAME }` in the root's config (given or bound), or in a `.configured()` config
 * of a composite below it on the way to the node.
 */
function mappedReadsEnv(
  groups: ReadonlyMap<string, CompositeNode>,
  root: CompositeNode,
  node: GraphNode,
  given: Record<string, unknown>,
): boolean {
  if (containsEnvRef(root.composite.bound ? root.composite.bound.value : entryAt(given, root.name)?.['config'])) return true;
  for (let at = node.composite; at !== undefined && at !== root.name;) {
    const group = groups.get(at)!;
    if (group.composite.bound && containsEnvRef(group.composite.bound.value)) return true;
    at = group.parent;
  }
  return false;
}

/** What a step reads of its config, with the `{ env: NAME }` positions resolved here. */
export interface ResolvedEnvSources {
  /** The solid's config. */
  readonly config: unknown;
  /** Its inputs. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Every resource's config, by key. */
  readonly resourceConfigs: Readonly<Record<string, unknown>>;
  /** Hides the values read here, as the run hides its own (see the run's redaction). */
  readonly redact: Redactor;
}

/** A step as its host receives it: what it was sent, and the positions left to resolve. */
export interface EnvSourcedStep {
  readonly mode: string;
  readonly solid: string;
  readonly config: unknown;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly resourceConfigs: Readonly<Record<string, unknown>>;
  readonly envSources?: EnvSources | undefined;
}

/**
 * Resolves a step's `envSources` (see `StepRequest.envSources`) from `env`, with the
 * schemas of the solid, its inputs and the mode's resources, as the run's process resolved
 * them at run start: the same defaults and transforms apply, and an unset variable or a
 * value that fails its schema is an issue. Inside composites, a composite's own input is
 * read with the composite's schema, and a solid configured by a composite's
 * `configMapping` has the mappings run again from the config read here. For the host of a
 * step sent without the values its process read. Positions without references are taken
 * as sent.
 *
 * @example
 * const { config, resourceConfigs, redact } = resolveEnvSources(pipeline, request);
 *
 * @throws {InvalidConfigError} listing what could not be resolved here, at run-config paths
 *   (`['resources', 'database', 'config', 'password']`), each message saying it was read
 *   where the step runs
 */
export function resolveEnvSources(pipeline: Pipeline, step: EnvSourcedStep, env: NodeJS.ProcessEnv = process.env): ResolvedEnvSources {
  const sources = step.envSources;
  if (!sources) return { config: step.config, inputs: step.inputs, resourceConfigs: step.resourceConfigs, redact: makeRedactor([]) };
  const node = pipeline.node(step.solid);
  const mode = pipeline.modes.find((m) => m.name === step.mode);
  const issues: ConfigIssue[] = [];
  const secrets = new Set<string>();
  const parse = (schema: Parameters<typeof withEnv>[0] | undefined, value: unknown, path: (string | number)[]): unknown =>
    withEnvSource({ env, secrets }, () => {
      const parsed = parseConfig(schema ? withEnv(schema) : withEnv(z.unknown()), value, 1);
      if (parsed.success) return parsed.data;
      issues.push(...configIssues(parsed.issues, path));
      return undefined;
    });
  let config = step.config;
  let inputs = step.inputs;
  const resolvedInputs = (): Record<string, unknown> =>
    (inputs === step.inputs ? (inputs = { ...step.inputs }) : inputs) as Record<string, unknown>;
  if (sources.config) {
    const path = [...entryWhere(step.solid).split('.'), 'config'];
    // A bound solid keeps no schema: its value is resolved by hand and checked by configured().
    if (node?.solid.bound) config = withEnvSource({ env, secrets }, () => boundSolidConfig(node, entryWhere(step.solid), issues));
    else config = parse(node?.solid.config && optionalConfig(node.solid.config), sources.config.written, path);
  }
  if (sources.mapped && node) {
    const entry = mappedEntry(compositesOf(pipeline), node, sources.mapped, parse, issues);
    if (entry) {
      if (sources.mapped.config) config = entry.config;
      for (const name of sources.mapped.inputs) resolvedInputs()[name] = entry.inputs[name];
    }
  }
  if (sources.inputs) {
    for (const [name, written] of Object.entries(sources.inputs)) {
      resolvedInputs()[name] = parse(node?.solid.inputs[name], written, [...entryWhere(step.solid).split('.'), 'inputs', name, 'value']);
    }
  }
  if (sources.compositeInputs) {
    for (const [name, from] of Object.entries(sources.compositeInputs)) {
      const schema = compositesOf(pipeline).get(from.composite)?.composite.inputs[from.input];
      resolvedInputs()[name] = parse(schema, from.written, [...entryWhere(from.composite).split('.'), 'inputs', from.input, 'value']);
    }
  }
  let resourceConfigs = step.resourceConfigs;
  if (sources.resourceConfigs) {
    const resolved: Record<string, unknown> = { ...step.resourceConfigs };
    for (const [key, written] of Object.entries(sources.resourceConfigs)) {
      const schema = mode?.resources[key]?.config;
      resolved[key] = parse(schema && optionalConfig(schema), written, ['resources', key, 'config']);
    }
    resourceConfigs = resolved;
  }
  if (issues.length > 0) {
    throw new InvalidConfigError(issues.map((i) => ({ ...i, message: `${i.message} (read where the step runs)` })));
  }
  return { config, inputs, resourceConfigs, redact: makeRedactor([...secrets]) };
}
