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
import type { EnvSources } from '../define/step-request.ts';
import type { Mode } from '../define/mode.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { optionalConfig } from './config-entry.ts';
import { boundSolidConfig } from './bound-config.ts';
import { entryWhere } from './solids-section.ts';
import { makeRedactor, type Redactor } from './redact.ts';

/** The env sources of one run: per solid (config, inputs) and the resources'. */
export interface RunEnvSources {
  readonly solids: ReadonlyMap<string, Pick<EnvSources, 'config' | 'inputs'>>;
  readonly resourceConfigs: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Which config positions of a run hold `{ env: NAME }` references, as written: in run
 * config (`raw`) and in `.configured()` bindings. Undefined when none does.
 */
export function findEnvSources(
  pipeline: Pipeline,
  mode: Mode,
  raw: unknown,
  selection: ReadonlySet<string> | undefined,
): RunEnvSources | undefined {
  const given = isPlainObject(raw) ? raw : {};
  const solids = new Map<string, Pick<EnvSources, 'config' | 'inputs'>>();
  const givenSolids = isPlainObject(given['solids']) ? given['solids'] : {};
  for (const node of pipeline.nodes) {
    if (selection && !selection.has(node.name)) continue;
    const entry = Object.hasOwn(givenSolids, node.name) ? givenSolids[node.name] : undefined;
    const written = node.solid.bound ? node.solid.bound.value : isPlainObject(entry) ? entry['config'] : undefined;
    const sources: { config?: { written: unknown }; inputs?: Record<string, unknown> } = {};
    if (containsEnvRef(written)) sources.config = { written };
    const inputs = isPlainObject(entry) && isPlainObject(entry['inputs']) ? entry['inputs'] : {};
    for (const [name, input] of Object.entries(inputs)) {
      if (!Object.hasOwn(node.solid.inputs, name) || !isPlainObject(input) || !containsEnvRef(input['value'])) continue;
      (sources.inputs ??= Object.create(null) as Record<string, unknown>)[name] = input['value'];
    }
    if (sources.config || sources.inputs) solids.set(node.name, Object.freeze(sources));
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
 * value that fails its schema is an issue. For the host of a step sent without the values
 * its process read. Positions without references are taken as sent.
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
  if (sources.config) {
    const path = [...entryWhere(step.solid).split('.'), 'config'];
    // A bound solid keeps no schema: its value is resolved by hand and checked by configured().
    if (node?.solid.bound) config = withEnvSource({ env, secrets }, () => boundSolidConfig(node, entryWhere(step.solid), issues));
    else config = parse(node?.solid.config && optionalConfig(node.solid.config), sources.config.written, path);
  }
  let inputs = step.inputs;
  if (sources.inputs) {
    const resolved: Record<string, unknown> = { ...step.inputs };
    for (const [name, written] of Object.entries(sources.inputs)) {
      resolved[name] = parse(node?.solid.inputs[name], written, [...entryWhere(step.solid).split('.'), 'inputs', name, 'value']);
    }
    inputs = resolved;
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
