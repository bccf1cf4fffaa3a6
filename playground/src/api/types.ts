/**
 * The shapes of the playground's HTTP API (DESIGN "Playground", the API table), as the page
 * reads them. Run events and run state are the library's own types (type-only imports:
 * nothing of the library's runtime comes along).
 */
import type { RunEvent } from '../../../lib/events/events.ts';
import type { RunState } from '../../../lib/events/run-state.ts';

export type { RunEvent, RunState };
export type { RunEventType } from '../../../lib/events/events.ts';

/** A mode as the list and the graph give it. */
export interface ModeInfo {
  readonly name: string;
  readonly description?: string | undefined;
  readonly resources: readonly string[];
  readonly executors: readonly string[];
}

/**
 * A preset. The table promises `name` and `mode`; the rest is read when the server sends
 * it (picking a preset then fills the editor, the selection and the tags).
 */
export interface PresetInfo {
  readonly name: string;
  readonly mode: string;
  readonly runConfig?: unknown;
  readonly runConfigYaml?: string | undefined;
  readonly select?: string | undefined;
  readonly tags?: Readonly<Record<string, unknown>> | undefined;
}

/** `GET /api/pipelines`: one entry per pipeline of the served files. */
export interface PipelineSummary {
  readonly name: string;
  readonly description?: string | undefined;
  readonly modes: readonly ModeInfo[];
  readonly presets: readonly PresetInfo[];
  readonly solids: number;
}

/** One invocation of the graph; `from` is null for an input fed from run config. */
export interface SolidInfo {
  readonly name: string;
  readonly definition: string;
  readonly description?: string | undefined;
  readonly inputs: readonly { readonly name: string; readonly from: { readonly solid: string; readonly output: string } | null }[];
  readonly outputs: readonly string[];
  readonly resources: readonly string[];
  /** The composite solid this one is inside, when it is inside one. */
  readonly composite?: string | undefined;
}

/** `GET /api/pipelines/:name`. */
export interface PipelineGraph {
  readonly name: string;
  readonly description?: string | undefined;
  readonly modes: readonly ModeInfo[];
  readonly presets: readonly PresetInfo[];
  readonly solids: readonly SolidInfo[];
  /** Composite invocations, outer ones first (dotted names when nested); empty when none. */
  readonly composites?: readonly CompositeInfo[] | undefined;
}

/** A composite invocation: a group of solids (dotted names inside it). */
export interface CompositeInfo {
  readonly name: string;
  /** The composite definition's name. */
  readonly definition: string;
  readonly description: string | null;
  /** The composite it is in, or null at the top. */
  readonly parent: string | null;
}

/** One problem of a run config; `line`/`column` (1-based) when YAML was given. */
export interface Issue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/** `POST /api/pipelines/:name/validate`. */
export interface Validation {
  readonly valid: boolean;
  readonly issues: readonly Issue[];
}

/** A run's status as the runs list gives it (`INTERRUPTED`: cut off, e.g. by a crash). */
export type RunStatusName = 'NOT_STARTED' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELED' | 'INTERRUPTED' | (string & {});

/** One row of `GET /api/runs`. */
export interface RunSummary {
  readonly runId: string;
  readonly pipeline: string;
  readonly mode: string;
  readonly status: RunStatusName;
  readonly startedAt: number | string | null;
  readonly durationMs: number | null;
  readonly tags?: Readonly<Record<string, unknown>> | undefined;
}

/** `GET /api/runs`. */
export interface RunPage {
  readonly runs: readonly RunSummary[];
  readonly next?: string | number | undefined;
}

/** `GET /api/runs/:id`. */
export interface RunRecord extends RunSummary {
  readonly runConfig?: unknown;
  readonly select?: string | null | undefined;
  readonly state?: RunState | undefined;
}

/** `POST /api/runs` body. */
export interface LaunchRequest {
  readonly pipeline: string;
  readonly mode?: string;
  readonly preset?: string;
  readonly runConfigYaml?: string;
  readonly select?: string;
  readonly tags?: Readonly<Record<string, string>>;
}
