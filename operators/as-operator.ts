import { Observable, type OperatorFunction } from 'rxjs';
import type { z } from 'zod';
import { InvalidDefinitionError } from '../lib/errors.ts';
import { mode as makeMode, isMode, type Mode, type ModeOptions } from '../lib/define/mode.ts';
import { pipeline } from '../lib/define/pipeline.ts';
import { isResource, resource, type Resource } from '../lib/define/resource.ts';
import { isSolid, solid as makeSolid } from '../lib/define/solid.ts';
import { isComposite } from '../lib/define/composite.ts';
import type { AnySolid, Solid } from '../lib/define/solid-types.ts';
import { checkOf } from '../lib/plan/plan.ts';
import { OperatorRun, type OperatorSetup } from './operator-run.ts';

/** What {@link asOperator} takes besides the solid. */
export interface AsOperatorOptions {
  /**
   * The solid's resources by key: plain values, or resource definitions (initialised at
   * subscribe, configured by `runConfig.resources`). Over `mode`'s, key by key.
   */
  readonly resources?: Readonly<Record<string, unknown>>;
  /** The solid's config, parsed by its schema as run config is (strictly); over `runConfig.solids.<name>.config`. */
  readonly config?: unknown;
  /** A mode to take resources and logger sinks from: `ctx.log` goes to its sinks (without one, nowhere). */
  readonly mode?: Mode;
  /** Run config for `solids.<name>.config`, `resources` and `loggers` (no `execution`, no `inputs`). */
  readonly runConfig?: Readonly<Record<string, unknown>>;
  /**
   * How many computes run at once (default 1). With 1, values come out in the order of the
   * source values, as `concatMap` keeps it; with more, as the computes emit them, as
   * `mergeMap` does. `Infinity` starts each value's compute at once.
   */
  readonly concurrency?: number;
}

/** The input schemas of solid definition `S`. */
type InputSchemasOf<S> = S extends Solid<infer I, any, any, any> ? I : never;

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/** Keys whose value may be left out (the schema accepts `undefined`) become optional. */
type LeaveOutUndefined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: T[K];
};

/**
 * What {@link asOperator} takes per source value for solid `S`: its one input's value,
 * an object keyed by input name for several inputs, anything (a trigger) for none.
 */
export type OperatorInput<S> = [keyof InputSchemasOf<S> & string] extends [never]
  ? unknown
  : true extends IsUnion<keyof InputSchemasOf<S> & string>
    ? LeaveOutUndefined<{ [K in keyof InputSchemasOf<S> & string]: z.input<InputSchemasOf<S>[K]> }>
    : z.input<InputSchemasOf<S>[keyof InputSchemasOf<S> & string]>;

/**
 * What {@link asOperator} emits for solid `S`: each value of its one output, or, for a
 * solid with several outputs, `{ [output]: value }` — one object per value, with one key.
 */
export type OperatorOutput<S> =
  S extends Solid<any, infer O, any, infer Multi>
    ? Multi extends true
      ? { [K in keyof O]: { [P in K]: O[P] } }[keyof O]
      : O['result']
    : never;

/**
 * A solid as an RxJS operator: each source value is one compute (a step with `stepKey`
 * `<solid>[<i>]`, i counting the values of one subscription), with what a run gives a step
 * — input and output schemas, the solid's `retry` policy, its resources and config, `ctx`
 * — and no pipeline built per value. A solid with one input takes the bare value, several
 * inputs an object keyed by input name, none any value as a trigger. A single output
 * emits each value the compute emits; several outputs emit `{ [output]: value }`, one
 * object per value. A value failing its schema errors the stream with `TypeCheckError`;
 * a compute that fails (once retries run out) with `StepExecutionError` (`.stepKey`,
 * `.cause`), so `retry()` and `catchError()` work. Values a failed attempt emitted before
 * it failed have been passed on (as with RxJS's `retry`).
 *
 * Each subscription resolves config (env references read then), opens `mode`'s logger
 * sinks and initialises the solid's resources before it subscribes to the source, and
 * tears them down once: on complete (then completes, or errors if a teardown failed), on
 * error, or on unsubscribe, which also aborts `ctx.signal` of running computes and gives
 * them a grace period (1 s) to settle first.
 *
 * @example
 * const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n * 2 });
 * of(1, 2, 3).pipe(asOperator(double)).subscribe(console.log); // 2, 4, 6
 * requests$.pipe(asOperator(fetchUser, { resources: { http }, concurrency: 4 }));
 *
 * @throws {InvalidDefinitionError} (at once) for a value that is no solid (a composite included), bad options, or
 *   a resource the solid requires that neither `resources` nor `mode` provides
 * @throws {InvalidConfigError} (as the stream's error, on subscribe) for bad config or run config
 * @throws {TypeCheckError | StepExecutionError} (as the stream's error) as said above
 */
