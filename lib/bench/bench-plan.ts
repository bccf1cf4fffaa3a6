import { listNames } from '../define/definition.ts';
import type { Mode } from '../define/mode.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { InvariantViolationError } from '../errors.ts';
import { prepare, resolveMode, type RunOptions } from '../plan/prepare.ts';
import { deepMerge, isPlainObject } from '../support/deep-merge.ts';
import { parseExecutorSpecs, type ExecutorSpec } from './executor-spec.ts';

/** Executors left out unless named: their figures would not say how a real run performs. */
const NOT_BY_DEFAULT = new Set([
  // Retry delays and timers take no time in virtual time; it is for deterministic tests.
  'virtualTime',
  // It needs a Redis and `modeflow worker` processes serving the pipeline: benched when named,
  // or when the run config given configures it (`execution.queue`).
  'queue',
]);

/** One executor to bench: how to run it, and its config as the runs will use it. */
export interface BenchEntry {
  readonly executor: string;
  readonly label: string;
  /** The options of each of its runs (mode, run config with its `execution`, selection). */
  readonly runOptions: RunOptions;
  /** Its parsed config, defaults applied, secrets redacted. */
  readonly config: unknown;
}

/** What to bench, resolved and validated before any run. */
export interface BenchPlan {
  readonly mode: Mode;
  readonly entries: readonly BenchEntry[];
}

/** What {@link planBench} reads of the bench options. */
export interface PlanOptions {
  readonly mode?: string;
  readonly preset?: string;
  readonly runConfig?: Readonly<Record<string, unknown>>;
  readonly select?: string;
  readonly executors?: readonly string[];
  readonly signal?: AbortSignal;
}

/**
 * Resolves the mode (explicit, else the preset's, else the only one), the executors
 * (those named, else every one the mode offers but `virtualTime`, and but `queue`
 * unless the run config configures it) and each one's run
 * options: the preset's run config deep-merged with `runConfig`, without its
 * `execution`, plus `execution.<executor>.config` = what run config gave that executor
 * deep-merged with the spec's own config. Every run config is validated now, so that a
 * typo fails before the first (possibly long) run.
 *
 * @throws {InvariantViolationError} for a bad spec, an executor the mode lacks, the same
 *   executor and config twice, or mode/preset resolution
 * @throws {InvalidConfigError} for run config (with each executor's config) that does not validate
 * @throws {InvalidSubsetError} for a bad selection
 */
export function planBench(pipeline: Pipeline, options: PlanOptions): BenchPlan {
  const preset = options.preset === undefined ? undefined : pipeline.presets.find((p) => p.name === options.preset);
  if (options.preset !== undefined && !preset) {
    throw new InvariantViolationError(
      `pipeline "${pipeline.name}" has no preset "${options.preset}"; its presets are: ${listNames(pipeline.presets.map((p) => p.name))}`,
    );
  }
  const mode = resolveMode(pipeline, options.mode, preset);
  const select = options.select ?? preset?.select;
  const merged = deepMerge({}, preset?.runConfig ?? {}, options.runConfig ?? {}) as Record<string, unknown>;
  const { execution, ...base } = merged;
  const given = isPlainObject(execution) ? execution : {};

  const offered = mode.executors.map((e) => e.name);
  const specs: ExecutorSpec[] = options.executors
    ? parseExecutorSpecs(options.executors)
    : defaultNames(offered, given).map((name) => ({ name, config: {}, label: name }));
  if (specs.length === 0) throw new InvariantViolationError(`no executor to bench; name some, e.g. ${offered.join(',')}`);

  const entries: BenchEntry[] = [];
  const seen = new Map<string, string>();
  for (const spec of specs) {
    if (!offered.includes(spec.name)) {
      throw new InvariantViolationError(
        `mode "${mode.name}" of pipeline "${pipeline.name}" has no executor "${spec.name}"; it offers: ${listNames(offered)}`,
      );
    }
    const fromRunConfig = isPlainObject(given[spec.name]) ? (given[spec.name] as Record<string, unknown>)['config'] : undefined;
    const config = deepMerge({}, fromRunConfig ?? {}, spec.config) as Record<string, unknown>;
    const runOptions: RunOptions = {
      mode: mode.name,
      runConfig: { ...base, execution: { [spec.name]: Object.keys(config).length ? { config } : {} } },
      ...(select === undefined ? {} : { select }),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const prepared = prepare(pipeline, runOptions);
    const parsed = prepared.redact(prepared.config.execution.config);
    const key = JSON.stringify([spec.name, parsed ?? null]);
    const twin = seen.get(key);
    if (twin !== undefined) {
      throw new InvariantViolationError(
        `executors ${twin} and ${spec.label} are the same: both run ${spec.name} with ${JSON.stringify(parsed ?? {})}; ` +
          `give each executor and config once`,
      );
    }
    seen.set(key, spec.label);
    entries.push({ executor: spec.name, label: spec.label, runOptions, config: parsed ?? {} });
  }
  return { mode, entries };
}

function defaultNames(offered: readonly string[], given: Readonly<Record<string, unknown>>): string[] {
  const chosen = offered.filter((name) => !NOT_BY_DEFAULT.has(name) || (name === 'queue' && Object.hasOwn(given, name)));
  return chosen.length ? chosen : [...offered];
}
