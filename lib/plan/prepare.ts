import { randomUUID } from 'node:crypto';
import { listNames } from '../define/definition.ts';
import { InvariantViolationError } from '../errors.ts';
import { deepMerge } from '../support/deep-merge.ts';
import { jsonSafe } from '../events/json-safe.ts';
import type { Mode } from '../define/mode.ts';
import { planFor, type ExecutionPlan } from './plan.ts';
import type { Pipeline } from '../define/pipeline.ts';
import type { Preset } from '../define/preset.ts';
import { makeRedactor, type Redactor } from '../config/redact.ts';
import { resolveRunConfig, type ResolvedRunConfig } from '../config/run-config.ts';
import { selectSolids } from '../config/select.ts';

/** How to run a pipeline; `M` is the union of its mode names (see `Pipeline`). */
export interface RunOptions<M extends string = string> {
  /** The mode; default: the preset's, else the pipeline's only mode. */
  readonly mode?: M;
  /** A preset of the pipeline: its mode, run config, selection and tags. */
  readonly preset?: string;
  /** Run config (`solids`, `resources`, `loggers`, `execution`); deep-merged over the preset's. */
  readonly runConfig?: Readonly<Record<string, unknown>>;
  /**
   * Values of unconnected inputs, given in code: `{ [solid]: { [input]: value } }`; a
   * composite's own inputs by its (dotted) name, fed to its solids that read them.
   * Checked by each input's schema before the run starts (`InvalidConfigError` issues at
   * `['inputs', solid, input]`), shown in RUN_START by name only, and taking precedence
   * over `solids.<solid>.inputs` in run config.
   */
  readonly inputs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** A solid selection: `a`, `*a`, `a*`, `+a`, `a+`, comma-separated. */
  readonly select?: string;
  /** Default: a random UUID. */
  readonly runId?: string;
  /** Free-form tags of the run, in RUN_START (over the preset's). */
  readonly tags?: Readonly<Record<string, unknown>>;
  /** Aborting it cancels the run; the stream still ends with RUN_CANCELED. */
  readonly signal?: AbortSignal;
  /** `execute` only: reject on failure (default true) or resolve with the failed result. */
  readonly raiseOnError?: boolean;
}

/** Everything a run needs, resolved and validated before the first event. */
export interface Prepared {
  readonly pipeline: Pipeline;
  readonly mode: Mode;
  readonly plan: ExecutionPlan;
  readonly config: ResolvedRunConfig;
  readonly runId: string;
  readonly tags: Readonly<Record<string, unknown>>;
  readonly select: string | undefined;
  readonly preset: string | undefined;
  readonly runConfigShown: unknown;
  readonly redact: Redactor;
  readonly signal: AbortSignal | undefined;
}

/**
 * Resolves mode and preset, validates run config and selection, and plans the run.
 *
 * @throws {InvariantViolationError} no mode chosen among several, an unknown mode or
 *   preset, or a preset whose mode differs from an explicit `mode`
 * @throws {InvalidConfigError} with every run-config issue
 * @throws {InvalidSubsetError} for a bad selection
 */
export function prepare(pipeline: Pipeline, options: RunOptions = {}): Prepared {
  const preset = findPreset(pipeline, options.preset);
  const mode = resolveMode(pipeline, options.mode, preset);
  const select = options.select ?? preset?.select;
  const selection = selectSolids(pipeline, select);
  const raw = deepMerge({}, preset?.runConfig ?? {}, options.runConfig ?? {});
  const config = resolveRunConfig(pipeline, mode, raw, selection, process.env, options.inputs);
  return {
    pipeline,
    mode,
    plan: planFor(pipeline, mode, select, selection),
    config,
    runId: options.runId ?? randomUUID(),
    // Tags are event data (RUN_START, the history): a BigInt or a cycle in them is shown JSON-safe.
    tags: Object.freeze(jsonSafe({ ...(preset?.tags ?? {}), ...(options.tags ?? {}) })),
    select,
    preset: preset?.name,
    runConfigShown: config.shown,
    redact: makeRedactor(config.secrets),
    signal: options.signal,
  };
}

function findPreset(pipeline: Pipeline, name: string | undefined): Preset | undefined {
  if (name === undefined) return undefined;
  const found = pipeline.presets.find((p) => p.name === name);
  if (!found) {
    throw new InvariantViolationError(
      `pipeline "${pipeline.name}" has no preset "${name}"; its presets are: ${listNames(pipeline.presets.map((p) => p.name))}`,
    );
  }
  return found;
}

/** The mode a run uses: explicit, else the preset's, else the only one. */
export function resolveMode(pipeline: Pipeline, explicit: string | undefined, preset?: Preset): Mode {
  const names = pipeline.modes.map((m) => m.name);
  if (explicit !== undefined && preset?.mode !== undefined && explicit !== preset.mode) {
    throw new InvariantViolationError(
      `preset "${preset.name}" runs in mode "${preset.mode}" but mode "${explicit}" was asked for; ` +
        `leave out the mode or pick a preset for "${explicit}"`,
    );
  }
  const wanted = explicit ?? preset?.mode;
  if (wanted === undefined) {
    if (pipeline.modes.length === 1) return pipeline.modes[0]!;
    throw new InvariantViolationError(
      `pipeline "${pipeline.name}" has several modes; choose one with { mode } (or -d on the CLI): ${listNames(names)}`,
    );
  }
  const found = pipeline.modes.find((m) => m.name === wanted);
  if (!found) {
    throw new InvariantViolationError(`pipeline "${pipeline.name}" has no mode "${wanted}"; its modes are: ${listNames(names)}`);
  }
  return found;
}
