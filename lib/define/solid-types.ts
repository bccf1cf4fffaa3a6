/**
 * The types of a solid and of its `ctx`, apart from solid() itself, which makes one: the
 * graph records invocations of solids without depending on how they are made.
 */
import type { Observable, SchedulerLike } from 'rxjs';
import type { z } from 'zod';
import type { BoundConfig } from './configured.ts';
import type { KIND } from './definition.ts';
import type { OutputHandle, Wire } from './handle.ts';
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

/**
 * What a compute that returns nothing (`void`) gives: allowed only when the output accepts
 * `undefined`, so that a compute which forgets its `return` does not compile.
 */
export type EmitsNothing<T> = undefined extends T ? Emits<void> : never;

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

/** What every solid takes, whatever its outputs. */
export interface CommonSolidOptions<I extends Schemas, C extends z.ZodType | undefined, R extends readonly string[]> {
  /** The definition's name (`^[A-Za-z0-9_]+$`); invocations are named after it unless aliased. */
  readonly name: string;
  /** Shown by `modeflow pipeline print`. */
  readonly description?: string;
  /** Input names mapped to zod schemas, checked before compute runs. */
  readonly inputs?: I;
  /** The zod schema of `solids.<name>.config`. */
  readonly config?: C;
  /** Resource keys this solid uses; `ctx.resources` holds these and no others. */
  readonly resources?: R;
  /** Tries a failed step again; see RetryPolicy (a compute may also throw RetryRequested). */
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
  /** Left out: give `output`, or only `outputs` (see MultiOutputSolidOptions). */
  readonly outputs?: undefined;
  /**
   * The step's work: returns `result`'s value, a Promise, an Observable or an AsyncIterable
   * of values; several values fan the downstream out. A compute that returns nothing
   * compiles only when `output` accepts `undefined` (or is left out).
   */
  readonly compute: (ctx: SolidContext<ConfigOf<C>, R>, inputs: InputValues<I>) => Emits<z.input<O>> | EmitsNothing<z.input<O>>;
}

/** Options of a solid with several named outputs. */
export interface MultiOutputSolidOptions<
  I extends Schemas,
  O extends Schemas,
  C extends z.ZodType | undefined,
  R extends readonly string[],
> extends CommonSolidOptions<I, C, R> {
  /** Left out: give `outputs`, or only `output` (see SingleOutputSolidOptions). */
  readonly output?: undefined;
  /** Output names mapped to schemas; compute returns an object keyed by output name. */
  readonly outputs: O;
  /**
   * The step's work: returns (or emits, as with one output) objects keyed by output name;
   * an output left out or `undefined` is not produced, and its downstream is skipped.
   */
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
