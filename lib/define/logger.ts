import { z } from 'zod';
import { assertSchema, describe, KIND } from './definition.ts';
import { InvalidDefinitionError } from '../errors.ts';
import { bindConfig, type BoundConfig } from './configured.ts';
import { LEVELS } from './log.ts';
import type { ConfigOf } from './resource.ts';

/** Where a logger sink writes: anything with `write(line)` (a pino destination). */
export interface LogDestination {
  write(line: string): unknown;
  /** Called when the run ends, to flush buffered lines. */
  flush?(): unknown;
}

/** The `level` every logger's config has; records below it are not written. */
export const levelSchema = z.enum(LEVELS).default('info');

/** What {@link logger} takes. */
export interface LoggerOptions<C extends z.ZodObject | undefined> {
  /** Shown by `modeflow pipeline print` and in the scaffolded config. */
  readonly description?: string;
  /** A z.object of the sink's own settings; `level` is added to it. */
  readonly config?: C;
  /** Opens the sink for one run: a pino destination (anything with `write(line)`), or a Promise of one. */
  readonly init: (context: {
    readonly config: ConfigOf<C> & { level: (typeof LEVELS)[number] };
  }) => LogDestination | Promise<LogDestination>;
}

/** A logger sink definition. */
export interface Logger {
  readonly [KIND]: 'logger';
  readonly description: string | undefined;
  /** The full config schema, `level` included. */
  readonly config: z.ZodObject;
  readonly bound: BoundConfig | undefined;
  readonly init: (context: { readonly config: any }) => LogDestination | Promise<LogDestination>;
  /** A copy with config bound. */
  configured(config: unknown): Logger;
}

/**
 * Defines a logger sink. `init({ config })` returns a destination that receives one JSON
 * line (pino's format) per record at or above the sink's `level`.
 *
 * @example
 * const lines: string[] = [];
 * const memory = logger({ init: () => ({ write: (line) => lines.push(line) }) });
 * mode({ loggers: { memory } });
 *
 * @throws {InvalidDefinitionError} when `config` is not a z.object or `init` not a function
 */
export function logger<C extends z.ZodObject | undefined = undefined>(options: LoggerOptions<C>): Logger {
  if (typeof options !== 'object' || options === null || typeof options.init !== 'function') {
    throw new InvalidDefinitionError(`logger() takes { description?, config?, init }, with init a function; got ${describe(options)}`);
  }
  assertSchema(options.config, 'logger config');
  if (options.config !== undefined && options.config._zod.def.type !== 'object') {
    throw new InvalidDefinitionError(
      `logger config must be a z.object (its "level" key is added), got a ${options.config._zod.def.type} schema`,
    );
  }
  const config = (options.config ?? z.object({})).extend({ level: levelSchema });
  return makeLogger(options.description, config, options.init as Logger['init'], undefined);
}

function makeLogger(description: string | undefined, config: z.ZodObject, init: Logger['init'], bound: BoundConfig | undefined): Logger {
  return Object.freeze({
    [KIND]: 'logger' as const,
    description,
    config,
    bound,
    init,
    configured(value: unknown) {
      return makeLogger(description, config, init, bindConfig(config, value, 'logger'));
    },
  });
}

/** True for a logger definition. */
export function isLogger(value: unknown): value is Logger {
  return typeof value === 'object' && value !== null && (value as { [KIND]?: unknown })[KIND] === 'logger';
}
