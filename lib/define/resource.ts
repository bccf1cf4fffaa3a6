import type { z } from 'zod';
import { assertName, assertSchema, describe, KIND } from './definition.ts';
import { InvalidDefinitionError } from '../errors.ts';
import { bindConfig, type BoundConfig } from './configured.ts';
import type { Log } from './log.ts';

/**
 * The resource types of an application, declared once by augmenting this interface:
 *
 * @example
 * declare module 'modeflow' { interface Resources { database: Database } }
 *
 * Then `resources: ['database']` types `ctx.resources.database` as `Database`, and a mode
 * accepts only a resource whose value satisfies `Database`. Undeclared keys are `unknown`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Resources {}

/** The declared type of resource key `K`, or `unknown` when `Resources` does not declare it. */
export type ResourceValue<K extends string> = K extends keyof Resources ? Resources[K] : unknown;

/** `ctx.resources` for a definition that lists resource keys `R`. */
export type ResourcesOf<R extends readonly string[]> = { readonly [K in R[number]]: ResourceValue<K> };

/** The output type of an optional config schema; `undefined` when there is none. */
export type ConfigOf<C> = C extends z.ZodType ? z.output<C> : undefined;

/** What a resource's `init` receives. */
export interface ResourceInitContext<C, R extends readonly string[]> {
  /** `resources.<key>.config` of run config, parsed by the resource's `config` schema (or its `.configured()` value). */
  readonly config: C;
  /** The resources this one declared in `resources`, initialised before it. */
  readonly resources: ResourcesOf<R>;
  /** Its records carry `resource: <key>`. */
  readonly log: Log;
  readonly runId: string;
  /** Aborts when the run is canceled: an init that waits should stop waiting. */
  readonly signal: AbortSignal;
}

/** A value, a Promise of it, or an async generator that yields it once and tears down after. */
export type ResourceInitResult<T> = T | Promise<T> | AsyncGenerator<T, unknown, unknown>;

/** What {@link resource} takes. */
export interface ResourceOptions<T, C extends z.ZodType | undefined, R extends readonly string[]> {
  /** Shown by `modeflow pipeline print` and in the scaffolded config. */
  readonly description?: string;
  /** The zod schema of `resources.<key>.config` in run config. */
  readonly config?: C;
  /** Keys of other resources this one needs; they are initialised first. */
  readonly resources?: R;
  /**
   * Makes the value: returns it, a Promise of it, or an async generator that yields it once
   * and tears it down after the yield; a value with `Symbol.asyncDispose` or
   * `Symbol.dispose` is disposed at teardown.
   */
  readonly init: (context: ResourceInitContext<ConfigOf<C>, R>) => ResourceInitResult<T>;
}

/** A resource definition: a value a mode hands to the solids that ask for it. */
export interface Resource<T = unknown> {
  readonly [KIND]: 'resource';
  readonly description: string | undefined;
  readonly config: z.ZodType | undefined;
  readonly bound: BoundConfig | undefined;
  readonly resources: readonly string[];
  readonly init: (context: ResourceInitContext<any, readonly string[]>) => ResourceInitResult<T>;
  /** Phantom: the value type, so that modes can check it against `Resources`. */
  readonly __value?: T;
  /** A copy with `config` bound; it no longer appears in run config. */
  configured(config: unknown): Resource<T>;
}

/**
 * Defines a resource: a value a mode hands to the solids that ask for it.
 * `init` may return the value, a Promise of it, or be an async generator whose code after
 * `yield` is the teardown; a value with `Symbol.asyncDispose`/`Symbol.dispose` is disposed.
 *
 * @example
 * const clock = resource({ init: () => ({ now: () => Date.now() }) });
 * mode({ name: 'test', resources: { clock } });
 *
 * @throws {InvalidDefinitionError} when `config` is not a zod schema or `init` not a function
 */
export function resource<T, C extends z.ZodType | undefined = undefined, const R extends readonly string[] = []>(
  options: ResourceOptions<T, C, R>,
): Resource<T> {
  return makeResource(options as ResourceOptions<T, z.ZodType | undefined, readonly string[]>, undefined);
}

function makeResource<T>(
  options: ResourceOptions<T, z.ZodType | undefined, readonly string[]>,
  bound: BoundConfig | undefined,
): Resource<T> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidDefinitionError(`resource() takes an options object, got ${describe(options)}`);
  }
  assertSchema(options.config, 'resource config');
  if (typeof options.init !== 'function') {
    throw new InvalidDefinitionError(`resource init must be a function, got ${describe(options.init)}`);
  }
  const deps = options.resources ?? [];
  if (!Array.isArray(deps)) throw new InvalidDefinitionError(`resource "resources" must be an array of keys`);
  for (const key of deps) assertName(key, 'resource key (in a resource\'s "resources")');
  const def: Resource<T> = {
    [KIND]: 'resource',
    description: options.description,
    config: options.config,
    bound,
    resources: Object.freeze([...deps]),
    init: options.init as Resource<T>['init'],
    configured(config: unknown) {
      return makeResource(options, bindConfig(options.config, config, 'resource'));
    },
  };
  return Object.freeze(def);
}

/** True for a resource definition (by brand, so it works across library copies). */
export function isResource(value: unknown): value is Resource {
  return typeof value === 'object' && value !== null && (value as { [KIND]?: unknown })[KIND] === 'resource';
}
