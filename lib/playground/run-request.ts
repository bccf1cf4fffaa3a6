/** What the validate and launch requests share: reading run config (object or YAML) and checking a run without starting it. */
import type { Redactor } from '../config/redact.ts';
import { resolveRunConfig } from '../config/run-config.ts';
import { selectSolids } from '../config/select.ts';
import { listNames } from '../define/definition.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { InvariantViolationError, type ConfigIssue } from '../errors.ts';
import { resolveMode } from '../plan/prepare.ts';
import { deepMerge } from '../support/deep-merge.ts';
import { given } from './request-body.ts';
import { requestRedactor } from './request-secrets.ts';
import { placeIssues, readRunConfigYaml, type PlacedIssue } from './yaml-positions.ts';

/** The run-related fields of a validate or launch body. */
export interface RunRequestBody {
  readonly mode?: string | null | undefined;
  readonly preset?: string | null | undefined;
  readonly runConfig?: Readonly<Record<string, unknown>> | null | undefined;
  readonly runConfigYaml?: string | null | undefined;
  readonly select?: string | null | undefined;
}

/** A request's run, read: its options, how to place config issues, and what to redact from answers. */
export interface RunRequest {
  readonly mode: string | undefined;
  readonly preset: string | undefined;
  readonly runConfig: Readonly<Record<string, unknown>> | undefined;
  readonly select: string | undefined;
  /** Config issues with line and column when the config came as YAML. */
  readonly place: (issues: readonly ConfigIssue[]) => PlacedIssue[];
  /** Hides the values of the `{ env }` sources the request's config names. */
  readonly redact: Redactor;
}

/** Reads a request's run; YAML that cannot be read gives `issues` instead (with line and column). */
export function readRunRequest(pipeline: Pipeline, body: RunRequestBody): RunRequest | { issues: PlacedIssue[]; redact: Redactor } {
  const presetConfig = pipeline.presets.find((p) => p.name === body.preset)?.runConfig;
  let runConfig = given(body.runConfig);
  let place = (issues: readonly ConfigIssue[]): PlacedIssue[] => issues.map((i) => ({ path: i.path, message: i.message }));
  if (body.runConfigYaml != null) {
    const read = readRunConfigYaml(body.runConfigYaml);
    if (!read.ok) return { issues: read.issues, redact: requestRedactor([presetConfig]) };
    runConfig = read.value;
    place = (issues) => placeIssues(issues, read.parsed);
  }
  return {
    mode: given(body.mode),
    preset: given(body.preset),
    runConfig,
    select: given(body.select),
    place,
    redact: requestRedactor([presetConfig, runConfig]),
  };
}

/**
 * Checks a run as `run()` would before its first event — mode, preset, selection, run
 * config — without planning or starting it.
 *
 * @throws {InvariantViolationError} an unknown mode or preset, or no mode among several
 * @throws {InvalidSubsetError} a bad selection
 * @throws {InvalidConfigError} with every run-config issue
 */
export function checkRun(pipeline: Pipeline, request: RunRequest): void {
  let preset;
  if (request.preset !== undefined) {
    preset = pipeline.presets.find((p) => p.name === request.preset);
    if (!preset) {
      throw new InvariantViolationError(
        `pipeline "${pipeline.name}" has no preset "${request.preset}"; its presets are: ${listNames(pipeline.presets.map((p) => p.name))}`,
      );
    }
  }
  const mode = resolveMode(pipeline, request.mode, preset);
  const selection = selectSolids(pipeline, request.select ?? preset?.select);
  resolveRunConfig(pipeline, mode, deepMerge({}, preset?.runConfig ?? {}, request.runConfig ?? {}), selection);
}
