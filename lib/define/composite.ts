/**
 * Composite solids: a graph used like a solid. Invoked in a parent graph, it is flattened
 * at once (define/graph.ts): its solids join the pipeline named `<invocation>.<inner>`,
 * wired straight to what feeds the composite, so it is no barrier and costs nothing at run
 * time. Its config, when it maps one, is turned into its solids' config by `configMapping`.
 */
import type { z } from 'zod';
import { InvalidDefinitionError } from '../errors.ts';
import { isPlainObject } from '../support/deep-merge.ts';
import { bindConfig, type BoundConfig } from './configured.ts';
import type {
  AnyComposite,
  CommonCompositeOptions,
  CompositeReturn,
  Composite,
  InferredCompositeOptions,
  MultiOutputCompositeOptions,
  SingleOutputCompositeOptions,
} from './composite-types.ts';
import { assertName, assertSchema, assertSchemaMap, describe, isKind, KIND } from './definition.ts';
import { addComposite } from './graph.ts';
import { isHandle, type OutputHandle, type Wire } from './handle.ts';
import { NO_HOOKS, withMoreHooks, type AnyHook } from './hook.ts';
import type { ConfigOf } from './resource.ts';
import type { Schemas } from './solid-types.ts';
import { wireArguments } from './wire-arguments.ts';

/**
 * Defines a composite solid: a reusable sub-graph with inputs, outputs and, optionally, its
 * own config mapped onto its solids' config. Nest composites to any depth; alias them like
 * solids. Inside, invocations are named `<invocation>.<inner>` — in step keys, results,
 * selection (`etl` selects all of it, `etl.load` one solid) and run config
 * (`solids.etl.solids.load.config`).
 *
 * @example
 * const cleanAndLoad = composite({
 *   name: 'clean_and_load',
 *   inputs: { rows: z.array(row) },
 *   output: z.number(),
 *   config: z.object({ table: z.string() }),
 *   configMapping: (c) => ({ load: { config: { table: c.table, batch: 500 } } }),
 *   graph: ({ rows }) => load(clean(rows)),
 * });
 * pipeline({ name: 'etl', graph: () => void report(cleanAndLoad({ rows: extract() })) });
 *
 * @throws {InvalidDefinitionError} for a bad name, schemas that are not zod, both `output`
 *   and `outputs`, `config` without `configMapping`, or a missing `graph`
 */
export function composite<I extends Schemas = {}, const O extends Schemas = Schemas, C extends z.ZodType | undefined = undefined>(
  options: MultiOutputCompositeOptions<I, O, C>,
): Composite<I, { readonly [K in keyof O]: OutputHandle<z.output<O[K]>> }, ConfigOf<C>>;
export function composite<I extends Schemas = {}, O extends z.ZodType = z.ZodUnknown, C extends z.ZodType | undefined = undefined>(
  options: SingleOutputCompositeOptions<I, O, C>,
): Composite<I, OutputHandle<z.output<O>>, ConfigOf<C>>;
export function composite<I extends Schemas = {}, G extends CompositeReturn = void, C extends z.ZodType | undefined = undefined>(
  options: InferredCompositeOptions<I, G, C>,
): Composite<I, G extends Wire<any> | { readonly [o: string]: Wire<any> } ? G : void, ConfigOf<C>>;
export function composite(options: AnyCompositeOptions): AnyComposite {
  return makeComposite(validate(options), undefined, undefined, NO_HOOKS);
}

type AnyCompositeOptions = CommonCompositeOptions<Schemas, z.ZodType | undefined> & {
  readonly output?: z.ZodType | undefined;
  readonly outputs?: Schemas | undefined;
  readonly graph: (inputs: any) => unknown;
};

function validate(options: AnyCompositeOptions): AnyCompositeOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidDefinitionError(`composite() takes an options object, got ${describe(options)}`);
  }
  assertName(options.name, 'composite');
  const where = `composite "${options.name}"`;
  if (typeof options.graph !== 'function') {
    throw new InvalidDefinitionError(`${where}: graph must be a function that invokes solids, e.g. graph: ({ x }) => b(a(x))`);
  }
  if (options.output !== undefined && options.outputs !== undefined) {
    throw new InvalidDefinitionError(`${where}: give either "output" (one output) or "outputs" (several), not both`);
  }
  assertSchemaMap(options.inputs, 'inputs', where);
  assertSchemaMap(options.outputs, 'outputs', where);
  if (options.outputs !== undefined && Object.keys(options.outputs).length === 0) {
    throw new InvalidDefinitionError(`${where}: outputs is empty; leave it out, and return nothing from graph, for no outputs`);
  }
  assertSchema(options.output, `${where}: output`);
  assertSchema(options.config, `${where}: config`);
  if (options.configMapping !== undefined && typeof options.configMapping !== 'function') {
    throw new InvalidDefinitionError(`${where}: configMapping must be a function from its config to its solids' config`);
  }
  if (options.config !== undefined && options.configMapping === undefined) {
    throw new InvalidDefinitionError(
      `${where}: config needs a configMapping that turns it into its solids' config, e.g. ` +
        `configMapping: (c) => ({ inner: { config: { n: c.n } } }); without one, configure the solids at solids.<invocation>.solids`,
    );
  }
  return options;
}

