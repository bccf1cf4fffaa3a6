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
 * value), unconnected `inputs` given in run config, and resource configs by key.
 */
export interface EnvSources {
  readonly config?: { readonly written: unknown };
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly resourceConfigs?: Readonly<Record<string, unknown>>;
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
