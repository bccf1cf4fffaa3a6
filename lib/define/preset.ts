import { assertName, describe, KIND } from './definition.ts';
import { InvalidDefinitionError } from '../errors.ts';
import { isPlainObject } from '../support/deep-merge.ts';

/** What {@link preset} takes. */
export interface PresetOptions<M extends string = string> {
  /** How a run names it: `execute(p, { preset: name })`, `--preset NAME`. */
  readonly name: string;
  /** The mode to run in; must be one of the pipeline's (a literal name is checked at compile time). */
  readonly mode?: M;
  /** Run config; a run's own `runConfig` is deep-merged over it (the run's wins). */
  readonly runConfig?: Readonly<Record<string, unknown>>;
  /** A solid selection, as in `select`. */
  readonly select?: string;
  /** Tags of the runs it starts (in RUN_START). */
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** A named, ready run: mode, run config and solid selection. `M` is its mode's name, kept as a literal. */
export interface Preset<M extends string = string> {
  readonly [KIND]: 'preset';
  readonly name: string;
  readonly mode: M | undefined;
  readonly runConfig: Readonly<Record<string, unknown>>;
  readonly select: string | undefined;
  readonly tags: Readonly<Record<string, unknown>>;
}

/**
 * Defines a preset: a named, ready run of a pipeline.
 *
 * @example
 * preset({ name: 'dev_small', mode: 'local_dev', runConfig: { resources: { database: { config: { path: 'dev.db' } } } } });
 *
 * @throws {InvalidDefinitionError} for a bad name or a run config that is not an object
 */
export function preset<const M extends string = never>(options: PresetOptions<M>): Preset<M> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidDefinitionError(`preset() takes an options object, got ${describe(options)}`);
  }
  assertName(options.name, 'preset');
  if (options.mode !== undefined) assertName(options.mode, `preset "${options.name}": mode`);
  if (options.runConfig !== undefined && !isPlainObject(options.runConfig)) {
    throw new InvalidDefinitionError(`preset "${options.name}": runConfig must be an object, got ${describe(options.runConfig)}`);
  }
  if (options.select !== undefined && typeof options.select !== 'string') {
    throw new InvalidDefinitionError(`preset "${options.name}": select must be a string like "a*,b"`);
  }
  return Object.freeze({
    [KIND]: 'preset' as const,
    name: options.name,
    mode: options.mode,
    runConfig: Object.freeze({ ...(options.runConfig ?? {}) }),
    select: options.select,
    tags: Object.freeze({ ...(options.tags ?? {}) }),
  });
}
