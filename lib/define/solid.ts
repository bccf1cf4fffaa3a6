import type { Observable, SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { assertName, assertSchema, describe, KIND } from './definition.ts';
import { isPlainObject } from '../support/deep-merge.ts';
import { InvalidDefinitionError } from '../errors.ts';
import { bindConfig, type BoundConfig } from './configured.ts';
import { addInvocation } from './graph.ts';
import { isHandle, outputHandle, type OutputHandle, type Wire } from './handle.ts';
import type { Log } from './log.ts';
import type { ConfigOf, ResourcesOf } from './resource.ts';

/** Names mapped to zod schemas: a solid's `inputs` or `outputs`. */
export type Schemas = Readonly<Record<string, z.ZodType>>;

/** The values a compute receives for inputs `I`. */
export type InputValues<I extends Schemas> = { -readonly [K in keyof I]: z.output<I[K]> };

/** The values of outputs `O`. */
export type OutputValues<O extends Schemas> = { -readonly [K in keyof O]: z.output<O[K]> };

/** What a compute may return for values of type `T`. */
export type Emits<T> = T | Promise<T> | Observable<T> | AsyncIterable<T>;

/** When and how often a failed step is tried again. */
export interface RetryPolicy {
  readonly maxRetries: number;
  /** Wait before the first retry, in ms (default 0). */
  readonly delayMs?: number;
  /** `fixed` (default) waits `delayMs` each time; `exponential` doubles it per attempt. */
  readonly backoff?: 'fixed' | 'exponential';
}

/** `ctx` in a compute. */
export interface SolidContext<C = unknown, R extends readonly string[] = readonly string[]> {
  /** The solid's config, parsed by its schema (`solids.<name>.config`). */
  readonly config: C;
  /** The resources this solid declared, and only those. */
  readonly resources: ResourcesOf<R>;
  /** pino-style logger bound to runId, pipeline, mode, solid and stepKey. */
  readonly log: Log;
  readonly runId: string;
  readonly pipelineName: string;
  readonly mode: string;
  /** The invocation name. */
  readonly solid: string;
  /** `name`, or `name[i]` for a step fanned out from a multi-valued output. */
  readonly stepKey: string;
  /** Aborts when the run is canceled. */
  readonly signal: AbortSignal;
  /** 1 on the first attempt, 2 on the first retry, … */
  readonly attempt: number;
  /**
   * The executor's scheduler: pass it to RxJS time operators (`timer(100, ctx.scheduler)`)
   * so that the virtualTime executor can run them in virtual time.
   */
  readonly scheduler: SchedulerLike;
}

interface CommonSolidOptions<I extends Schemas, C extends z.ZodType | undefined, R extends readonly string[]> {
  readonly name: string;
  readonly description?: string;
  /** Input names mapped to zod schemas, checked before compute runs. */
  readonly inputs?: I;
  /** The zod schema of `solids.<name>.config`. */
  readonly config?: C;
  /** Resource keys this solid uses; `ctx.resources` holds these and no others. */
  readonly resources?: R;
  readonly retry?: RetryPolicy;
  /** Free-form tags; `priority` (an integer, default 0) orders ready steps, highest first. */
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** Options of a solid with one output, `result`. */
export interface SingleOutputSolidOptions<
  I extends Schemas,
  O extends z.ZodType,
  C extends z.ZodType | undefined,
  R extends readonly string[],
> extends CommonSolidOptions<I, C, R> {
  /** The schema of the single output `result` (default `z.unknown()`). */
  readonly output?: O;
  readonly outputs?: undefined;
  readonly compute: (ctx: SolidContext<ConfigOf<C>, R>, inputs: InputValues<I>) => Emits<z.input<O>> | Emits<void>;
}

/** Options of a solid with several named outputs. */
export interface MultiOutputSolidOptions<
  I extends Schemas,
  O extends Schemas,
  C extends z.ZodType | undefined,
  R extends readonly string[],
> extends CommonSolidOptions<I, C, R> {
  readonly output?: undefined;
  /** Output names mapped to schemas; compute returns an object keyed by output name. */
  readonly outputs: O;
  readonly compute: (
    ctx: SolidContext<ConfigOf<C>, R>,
    inputs: InputValues<I>,
  ) => Emits<Partial<{ -readonly [K in keyof O]: z.input<O[K]> }>>;
}

/** Named wiring of inputs `I`: each a handle of a compatible type. */
export type InputWires<I extends Schemas> = { readonly [K in keyof I]?: Wire<z.input<I[K]>> };

/** What invoking a solid inside `graph()` gives: a handle, or one per output. */
export type Invocation<O extends Record<string, unknown>, Multi extends boolean> = Multi extends true
  ? { readonly [K in keyof O]: OutputHandle<O[K]> }
  : OutputHandle<O['result']>;

/**
 * A solid: a typed step. Call it inside a pipeline's `graph()` to add an invocation.
 */
export interface Solid<
  I extends Schemas = Schemas,
  O extends Record<string, unknown> = Record<string, unknown>,
  C = unknown,
  Multi extends boolean = boolean,
> {
  /** Wires inputs by name: `b({ x: a() })`. */
  (inputs?: InputWires<I>): Invocation<O, Multi>;
  /** Wires inputs by position, in the order `inputs` declares them: `c(a(), b())`. */
  (...handles: Wire<z.input<I[keyof I]>>[]): Invocation<O, Multi>;
  readonly [KIND]: 'solid';
  /** The definition's name. */
  readonly name: string;
  /** The name an invocation of this solid gets: its alias, else `name`. */
  readonly invocationName: string;
  readonly description: string | undefined;
  readonly inputs: Readonly<Record<string, z.ZodType>>;
  readonly outputs: Readonly<Record<string, z.ZodType>>;
  /** True when declared with `outputs` (compute returns objects keyed by output name). */
  readonly multipleOutputs: boolean;
  readonly config: z.ZodType | undefined;
  readonly bound: BoundConfig | undefined;
  readonly resources: readonly string[];
  readonly retry: RetryPolicy | undefined;
  readonly tags: Readonly<Record<string, unknown>>;
  /** `tags.priority`, default 0. */
  readonly priority: number;
  readonly compute: (ctx: SolidContext<any, any>, inputs: any) => unknown;
  /** The same solid under another invocation name: `a.alias('a2')()`. */
  alias(name: string): Solid<I, O, C, Multi>;
  /** A copy with config bound; it no longer appears in run config. */
  configured(config: C extends undefined ? never : unknown): Solid<I, O, undefined, Multi>;
  /** Phantom: the config type. */
  readonly __config?: C;
}

/** A solid of any type, for code that handles solids generically. */
export type AnySolid = Solid<any, any, any, any>;

/**
 * Defines a solid: a typed step. `compute(ctx, inputs)` returns a value, a Promise, an
 * Observable or an AsyncIterable; several emissions of one output fan the downstream out.
 *
 * @example
 * const double = solid({
 *   name: 'double',
 *   inputs: { n: z.number() },
 *   output: z.number(),
 *   compute: (_ctx, { n }) => n * 2,
 * });
 *
 * @throws {InvalidDefinitionError} for a bad name, non-zod schemas, both `output` and
 *   `outputs`, a bad retry policy or priority, or a missing compute
 */
export function solid<
  I extends Schemas = {},
  O extends z.ZodType = z.ZodUnknown,
  C extends z.ZodType | undefined = undefined,
  const R extends readonly string[] = [],
>(options: SingleOutputSolidOptions<I, O, C, R>): Solid<I, { result: z.output<O> }, ConfigOf<C>, false>;
export function solid<
  I extends Schemas = {},
  O extends Schemas = Schemas,
  C extends z.ZodType | undefined = undefined,
  const R extends readonly string[] = [],
>(options: MultiOutputSolidOptions<I, O, C, R>): Solid<I, OutputValues<O>, ConfigOf<C>, true>;
export function solid(options: AnySolidOptions): AnySolid {
  return makeSolid(validate(options), undefined, undefined);
}

type AnySolidOptions = CommonSolidOptions<Schemas, z.ZodType | undefined, readonly string[]> & {
  readonly output?: z.ZodType | undefined;
  readonly outputs?: Schemas | undefined;
  readonly compute: (ctx: SolidContext<any, any>, inputs: any) => unknown;
};

/** The schema of an output declared without one. */
const UNKNOWN_OUTPUT: z.ZodType = z.unknown();

function validate(options: AnySolidOptions): AnySolidOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidDefinitionError(`solid() takes an options object, got ${describe(options)}`);
  }
  assertName(options.name, 'solid');
  const where = `solid "${options.name}"`;
  if (typeof options.compute !== 'function') {
    throw new InvalidDefinitionError(`${where}: compute must be a function, got ${describe(options.compute)}`);
  }
  if (options.output !== undefined && options.outputs !== undefined) {
    throw new InvalidDefinitionError(`${where}: give either "output" (one output) or "outputs" (several), not both`);
  }
  for (const [field, schemas] of [['inputs', options.inputs], ['outputs', options.outputs]] as const) {
    if (schemas === undefined) continue;
    if (typeof schemas !== 'object' || schemas === null || Object.hasOwn(schemas, '_zod')) {
      throw new InvalidDefinitionError(`${where}: ${field} must map names to zod schemas, e.g. { x: z.number() }`);
    }
    if (!isPlainObject(schemas)) {
      // `{ __proto__: z.number() }` sets the prototype: the would-be name is silently gone.
      throw new InvalidDefinitionError(
        `${where}: ${field} must be a plain object mapping names to zod schemas, e.g. { x: z.number() } ` +
          `(a key "__proto__" sets its prototype; "__proto__" cannot be a name)`,
      );
    }
    for (const [key, schema] of Object.entries(schemas)) {
      assertName(key, `${where}: ${field.slice(0, -1)}`);
      assertSchema(schema, `${where}: ${field.slice(0, -1)} "${key}"`);
    }
  }
  if (options.outputs !== undefined && Object.keys(options.outputs).length === 0) {
    throw new InvalidDefinitionError(`${where}: outputs is empty; leave it out for the single output "result"`);
  }
  assertSchema(options.output, `${where}: output`);
  assertSchema(options.config, `${where}: config`);
  const resources = options.resources ?? [];
  if (!Array.isArray(resources)) {
    throw new InvalidDefinitionError(`${where}: resources must be an array of resource keys, e.g. ['database']`);
  }
  for (const key of resources) assertName(key, `${where}: resource key`);
  const retry = options.retry;
  if (retry !== undefined) {
    const ok =
      typeof retry === 'object' &&
      retry !== null &&
      Number.isInteger(retry.maxRetries) &&
      retry.maxRetries >= 0 &&
      (retry.delayMs === undefined || (typeof retry.delayMs === 'number' && retry.delayMs >= 0)) &&
      (retry.backoff === undefined || retry.backoff === 'fixed' || retry.backoff === 'exponential');
    if (!ok) {
      throw new InvalidDefinitionError(
        `${where}: retry must be { maxRetries: integer ≥ 0, delayMs?: number ≥ 0, backoff?: 'fixed' | 'exponential' }, ` +
          `got ${JSON.stringify(retry)}`,
      );
    }
  }
  const priority = options.tags?.['priority'];
  if (priority !== undefined && !Number.isInteger(priority)) {
    throw new InvalidDefinitionError(`${where}: tags.priority must be an integer, got ${describe(priority)}`);
  }
  return options;
}

