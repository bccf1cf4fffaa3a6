/**
 * Arbitraries of what definitions take — a solid's inputs, a definition's config, whole
 * run configs — made with {@link zodArbitrary} from the schemas the definitions declare.
 */
import fc from 'fast-check';
import type { z } from 'zod';
import { accepts } from '../config/config-entry.ts';
import { pickMode } from '../config/run-config-schema.ts';
import type { Pipeline } from '../define/pipeline.ts';
import type { Solid } from '../define/solid-types.ts';
import { zodArbitrary, type ZodArbitraryOptions } from './zod-arbitrary.ts';

type Schemas = Readonly<Record<string, z.ZodType>>;

/** The input values `solid`'s compute may be called with (before its schemas parse them). */
export type InputsOf<I extends Schemas> = { [K in keyof I]: z.input<I[K]> };

/**
 * An arbitrary of a solid's inputs, by name: values each input's schema accepts (an
 * optional input may be left out). For `executeSolid(solid, { inputs })`.
 *
 * @example
 * test.prop([inputsArbitrary(double)])('doubles', async (inputs) => {
 *   expect((await executeSolid(double, { inputs })).output()).toBe(inputs.n * 2);
 * });
 *
 * @throws {InvalidDefinitionError} as {@link zodArbitrary} does, for a schema it cannot generate
 */
export function inputsArbitrary<I extends Schemas>(
  solid: Solid<I, any, any, any>,
  options: ZodArbitraryOptions = {},
): fc.Arbitrary<InputsOf<I>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const [name, schema] of Object.entries(solid.inputs)) {
    model[name] = zodArbitrary(schema, options);
    if (schema._zod.optin === undefined) requiredKeys.push(name);
  }
  return fc.record(model, { requiredKeys, noNullPrototype: true }) as unknown as fc.Arbitrary<InputsOf<I>>;
}

/** Anything with a config schema: a solid, resource, logger or executor. */
export interface Configurable {
  readonly config: z.ZodType | undefined;
  /** Set by `.configured()`: the config is bound, and run config gives none. */
  readonly bound?: unknown;
}

/**
 * An arbitrary of a definition's config as run config gives it (`solids.<name>.config`,
 * `resources.<key>.config`, …): values its schema accepts, defaults left out at random.
 * `undefined` only, for a definition without config or with its config bound.
 *
 * @example
 * test.prop([configArbitrary(createTable0)])('seeds any row count', async (config) => { … });
 *
 * @throws {InvalidDefinitionError} as {@link zodArbitrary} does, for a schema it cannot generate
 */
export function configArbitrary(definition: Configurable, options: ZodArbitraryOptions = {}): fc.Arbitrary<unknown> {
  if (!definition.config || definition.bound) return fc.constant(undefined);
  return zodArbitrary(definition.config, options);
}

/** The sections of run config. */
export type RunConfigSection = 'solids' | 'resources' | 'loggers' | 'execution';

/** What {@link runConfigArbitrary} takes besides the pipeline and mode. */
export interface RunConfigArbitraryOptions extends ZodArbitraryOptions {
  /**
   * The sections to generate (default all four). `execution` picks one of the mode's
   * executors with any config it accepts — a worker pool of any size among them — so
   * leave it out for configs that are meant to run.
   */
  readonly sections?: readonly RunConfigSection[];
}

/**
 * An arbitrary of whole, valid run configs of `pipeline` in `mode` (its only mode when
 * left out): every solid's config and unconnected inputs, every resource's and logger's
 * config, and one executor with its config — for fuzzing what handles run config.
 * Entries whose config is all defaults are left out at random, as users leave them out.
 *
 * @example
 * test.prop([runConfigArbitrary(queryPipeline, 'local_dev', { sections: ['solids'] })])('…', async (runConfig) => { … });
 *
 * @throws {InvariantViolationError} for an unknown mode, or none named among several
 * @throws {InvalidDefinitionError} as {@link zodArbitrary} does, for a schema it cannot generate
 */
export function runConfigArbitrary(
  pipeline: Pipeline,
  mode?: string,
  options: RunConfigArbitraryOptions = {},
): fc.Arbitrary<Record<string, unknown>> {
  const chosen = pickMode(pipeline, mode);
  const sections = new Set(options.sections ?? ['solids', 'resources', 'loggers', 'execution']);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  if (sections.has('solids')) model['solids'] = solids(pipeline, options);
  if (sections.has('resources')) model['resources'] = entries(chosen.resources, options);
  if (sections.has('loggers')) model['loggers'] = entries(chosen.loggers, options);
  if (sections.has('execution')) {
    const one = chosen.executors.map((e) => configEntry(e, options).map((entry) => ({ [e.name]: entry ?? {} })));
    model['execution'] = fc.oneof(...one);
  }
  return fc.record(model, { noNullPrototype: true });
}

/** Run config may leave a config out when it accepts nothing, or `{}` (all defaults). */
const optional = (schema: z.ZodType): boolean => accepts(schema, undefined) || accepts(schema, {});

/** `{ config }`, or undefined when the definition takes none (the entry may then be left out). */
function configEntry(definition: Configurable, options: ZodArbitraryOptions): fc.Arbitrary<Record<string, unknown> | undefined> {
  if (!definition.config || definition.bound) return fc.constant(undefined);
  return configArbitrary(definition, options).map((config) => (config === undefined ? {} : { config }));
}

/** `{ <key>: { config } }` for resources or loggers; an entry that may be left out sometimes is. */
function entries(definitions: Readonly<Record<string, Configurable>>, options: ZodArbitraryOptions): fc.Arbitrary<unknown> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const [key, definition] of Object.entries(definitions)) {
    if (!definition.config || definition.bound) continue;
    model[key] = configEntry(definition, options);
    if (!optional(definition.config)) requiredKeys.push(key);
  }
  return fc.record(model, { requiredKeys, noNullPrototype: true });
}

/** `solids.<name>`: `config` and `inputs.<unconnected>.value`, per invocation. */
function solids(pipeline: Pipeline, options: ZodArbitraryOptions): fc.Arbitrary<unknown> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const node of pipeline.nodes) {
    const solid = node.solid;
    const entry: Record<string, fc.Arbitrary<unknown>> = {};
    const entryRequired: string[] = [];
    if (solid.config && !solid.bound) {
      entry['config'] = configArbitrary(solid, options);
      if (!optional(solid.config)) entryRequired.push('config');
    }
    const unconnected = Object.keys(solid.inputs).filter((input) => !Object.hasOwn(node.inputs, input));
    if (unconnected.length > 0) {
      const inputs: Record<string, fc.Arbitrary<unknown>> = {};
      for (const input of unconnected) inputs[input] = zodArbitrary(solid.inputs[input]!, options).map((value) => ({ value }));
      entry['inputs'] = fc.record(inputs, { noNullPrototype: true });
      entryRequired.push('inputs');
    }
    if (Object.keys(entry).length === 0) continue;
    model[node.name] = fc.record(entry, { requiredKeys: entryRequired, noNullPrototype: true });
    if (entryRequired.length > 0) requiredKeys.push(node.name);
  }
  return fc.record(model, { requiredKeys, noNullPrototype: true });
}
