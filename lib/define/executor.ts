import type { Observable, SchedulerLike } from 'rxjs';
import type { z } from 'zod';
import { assertName, assertSchema, describe, KIND } from './definition.ts';
import { InvalidDefinitionError, type SerializedError } from '../errors.ts';
import { bindConfig, type BoundConfig } from './configured.ts';
import type { ConfigOf } from './resource.ts';
import type { StepMessage, StepRequest } from './step-request.ts';

/**
 * A resource lifecycle event without the run's fields, as an executor that initialises
 * resources where it runs steps reports it (see {@link ExecutorCreateContext.report}).
 *
 * A failed init or teardown fails the run, unless the report is `redelivered`: the
 * process that held the resource died (its init or teardown never finished, `error` says
 * where), and the executor delivers that process's work again elsewhere (the queue's
 * at-least-once delivery), so the run's steps decide its status. The run logs the loss at
 * `warn`.
 *
 * @example
 * report({ type: 'RESOURCE_TEARDOWN', resource: 'database', error: serializeError(crashed), redelivered: true });
 */
export type ResourceReport =
  | { readonly type: 'RESOURCE_INIT_START'; readonly resource: string }
  | { readonly type: 'RESOURCE_INIT_SUCCESS'; readonly resource: string; readonly durationMs: number }
  | { readonly type: 'RESOURCE_INIT_FAILURE'; readonly resource: string; readonly error: SerializedError; readonly redelivered?: true }
  | {
      readonly type: 'RESOURCE_TEARDOWN';
      readonly resource: string;
      readonly error?: SerializedError;
      readonly timedOut?: true;
      readonly redelivered?: true;
    };

/** What an executor's `create` receives. */
export interface ExecutorCreateContext<C> {
  /** `execution.<name>.config` of run config, parsed by the executor's `config` schema. */
  readonly config: C;
  /** Aborts when the run is canceled. */
  readonly signal: AbortSignal;
  readonly runId: string;
  readonly pipelineName: string;
  readonly mode: string;
  /**
   * Every string the run read from `{ env: NAME }` config (empty when none), for an
   * executor that must keep them from leaving this process (the queue executor refuses
   * to enqueue a step request that still holds one).
   */
  readonly secrets: readonly string[];
  /**
   * Reports resource lifecycle events (`RESOURCE_INIT_START`, `RESOURCE_INIT_SUCCESS`,
   * `RESOURCE_INIT_FAILURE`, `RESOURCE_TEARDOWN`) of resources the executor initialises
   * where it runs steps; they become run events. An executor with `runStep` owns the
   * resources of the steps it runs: the engine does not initialise them in this process.
   */
  readonly report: (report: ResourceReport) => void;
}

/** A live executor for one run. */
export interface ExecutorInstance {
  /** Ready steps, retry delays and completions are scheduled here. */
  readonly scheduler: SchedulerLike;
  /** How many steps may be in flight at once. */
  readonly maxConcurrent: number;
  /**
   * Runs one step attempt elsewhere (another thread, process, machine). Emits the step's
   * outputs and logs, completes on success, errors on failure. Leave it out to run
   * computes in this process.
   */
  readonly runStep?: (request: StepRequest) => Observable<StepMessage>;
  /** Runs when the run finalises. */
  readonly dispose?: () => void | Promise<void>;
  /** How long running steps get to settle after a cancel before resources are torn down (default 1000 ms). */
  readonly cancelGraceMs?: number;
  /**
   * Holds each completion of user code in this process — every value, end or failure of
   * a compute (a step's calls in order), and each resource init — until the executor
   * calls `release`; `label` says what is held (`load: done`, `resource db: initialised`).
   * For test executors that pick the order in which completions take effect
   * (`scheduledExecutor` of `modeflow/testing`). Leave it out to take effect at once.
   */
  readonly hold?: (label: string, release: () => void) => void;
}

/** What {@link executor} takes. */
export interface ExecutorOptions<C extends z.ZodType | undefined> {
  /** The key under `execution` in run config (`execution: { <name>: { config } }`). */
  readonly name: string;
  /** Shown by `modeflow pipeline print` and in the scaffolded config. */
  readonly description?: string;
  /** The schema of `execution.<name>.config`. */
  readonly config?: C;
  /** Makes the executor of one run, when the run starts (a throw fails the run before any resource is initialised). */
  readonly create: (context: ExecutorCreateContext<ConfigOf<C>>) => ExecutorInstance;
}

/** An executor definition: how a run is scheduled, never what it computes. */
export interface Executor {
  readonly [KIND]: 'executor';
  readonly name: string;
  readonly description: string | undefined;
  readonly config: z.ZodType | undefined;
  readonly bound: BoundConfig | undefined;
  readonly create: (context: ExecutorCreateContext<any>) => ExecutorInstance;
  configured(config: unknown): Executor;
}

/**
 * Defines an executor. `create({ config, signal })` returns the scheduler ready steps run
 * on, the number allowed in flight, and optionally `runStep` to run steps elsewhere.
 *
 * @example
 * const serial = executor({ name: 'serial', create: () => ({ scheduler: queueScheduler, maxConcurrent: 1 }) });
 *
 * @throws {InvalidDefinitionError} for a bad name, a non-zod config or a missing create
 */
export function executor<C extends z.ZodType | undefined = undefined>(options: ExecutorOptions<C>): Executor {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidDefinitionError(`executor() takes an options object, got ${describe(options)}`);
  }
  assertName(options.name, 'executor');
  assertSchema(options.config, `executor "${options.name}" config`);
  if (typeof options.create !== 'function') {
    throw new InvalidDefinitionError(`executor "${options.name}": create must be a function`);
  }
  return makeExecutor(options as ExecutorOptions<z.ZodType | undefined>, undefined);
}

function makeExecutor(options: ExecutorOptions<z.ZodType | undefined>, bound: BoundConfig | undefined): Executor {
  return Object.freeze({
    [KIND]: 'executor' as const,
    name: options.name,
    description: options.description,
    config: options.config,
    bound,
    create: options.create as Executor['create'],
    configured(config: unknown) {
      return makeExecutor(options, bindConfig(options.config, config, `executor "${options.name}"`));
    },
  });
}

/** True for an executor definition. */
export function isExecutor(value: unknown): value is Executor {
  return typeof value === 'object' && value !== null && (value as { [KIND]?: unknown })[KIND] === 'executor';
}