function makeSolid(options: AnySolidOptions, alias: string | undefined, bound: BoundConfig | undefined): AnySolid {
  const inputs = Object.freeze({ ...(options.inputs ?? {}) });
  const inputNames = Object.keys(inputs);
  const outputs = Object.freeze(options.outputs ? { ...options.outputs } : { result: options.output ?? UNKNOWN_OUTPUT });
  const multipleOutputs = options.outputs !== undefined;
  const invocationName = () => alias ?? options.name;

  const invoke = (...args: unknown[]): unknown => {
    const wires = wireArguments(self, invocationName(), inputNames, args);
    const node = addInvocation(self, alias, wires);
    if (!multipleOutputs) return outputHandle(node.name, node.index, 'result');
    return Object.freeze(Object.fromEntries(Object.keys(outputs).map((o) => [o, outputHandle(node.name, node.index, o)])));
  };

  const props = {
    [KIND]: 'solid' as const,
    description: options.description,
    inputs,
    outputs,
    multipleOutputs,
    invocationName: alias ?? options.name,
    config: options.config,
    bound,
    resources: Object.freeze([...(options.resources ?? [])]),
    retry: options.retry ? Object.freeze({ ...options.retry }) : undefined,
    tags: Object.freeze({ ...(options.tags ?? {}) }),
    priority: (options.tags?.['priority'] as number | undefined) ?? 0,
    compute: options.compute,
    alias(name: string) {
      assertName(name, `alias of solid "${options.name}"`);
      return makeSolid(options, name, bound);
    },
    configured(config: unknown) {
      return makeSolid(options, alias, bindConfig(options.config, config, `solid "${options.name}"`));
    },
  };
  const self = Object.assign(invoke, props) as unknown as AnySolid;
  // A solid is a function, so `name` is a built-in; the definition's name wins.
  Object.defineProperty(self, 'name', { value: options.name, enumerable: true });
  return Object.freeze(self);
}