function makeComposite(
  options: AnyCompositeOptions,
  alias: string | undefined,
  bound: BoundConfig | undefined,
  hooks: readonly AnyHook[],
): AnyComposite {
  const inputs = Object.freeze({ ...(options.inputs ?? {}) });
  const inputNames = Object.keys(inputs);
  const declared: Readonly<Record<string, z.ZodType>> | undefined = options.outputs
    ? Object.freeze({ ...options.outputs })
    : options.output
      ? Object.freeze({ result: options.output })
      : undefined;
  const where = `composite "${options.name}"`;

  const invoke = (...args: unknown[]): unknown => {
    const wires = wireArguments(where, alias ?? options.name, inputNames, args);
    // One handle returned (or `output` declared): the invocation gives that handle, else an object of them.
    let single = false;
    const node = addComposite(self, alias, wires, inputNames, (handles) => {
      const returned = outputsOf(options, options.graph(handles), where);
      single = returned.single;
      return returned.outputs;
    });
    if (single) return node.outputs['result'];
    return Object.keys(node.outputs).length === 0 ? undefined : Object.freeze({ ...node.outputs });
  };

  const props = {
    [KIND]: 'composite' as const,
    description: options.description,
    inputs,
    outputs: declared,
    invocationName: alias ?? options.name,
    config: options.config,
    configMapping: options.configMapping,
    bound,
    hooks,
    graph: options.graph,
    alias(name: string) {
      assertName(name, `alias of ${where}`);
      return makeComposite(options, name, bound, hooks);
    },
    configured(config: unknown) {
      return makeComposite(options, alias, bindConfig(options.config, config, where), hooks);
    },
    withHooks(...more: unknown[]) {
      return makeComposite(options, alias, bound, withMoreHooks(hooks, more, `composite "${alias ?? options.name}"`));
    },
  };
  const self = Object.assign(invoke, props) as unknown as AnyComposite;
  Object.defineProperty(self, 'name', { value: options.name, enumerable: true });
  return Object.freeze(self);
}

/**
 * The outputs a graph returned, by name, checked against the declared ones: one handle is
 * `result`, an object of handles gives its keys, nothing gives none.
 */
function outputsOf(
  options: AnyCompositeOptions,
  returned: unknown,
  where: string,
): { readonly outputs: Readonly<Record<string, Wire<unknown>>>; readonly single: boolean } {
  const outputs: Record<string, Wire<unknown>> = Object.create(null);
  if (options.outputs !== undefined) {
    if (!isPlainObject(returned) || isHandle(returned)) {
      throw new InvalidDefinitionError(
        `${where} declares outputs ${Object.keys(options.outputs).join(', ')}, so its graph must return an object of their handles, ` +
          `e.g. { ${Object.keys(options.outputs)[0]}: a() }; it returned ${describe(returned)}`,
      );
    }
    const missing = Object.keys(options.outputs).filter((o) => !Object.hasOwn(returned, o));
    const extra = Object.keys(returned).filter((o) => !Object.hasOwn(options.outputs!, o));
    if (missing.length || extra.length) {
      const problems = [missing.length ? `missing: ${missing.join(', ')}` : '', extra.length ? `not declared: ${extra.join(', ')}` : ''];
      throw new InvalidDefinitionError(
        `${where}: its graph must return exactly its outputs (${Object.keys(options.outputs).join(', ')}); ${problems.filter(Boolean).join('; ')}`,
      );
    }
    for (const [o, wire] of Object.entries(returned)) outputs[o] = asOutput(wire, o, where);
    return { outputs, single: false };
  }
  if (returned === undefined) {
    if (options.output !== undefined) throw new InvalidDefinitionError(`${where} declares an output, so its graph must return its handle`);
    return { outputs, single: false };
  }
  if (isHandle(returned)) {
    outputs['result'] = returned;
    return { outputs, single: true };
  }
  if (options.output !== undefined || !isPlainObject(returned)) {
    const expected = options.output !== undefined ? 'the handle of its output' : 'a handle, an object of handles, or nothing';
    throw new InvalidDefinitionError(`${where}: its graph must return ${expected}, got ${describe(returned)}`);
  }
  for (const [o, wire] of Object.entries(returned)) {
    assertName(o, `${where}: output`);
    outputs[o] = asOutput(wire, o, where);
  }
  return { outputs, single: false };
}

function asOutput(value: unknown, output: string, where: string): Wire<unknown> {
  if (isHandle(value)) return value;
  throw new InvalidDefinitionError(`${where}: output "${output}" must be the handle of an inner solid's output, got ${describe(value)}`);
}

/** True for a composite definition (by brand, so it works across library copies). */
export function isComposite(value: unknown): value is AnyComposite {
  return typeof value === 'function' && isKind(value, 'composite');
}
