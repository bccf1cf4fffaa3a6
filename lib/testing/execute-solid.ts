/** Running one solid alone, for unit tests: `executeSolid`. */
import { isResource, type Resource } from '../define/resource.ts';
import { logger, type Logger } from '../define/logger.ts';
import { mode as makeMode, type Mode, type ModeOptions } from '../define/mode.ts';
import { pipeline } from '../define/pipeline.ts';
import type { RunResult, SolidResult } from '../events/result.ts';
import { execute } from '../run.ts';
import type { AnySolid } from '../define/solid-types.ts';
import type { AnyComposite } from '../define/composite-types.ts';
import { StepExecutionError } from '../errors.ts';
import { originalError } from '../events/error-registry.ts';
import { hardcodedResource } from '../../modes/resources/helpers.ts';
// Modes made here default to the built-ins, as everywhere.
import '../built-ins.ts';

/**
 * The `console` sink of executeSolid's own mode: it takes records at its level (so they
 * become `LOG` events) and writes them nowhere, so that tests print nothing.
 */
const silentConsole = logger({
  description: "executeSolid's console: takes records at its level, writes nothing",
  init: () => ({ write: () => undefined }),
});

/** What {@link executeSolid} takes besides the solid. */
export interface ExecuteSolidOptions {
  /** Resource values (plain values or resource definitions) by key. */
  readonly resources?: Readonly<Record<string, unknown>>;
  /** The solid's config (`solids.<name>.config`). */
  readonly config?: unknown;
  /** Input values by name. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Run in this mode instead of one built from `resources`. */
  readonly mode?: Mode;
  /**
   * Logger sinks of the run, by key (replacing `mode`'s when both are given). Without
   * them, the mode built from `resources` has one sink, `console`, that writes nothing:
   * the run is quiet, and `ctx.log` records at its level (`info` unless `runConfig` sets
   * `loggers.console.config.level`) are still `LOG` events of `runResult`.
   */
  readonly loggers?: Readonly<Record<string, Logger>>;
  /** Further run config (`resources`, `loggers`, `execution`). */
  readonly runConfig?: Readonly<Record<string, unknown>>;
  /** Reject on failure (default true). */
  readonly raiseOnError?: boolean;
}

/** What one solid did, with the run it ran in. */
export interface SolidExecutionResult extends SolidResult {
  readonly runResult: RunResult;
}

/**
 * Runs one solid alone, for unit tests: inputs and config given directly, resources as
 * plain values (wrapped like `mode.fromResources`) or as resource definitions. Quiet by
 * default: nothing goes to the console unless `loggers` (or a `mode` with sinks) says so.
 * A composite runs the same way (its `config` is the one its `configMapping` takes; its
 * solids' own config goes in `runConfig.solids.<composite>.solids`), and the result is the
 * composite's: its outputs as mapped from its solids', its solids' steps together.
 *
 * @example
 * const result = await executeSolid(double, { inputs: { n: 21 } });
 * expect(result.output()).toBe(42);
 *
 * @throws {StepExecutionError} (a rejection) when the solid fails, unless `raiseOnError: false`
 * @throws {InvalidConfigError} (a rejection) when config or inputs fail their schemas
 */
export async function executeSolid(solid: AnySolid | AnyComposite, options: ExecuteSolidOptions = {}): Promise<SolidExecutionResult> {
  const name = solid.invocationName;
  const given = options.mode;
  const runMode = given
    ? options.loggers
      ? makeMode({ ...given, loggers: options.loggers } as ModeOptions<Record<string, Resource>>)
      : given
    : makeMode({
        name: 'test',
        resources: Object.fromEntries(
          Object.entries(options.resources ?? {}).map(([k, v]) => [k, isResource(v) ? v : hardcodedResource(v)]),
        ) as Record<string, Resource>,
        loggers: options.loggers ?? { console: silentConsole },
      });
  const single = pipeline({
    name: `execute_solid_${name}`,
    modes: [runMode],
    graph: () => {
      solid();
    },
  });
  const solidEntry: Record<string, unknown> = {};
  if (options.config !== undefined) solidEntry['config'] = options.config;
  if (options.inputs !== undefined) {
    solidEntry['inputs'] = Object.fromEntries(Object.entries(options.inputs).map(([k, value]) => [k, { value }]));
  }
  // Run config's own entry for the solid (a composite's `solids`, say) is kept under what options give.
  const givenSolids = (options.runConfig?.['solids'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const runConfig = { ...(options.runConfig ?? {}), solids: { ...givenSolids, [name]: { ...givenSolids[name], ...solidEntry } } };
  const result = await execute(single, { runConfig, raiseOnError: false });
  const solidResult = result.solid(name);
  const out: SolidExecutionResult = Object.freeze(
    Object.assign(Object.create(null) as object, solidResult, {
      output: solidResult.output,
      runResult: result,
    }),
  ) as SolidExecutionResult;
  if (!result.success && options.raiseOnError !== false) {
    const terminal = result.events[result.events.length - 1];
    const error = terminal?.type === 'RUN_FAILURE' ? terminal.error : undefined;
    throw new StepExecutionError(
      `solid "${name}" failed` + (error ? `: ${error.name}: ${error.message}` : ` (run ${result.status.toLowerCase()})`),
      { stepKey: solidResult.stepKeys[0], cause: error ? originalError(error) : undefined, result },
    );
  }
  return out;
}