function wireArguments(
  self: AnySolid,
  node: string,
  inputNames: readonly string[],
  args: unknown[],
): Record<string, Wire<unknown>> {
  const where = `invocation "${node}" of solid "${self.name}"`;
  // Keyed by input name: no prototype, so an input named `toString` is unwired until wired.
  const wires: Record<string, Wire<unknown>> = Object.create(null);
  if (args.length === 0 || (args.length === 1 && args[0] === undefined)) return wires;
  if (args.length === 1 && !isHandle(args[0]) && typeof args[0] === 'object' && args[0] !== null) {
    for (const [input, value] of Object.entries(args[0])) {
      if (!inputNames.includes(input)) {
        throw new InvalidDefinitionError(
          `${where} has no input "${input}"; its inputs are: ${inputNames.join(', ') || '(none)'}`,
        );
      }
      if (value === undefined) continue;
      wires[input] = asWire(value, `${where}: input "${input}"`, node, input);
    }
    return wires;
  }
  if (args.length > inputNames.length) {
    throw new InvalidDefinitionError(
      `${where} got ${args.length} positional inputs but declares ${inputNames.length}` +
        (inputNames.length ? ` (${inputNames.join(', ')})` : ''),
    );
  }
  args.forEach((value, i) => {
    const input = inputNames[i]!;
    if (value !== undefined) wires[input] = asWire(value, `${where}: input "${input}"`, node, input);
  });
  return wires;
}

function asWire(value: unknown, where: string, node: string, input: string): Wire<unknown> {
  if (isHandle(value)) return value;
  throw new InvalidDefinitionError(
    `${where} got ${describe(value)}; wire the output of another solid (e.g. b({ ${input}: a() })), ` +
      `or leave it unwired and give it in run config at solids.${node}.inputs.${input}.value`,
  );
}

/** True for a solid definition (by brand, so it works across library copies). */
export function isSolid(value: unknown): value is AnySolid {
  return typeof value === 'function' && (value as { [KIND]?: unknown })[KIND] === 'solid';
}
