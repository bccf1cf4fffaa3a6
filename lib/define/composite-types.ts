/**
 * The types of a composite and of what `composite()` takes, apart from composite() itself
 * (as solid-types.ts is for solids).
 */
import type { z } from 'zod';
import type { BoundConfig } from './configured.ts';
import type { KIND } from './definition.ts';
import type { OutputHandle, Wire } from './handle.ts';
import type { AnyHook } from './hook.ts';
import type { ConfigOf } from './resource.ts';
import type { InputWires, Schemas } from './solid-types.ts';

/** The handles a composite's `graph` gets: one per input, typed by its schema. */
export type InputHandles<I extends Schemas> = { readonly [K in keyof I]: OutputHandle<z.output<I[K]>> };

/** Handles a composite's graph may return without declaring outputs: one (`result`), several by name, or none. */
export type CompositeReturn = void | undefined | Wire<any> | { readonly [output: string]: Wire<any> };

/** What every composite takes, whatever its outputs. */
export interface CommonCompositeOptions<I extends Schemas, C extends z.ZodType | undefined> {
  /** The definition's name (`^[A-Za-z0-9_]+$`); invocations are named after it unless aliased. */
  readonly name: string;
  readonly description?: string;
  /**
   * Input names mapped to zod schemas. Its graph gets a handle per input: the one wired to
   * it, or one of `solids.<invocation>.inputs.<input>.value` (checked by this schema) when
   * the input is left unwired. Values flowing through are checked by the inner solids.
   */
  readonly inputs?: I;
  /** The zod schema of `solids.<invocation>.config`; needs `configMapping`. */
  readonly config?: C;
  /**
   * Turns the composite's config into its solids' run config — `{ inner: { config, inputs },
   * nested: { config } | { solids } }`, the shape `solids.<invocation>.solids` has — which
   * is checked like run config. With it, only `solids.<invocation>.config` is given.
   */
  readonly configMapping?: (config: ConfigOf<C>) => Readonly<Record<string, unknown>>;
}

/** A composite with one declared output, `result`. */
export interface SingleOutputCompositeOptions<
  I extends Schemas,
  O extends z.ZodType,
  C extends z.ZodType | undefined,
> extends CommonCompositeOptions<I, C> {
  /** The schema of `result`, for typing its handle (its values are checked by the inner solid that makes them). */
  readonly output: O;
  readonly outputs?: undefined;
  /** Invokes solids and composites with the input handles; returns the handle that is `result`. */
  readonly graph: (inputs: InputHandles<I>) => Wire<z.input<O>>;
}

/** A composite with several declared outputs. */
export interface MultiOutputCompositeOptions<
  I extends Schemas,
  O extends Schemas,
  C extends z.ZodType | undefined,
> extends CommonCompositeOptions<I, C> {
  readonly output?: undefined;
  /** Output names mapped to schemas, for typing their handles. */
  readonly outputs: O;
  /** Returns one handle per declared output. */
  readonly graph: (inputs: InputHandles<I>) => { readonly [K in keyof O]: Wire<z.input<O[K]>> };
}

/** A composite whose outputs are what its graph returns: a handle (`result`), an object of handles, or nothing. */
export interface InferredCompositeOptions<
  I extends Schemas,
  G extends CompositeReturn,
  C extends z.ZodType | undefined,
> extends CommonCompositeOptions<I, C> {
  readonly output?: undefined;
  readonly outputs?: undefined;
  readonly graph: (inputs: InputHandles<I>) => G;
}

/**
 * A composite solid: invoke it inside a graph like a solid (`etl({ rows: load() })`); it
 * gives what its graph returned, as handles of the inner outputs.
 */
export interface Composite<I extends Schemas = Schemas, R = unknown, C = unknown> {
  /** Wires inputs by name. */
  (inputs?: InputWires<I>): R;
  /** Wires inputs by position, in the order `inputs` declares them. */
  (...handles: Wire<z.input<I[keyof I]>>[]): R;
  readonly [KIND]: 'composite';
  readonly name: string;
  /** The name an invocation gets: its alias, else `name`. */
  readonly invocationName: string;
  readonly description: string | undefined;
  readonly inputs: Readonly<Record<string, z.ZodType>>;
  /** Declared output schemas; undefined when its outputs are what its graph returns. */
  readonly outputs: Readonly<Record<string, z.ZodType>> | undefined;
  readonly config: z.ZodType | undefined;
  readonly configMapping: ((config: any) => Readonly<Record<string, unknown>>) | undefined;
  readonly bound: BoundConfig | undefined;
  readonly hooks: readonly AnyHook[];
  readonly graph: (inputs: any) => unknown;
  /** The same composite under another invocation name. */
  alias(name: string): Composite<I, R, C>;
  /** A copy with its config bound: neither `config` nor `solids` is then given for it in run config. */
  configured(config: C extends undefined ? never : unknown): Composite<I, R, undefined>;
  /** A copy whose hooks watch every solid inside it. */
  withHooks(...hooks: AnyHook[]): Composite<I, R, C>;
  /** Phantom: the config type. */
  readonly __config?: C;
}

/** A composite of any type. */
export type AnyComposite = Composite<any, any, any>;
