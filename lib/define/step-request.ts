import type { LevelName } from './log.ts';

/**
 * One attempt of one step, as the engine hands it to an executor's `runStep`. Everything
 * here is structured-cloneable except `signal`.
 */
export interface StepRequest {
  readonly runId: string;
  readonly pipelineName: string;
  /** The module that defines the pipeline (a file URL), for executors that run elsewhere. */
  readonly pipelineModule: string | undefined;
  readonly mode: string;
  /** Invocation name. */
  readonly solid: string;
  readonly stepKey: string;
  readonly attempt: number;
  /** Parsed solid config. */
  readonly config: unknown;
  /** Type-checked input values. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Resource keys the step declared. */
  readonly resources: readonly string[];
  /** Parsed config of every resource of the mode, by key (for executors that init them elsewhere). */
  readonly resourceConfigs: Readonly<Record<string, unknown>>;
  /**
   * The lowest level some logger sink of the run takes (`silent`: none). Records below it
   * may be dropped where they are written, saving their trip; the engine drops them anyway.
   */
  readonly logLevel: LevelName | 'silent';
  /** `teardownTimeoutMs` of every resource of the mode, by key: how long its teardown may take. */
  readonly resourceTeardownTimeoutsMs: Readonly<Record<string, number>>;
  /**
   * The positions of `config`, `inputs` and `resourceConfigs` whose values were read from
   * `{ env: NAME }` references, as written (references, not values); absent when there are
   * none. An executor that must not carry secret values off this process (the queue
   * executor) sends these instead, and has them resolved where the step runs
   * (`resolveEnvSources`).
   */
  readonly envSources?: EnvSources;
  readonly signal: AbortSignal;
}

/**
 * Config positions of one step that hold `{ env: NAME }` references, as written in run
 * config (or in `.configured()`): the solid's `config` (wrapped, since it may be any
 * value), unconnected `inputs` given in run config, inputs fed by a composite's own input,
 * the entry a composite's `configMapping` gives the solid, and resource configs by key.
 * Every position is given at the entry that holds it (`solids.outer.solids.inner`,
 * `solids.outer.inputs.x.value`, `solids.outer.config`).
 */
export interface EnvSources {
  readonly config?: { readonly written: unknown };
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** By the solid's input name: the enclosing composite's input it takes (`solids.<composite>.inputs.<input>.value`). */
  readonly compositeInputs?: Readonly<Record<string, CompositeEnvInput>>;
  /** The solid's entry is given by a composite's `configMapping` whose config reads the environment. */
  readonly mapped?: MappedEnvSource;
  readonly resourceConfigs?: Readonly<Record<string, unknown>>;
}

/** A composite's own input that feeds a solid inside it, as written. */
export interface CompositeEnvInput {
  /** The composite's invocation name (dotted when nested). */
  readonly composite: string;
  readonly input: string;
  readonly written: unknown;
}

/**
 * A solid whose config (and unconnected inputs) come from a composite's `configMapping`,
 * with `{ env: NAME }` in that composite's config or in a `.configured()` composite config
 * on the way down: the step's host reads the environment and runs the mappings again (as
 * Dagster re-resolves run config in each step process), so no value read travels.
 */
export interface MappedEnvSource {
  /** The outermost composite on the solid's path that maps config (its invocation name). */
  readonly composite: string;
  /** Its config as written at `solids.<composite>.config`; unused when it is bound with `.configured()`. */
  readonly written: unknown;
  /** True when the mapping gives the solid's config (it has a config schema, not bound with `.configured()`). */
  readonly config: boolean;
  /**
   * The inputs the mappings give: the solid's unconnected inputs not given in code, and
   * those fed by the own input of a composite below `composite` (a mapping gives that).
   */
  readonly inputs: readonly string[];
}

/**
 * What a step attempt emits: output values and log records. Completion is success. Log
 * records reach the mode's sinks on the run's main thread, at the sinks' levels, redacted,
 * like the records of `ctx.log` there.
 */
export type StepMessage =
  | { readonly type: 'output'; readonly output: string; readonly value: unknown }
  | {
      readonly type: 'log';
      readonly level: LevelName;
      readonly message: string;
      readonly fields: Readonly<Record<string, unknown>>;
      /** The resource whose init wrote the record (during this step). */
      readonly resource?: string;
    };
