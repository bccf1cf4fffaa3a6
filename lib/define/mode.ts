import { assertName, describe, isKind, KIND, listNames } from './definition.ts';
import { InvalidDefinitionError, ModeflowError } from '../errors.ts';
import { isExecutor, type Executor } from './executor.ts';
import { isPlainObject } from '../support/deep-merge.ts';
import { isLogger, type Logger } from './logger.ts';
import { isResource, resource, type Resource, type Resources } from './resource.ts';

/** Resource definitions keyed by resource key; declared keys must give their declared type. */
export type ModeResources<R> = {
  readonly [K in keyof R]: K extends keyof Resources ? Resource<Resources[K]> : Resource<unknown>;
};

/** What {@link mode} takes. */
export interface ModeOptions<R extends Record<string, Resource<any>>, N extends string = string> {
  /** Default `default`. A literal name is kept in the mode's type (see {@link Mode}). */
  readonly name?: N;
  /** Shown by `modeflow pipeline print`. */
  readonly description?: string;
  /** Resource definitions by key: what solids that declare the key get in `ctx.resources`. */
  readonly resources?: R & ModeResources<R>;
  /** Logger sinks by key; default `{ console: consoleLogger }`. */
  readonly loggers?: Readonly<Record<string, Logger>>;
  /** Executors the mode allows; the first is the default (default: `defaultExecutors`, sync first). */
  readonly executors?: readonly Executor[];
}

/**
 * A mode: a deployment environment of a pipeline. `N` is its name as a string literal
 * when written as one (`mode({ name: 'prod' })` is a `Mode<'prod'>`), so that a pipeline
 * knows its mode names at compile time.
 */
export interface Mode<N extends string = string> {
  readonly [KIND]: 'mode';
  readonly name: N;
  readonly description: string | undefined;
  readonly resources: Readonly<Record<string, Resource>>;
  readonly loggers: Readonly<Record<string, Logger>>;
  readonly executors: readonly Executor[];
}

/** What a mode gets for what it leaves out: the built-ins, made from definitions in modes/. */
export interface ModeDefaults {
  /** When it names no executors; the first is the default. */
  readonly executors: readonly Executor[];
  /** When it names no loggers. */
  readonly loggers: Readonly<Record<string, Logger>>;
}

let defaults: ModeDefaults | undefined;

/**
 * Sets what modes default to. The built-ins are made from these definitions (modes/
 * imports lib/define/), so they cannot be imported here: modeflow's entries set them
 * once, when they load (lib/built-ins.ts), before any user code defines a mode.
 */
export function setModeDefaults(given: ModeDefaults): void {
  defaults = given;
}

function modeDefaults(): ModeDefaults {
  if (!defaults) {
    throw new ModeflowError(
      "mode() has no default executors and loggers: they are set when modeflow's entry loads; " +
        "import mode() and pipeline() from 'modeflow' (lib/index.ts), not from the file that defines them",
    );
  }
  return defaults;
}

/**
 * Defines a mode: the resources solids use, the logger sinks, and the executors a run
 * may use, for one deployment environment (`local_dev`, `prod`, `test`).
 *
 * @example
 * mode({ name: 'local_dev', resources: { database: sqliteDatabase } });
 *
 * @throws {InvalidDefinitionError} for a bad name or key, a value that is not a resource,
 *   logger or executor, duplicate executor names, or a cycle among the resources
 */
function modeFactory<R extends Record<string, Resource<any>> = {}, const N extends string = 'default'>(
  options: ModeOptions<R, N> = {},
): Mode<N> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidDefinitionError(`mode() takes an options object, got ${describe(options)}`);
  }
  const name = (options.name ?? 'default') as N;
  assertName(name, 'mode');
  const where = `mode "${name}"`;
  const resources = checkMembers(
    options.resources ?? {},
    isResource,
    `${where}: resource`,
    'resource definition',
    'wrap plain values with hardcodedResource(value) or use mode.fromResources({ ... })',
  );
  const loggers = checkMembers(
    options.loggers ?? modeDefaults().loggers,
    isLogger,
    `${where}: logger`,
    'logger definition',
    'define sinks with logger({ init })',
  );
  const executors = options.executors ?? modeDefaults().executors;
  if (!Array.isArray(executors) || executors.length === 0) {
    throw new InvalidDefinitionError(`${where}: executors must be a non-empty array of executors`);
  }
  const seen = new Set<string>();
  for (const e of executors) {
    if (!isExecutor(e)) throw new InvalidDefinitionError(`${where}: executors holds ${describe(e)}, not an executor`);
    if (seen.has(e.name)) throw new InvalidDefinitionError(`${where}: two executors are named "${e.name}"`);
    seen.add(e.name);
  }
  checkResourceCycles(resources, where);
  return Object.freeze({
    [KIND]: 'mode' as const,
    name,
    description: options.description,
    resources,
    loggers,
    executors: Object.freeze([...executors]),
  });
}

function checkMembers<T>(
  members: Readonly<Record<string, unknown>>,
  is: (value: unknown) => value is T,
  what: string,
  expected: string,
  hint: string,
): Readonly<Record<string, T>> {
  if (typeof members !== 'object' || members === null || Array.isArray(members)) {
    throw new InvalidDefinitionError(`${what}s must be an object keyed by name`);
  }
  if (!isPlainObject(members)) {
    // `{ __proto__: r }` sets the prototype: the would-be key is silently gone.
    throw new InvalidDefinitionError(
      `${what}s must be a plain object keyed by name (a key "__proto__" sets its prototype; "__proto__" cannot be a key)`,
    );
  }
  for (const [key, value] of Object.entries(members)) {
    assertName(key, `${what} key`);
    if (!is(value)) throw new InvalidDefinitionError(`${what} "${key}" is ${describe(value)}, not a ${expected}; ${hint}`);
  }
  // No prototype: a key such as `constructor` or `toString` is only there when given.
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, members));
}

function checkResourceCycles(resources: Readonly<Record<string, Resource>>, where: string): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string, path: string[]): void => {
    const mark = state.get(key);
    if (mark === 'done') return;
    if (mark === 'visiting') {
      const cycle = [...path.slice(path.indexOf(key)), key];
      throw new InvalidDefinitionError(`${where}: resources depend on each other in a cycle: ${cycle.join(' → ')}`);
    }
    state.set(key, 'visiting');
    for (const dep of resources[key]?.resources ?? []) visit(dep, [...path, key]);
    state.set(key, 'done');
  };
  for (const key of Object.keys(resources)) visit(key, []);
}

/**
 * Wraps plain values as hardcoded resources: `mode.fromResources({ database: db }, 'test')`.
 */
function fromResources<const N extends string = 'default'>(values: Readonly<Record<string, unknown>>, name?: N): Mode<N> {
  const resources = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, isResource(value) ? value : resource({ init: () => value })]),
  );
  return modeFactory({ ...(name === undefined ? {} : { name }), resources } as ModeOptions<Record<string, Resource>, N>);
}

/** Defines a mode; see {@link modeFactory}. `mode.fromResources(values, name?)` wraps plain values. */
export const mode: typeof modeFactory & { fromResources: typeof fromResources } = Object.assign(modeFactory, {
  fromResources,
});

/** True for a mode definition. */
export function isMode(value: unknown): value is Mode {
  return isKind(value, 'mode');
}

/** The provided keys, for error messages. */
export function providedKeys(m: Mode): string {
  return listNames(Object.keys(m.resources));
}
