/**
 * A `ctx` to call a compute directly, without a run (Dagster's `build_solid_context`).
 */
import { randomUUID } from 'node:crypto';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { isComposite } from '../define/composite.ts';
import { isResource } from '../define/resource.ts';
import type { AnySolid, SolidContext } from '../define/solid-types.ts';
import { InvalidConfigError, InvalidDefinitionError, ModeflowError } from '../errors.ts';
import { declaredResources, StepContext } from '../engine/step-context.ts';
import { isThenable } from '../support/maybe-async.ts';
import { recordLog, type LogRecord } from '../logging/log-record.ts';

/** What {@link buildSolidContext} takes; every field is optional. */
export interface BuildSolidContextOptions {
  /**
   * The solid whose compute you will call: `config` is parsed by its schema (defaults
   * applied), `ctx.resources` holds only the keys it declares, `ctx.solid` is its name.
   */
  readonly solid?: AnySolid;
  /** Resource values by key; a `mockResource()` or another resource whose init is synchronous is initialised. */
  readonly resources?: Readonly<Record<string, unknown>>;
  /** The solid's config (`ctx.config`). */
  readonly config?: unknown;
  /** Default: a random UUID. */
  readonly runId?: string;
  /** Default `test`. */
  readonly pipelineName?: string;
  /** Default `test`. */
  readonly mode?: string;
  /** Default: the solid's name, or `solid`. */
  readonly stepKey?: string;
  /** Default 1. */
  readonly attempt?: number;
  /** Default: a signal that never aborts. */
  readonly signal?: AbortSignal;
  /** `ctx.scheduler`; default RxJS's `asyncScheduler` (real time). */
  readonly scheduler?: SchedulerLike;
}

/** A `ctx` made by {@link buildSolidContext}: what `ctx.log` recorded is in `logs`. */
export interface TestSolidContext extends SolidContext<any, any> {
  /** Every `ctx.log` call, in order (all levels). */
  readonly logs: readonly LogRecord[];
}

/**
 * A `ctx` to call `solid.compute(ctx, inputs)` directly, without a pipeline or a run
 * (Dagster's `build_solid_context`). `ctx.log` records every call into `ctx.logs`
 * (`{ level, message, fields }`); nothing is printed.
 *
 * @example
 * const ctx = buildSolidContext({ solid: generateTable1, resources: { database }, config: { minValue: 10 } });
 * expect(await generateTable1.compute(ctx, { table0Rows: 5 })).toBe(3);
 * expect(ctx.logs).toEqual([]);
 *
 * @throws {InvalidConfigError} when `config` fails the solid's config schema
 * @throws {InvalidDefinitionError} for a composite (it has no compute of its own: run it with `executeSolid`)
 * @throws {ModeflowError} for a resource definition whose init is not synchronous (give its value instead)
 */
export function buildSolidContext(options: BuildSolidContextOptions = {}): TestSolidContext {
  const solid = options.solid;
  if (isComposite(solid)) {
    throw new InvalidDefinitionError(
      `buildSolidContext: "${(solid as { invocationName: string }).invocationName}" is a composite, which has no compute of its own ` +
        `to call with a ctx; run it with executeSolid(composite, { inputs, config }), which runs its solids as a pipeline would, ` +
        `or build a ctx for one of its solids`,
    );
  }
  const name = solid?.invocationName ?? 'solid';
  const runId = options.runId ?? randomUUID();
  const signal = options.signal ?? new AbortController().signal;
  const logs: LogRecord[] = [];
  const log = recordLog((record) => logs.push(record), 'trace');
  const values = Object.fromEntries(
    Object.entries(options.resources ?? {}).map(([key, value]) => [key, valueOf(key, value, runId, signal)]),
  );
  const resources = declaredResources(name, solid ? solid.resources : Object.keys(values), values);
  const ctx = new StepContext({
    config: configOf(solid, options.config),
    runId,
    pipelineName: options.pipelineName ?? 'test',
    mode: options.mode ?? 'test',
    solid: name,
    stepKey: options.stepKey ?? name,
    attempt: options.attempt ?? 1,
    signal,
    scheduler: options.scheduler ?? asyncScheduler,
    resources: () => resources,
    makeLog: () => log,
  });
  return Object.defineProperty(ctx, 'logs', { value: logs, enumerable: true }) as unknown as TestSolidContext;
}

/** `ctx.config`: parsed by the solid's schema when there is one (bound config when bound). */
function configOf(solid: AnySolid | undefined, config: unknown): unknown {
  if (solid?.bound) return solid.bound.value;
  if (!solid?.config) return config;
  const parsed = z.safeParse(solid.config, config);
  if (parsed.success) return parsed.data;
  throw new InvalidConfigError(
    parsed.error.issues.map((issue) => ({
      path: ['solids', solid.invocationName, 'config', ...issue.path.map(String)],
      message: issue.message,
    })),
    `config of solid "${solid.invocationName}"`,
  );
}

/** A resource's value: given as is, or a definition initialised now (its init must not be async). */
function valueOf(key: string, value: unknown, runId: string, signal: AbortSignal): unknown {
  if (!isResource(value)) return value;
  if ('value' in value) return (value as { value: unknown }).value; // a mockResource
  const produced = value.init({ config: undefined, resources: {}, log: recordLog(() => undefined, 'silent'), runId, signal } as never);
  if (isThenable(produced) || (typeof produced === 'object' && produced !== null && Symbol.asyncIterator in produced)) {
    throw new ModeflowError(
      `buildSolidContext: resource "${key}" initialises asynchronously (a Promise or a generator); give its value ` +
        `instead, or run the solid with executeSolid, which initialises and tears down resources`,
    );
  }
  return produced;
}
