import { z } from 'zod';
import { InvalidDefinitionError } from '../errors.ts';
import { bindConfig, type BoundConfig } from './configured.ts';
import { assertName, assertSchema, assertSchemaMap, describe, KIND } from './definition.ts';
import { addInvocation } from './graph.ts';
import { NO_HOOKS, withMoreHooks, type AnyHook } from './hook.ts';
import { outputHandle } from './handle.ts';
import { wireArguments } from './wire-arguments.ts';
import type { ConfigOf } from './resource.ts';
import type {
  AnySolid,
  CommonSolidOptions,
  MultiOutputSolidOptions,
  OutputValues,
  Schemas,
  SingleOutputSolidOptions,
  Solid,
  SolidContext,
} from './solid-types.ts';

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
// Several outputs first: a mistake in a single-output solid (the commoner kind) is then
// reported against its own overload, the last one tried.
export function solid<
  I extends Schemas = {},
  O extends Schemas = Schemas,
  C extends z.ZodType | undefined = undefined,
  const R extends readonly string[] = [],
>(options: MultiOutputSolidOptions<I, O, C, R>): Solid<I, OutputValues<O>, ConfigOf<C>, true>;
export function solid<
  I extends Schemas = {},
  O extends z.ZodType = z.ZodUnknown,
  C extends z.ZodType | undefined = undefined,
  const R extends readonly string[] = [],
>(options: SingleOutputSolidOptions<I, O, C, R>): Solid<I, { result: z.output<O> }, ConfigOf<C>, false>;
export function solid(options: AnySolidOptions): AnySolid {
  return makeSolid(validate(options), undefined, undefined, NO_HOOKS);
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
  assertSchemaMap(options.inputs, 'inputs', where);
  assertSchemaMap(options.outputs, 'outputs', where);
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

function makeSolid(
  options: AnySolidOptions,
  alias: string | undefined,
  bound: BoundConfig | undefined,
  hooks: readonly AnyHook[],
): AnySolid {
  const inputs = Object.freeze({ ...(options.inputs ?? {}) });
  const inputNames = Object.keys(inputs);
  const outputs = Object.freeze(options.outputs ? { ...options.outputs } : { result: options.output ?? UNKNOWN_OUTPUT });
  const multipleOutputs = options.outputs !== undefined;
  const invocationName = () => alias ?? options.name;

  const invoke = (...args: unknown[]): unknown => {
    const wires = wireArguments(`solid "${self.name}"`, invocationName(), inputNames, args);
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
      return makeSolid(options, name, bound, hooks);
    },
    configured(config: unknown) {
      return makeSolid(options, alias, bindConfig(options.config, config, `solid "${options.name}"`), hooks);
    },
    hooks,
    withHooks(...more: unknown[]) {
      return makeSolid(options, alias, bound, withMoreHooks(hooks, more, `solid "${alias ?? options.name}"`));
    },
  };
  const self = Object.assign(invoke, props) as unknown as AnySolid;
  // A solid is a function, so `name` is a built-in; the definition's name wins.
  Object.defineProperty(self, 'name', { value: options.name, enumerable: true });
  return Object.freeze(self);
}

/** True for a solid definition (by brand, so it works across library copies). */
export function isSolid(value: unknown): value is AnySolid {
  return typeof value === 'function' && (value as { [KIND]?: unknown })[KIND] === 'solid';
}