export function asOperator<S extends AnySolid>(
  solid: S,
  options: AsOperatorOptions = {},
): OperatorFunction<OperatorInput<S>, OperatorOutput<S>> {
  const setup = setupOf(solid, options);
  return (source) =>
    new Observable<OperatorOutput<S>>((subscriber) => {
      const run = new OperatorRun(setup, subscriber as never);
      run.start(source);
      return () => run.unsubscribe();
    });
}

/** What every subscription of one asOperator() shares: checked once, at the call. */
function setupOf(solid: AnySolid, options: AsOperatorOptions): OperatorSetup {
  if (isComposite(solid)) {
    const name = (solid as { invocationName: string }).invocationName;
    throw new InvalidDefinitionError(
      `asOperator() takes a solid definition, got composite "${name}": a composite is a graph of several steps, not one ` +
        `compute per value; run it in a pipeline (run()/execute(), with outputs() for its values), or make an operator of ` +
        `each of its solids`,
    );
  }
  if (!isSolid(solid)) throw new InvalidDefinitionError(`asOperator() takes a solid definition, got ${typeof solid}`);
  const name = solid.invocationName;
  const where = `asOperator(solid "${name}")`;
  if (typeof options !== 'object' || options === null) throw new InvalidDefinitionError(`${where}: options must be an object`);
  const concurrency = options.concurrency ?? 1;
  if (!(concurrency === Infinity || (Number.isInteger(concurrency) && concurrency >= 1))) {
    throw new InvalidDefinitionError(`${where}: concurrency must be an integer ≥ 1 or Infinity, got ${String(concurrency)}`);
  }
  if (options.mode !== undefined && !isMode(options.mode)) throw new InvalidDefinitionError(`${where}: mode must be a mode() definition`);
  const given = options.resources ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new InvalidDefinitionError(`${where}: resources must be an object keyed by resource key`);
  }
  const resources: Record<string, Resource> = Object.assign(Object.create(null) as Record<string, Resource>, options.mode?.resources);
  for (const [key, value] of Object.entries(given)) resources[key] = isResource(value) ? value : resource({ init: () => value });
  for (const key of solid.resources) {
    if (!Object.hasOwn(resources, key)) {
      const provided = Object.keys(resources);
      throw new InvalidDefinitionError(
        `${where}: no resource "${key}", which the solid requires; give it in options.resources (a value or a resource ` +
          `definition)${options.mode ? ` or in mode "${options.mode.name}"` : ' or through options.mode'}` +
          (provided.length ? ` (given: ${provided.join(', ')})` : ''),
      );
    }
  }
  const runMode = makeMode({
    name: options.mode?.name ?? 'default',
    resources,
    // No mode: ctx.log goes nowhere.
    loggers: options.mode?.loggers ?? {},
    ...(options.mode ? { executors: options.mode.executors } : {}),
  } as ModeOptions<Record<string, Resource>, string>);
  return {
    solid,
    name,
    pipeline: standInPipeline(solid, runMode),
    mode: runMode,
    concurrency,
    inputs: Object.entries(solid.inputs).map(([input, schema]) => ({ name: input, check: checkOf(schema) })),
    outputChecks: new Map(
      Object.entries(solid.outputs).flatMap(([output, schema]) => {
        const check = checkOf(schema);
        return check ? [[output, check] as const] : [];
      }),
    ),
    runConfig: options.runConfig,
    config: options.config,
    logs: Object.keys(runMode.loggers).length > 0,
  };
}

/**
 * A one-solid pipeline that run config is resolved against: the solid's config and
 * resources, and no inputs (the stream gives them), so that config is parsed exactly as a
 * run parses it. Its compute never runs.
 */
function standInPipeline(solid: AnySolid, runMode: Mode) {
  let standIn: AnySolid = makeSolid({
    name: solid.name,
    config: solid.config,
    resources: solid.resources,
    compute: solid.compute,
  });
  if (solid.bound) standIn = standIn.configured(solid.bound.value as never);
  if (solid.invocationName !== solid.name) standIn = standIn.alias(solid.invocationName);
  return pipeline({
    name: `as_operator_${solid.invocationName}`,
    modes: [runMode],
    graph: () => {
      standIn();
    },
  });
}
