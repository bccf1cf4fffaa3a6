import type { z } from 'zod';
import { InvalidDefinitionError, ModeflowError } from '../../../lib/errors.ts';

/**
 * What may cross between threads. Values cross by structured clone: plain data, arrays,
 * Maps, Sets, Dates, RegExps, typed arrays, ArrayBuffers, Blobs and the built-in errors
 * keep their type; functions, symbols and Promises cannot be cloned; any other class
 * instance arrives as a plain object, without its prototype.
 */

/** Classes whose instances keep their class across a structured clone. */
const CLONEABLE_CLASSES: ReadonlySet<unknown> = new Set<unknown>([
  Object,
  Array,
  Date,
  RegExp,
  Map,
  Set,
  ArrayBuffer,
  DataView,
  Boolean,
  Number,
  String,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
  globalThis.Blob,
  globalThis.File,
]);

/** The first part of `schema` that no value could cross with, as a phrase, or undefined. */
export function uncrossable(schema: z.ZodType): string | undefined {
  return walk(schema, '', new Set());
}

function walk(schema: z.ZodType, at: string, seen: Set<unknown>): string | undefined {
  if (seen.has(schema)) return undefined;
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const where = at ? ` at ${at}` : '';
  const child = (key: string, path = at) => walk(def[key] as z.ZodType, path, seen);
  switch (def.type) {
    case 'function':
      return `a function (z.function())${where}, and functions cannot be cloned`;
    case 'symbol':
      return `a symbol (z.symbol())${where}, and symbols cannot be cloned`;
    case 'promise':
      return `a Promise (z.promise())${where}, and Promises cannot be cloned`;
    case 'custom': {
      const Class = (schema._zod.bag as { Class?: { name?: string } }).Class;
      if (Class === undefined || CLONEABLE_CLASSES.has(Class)) return undefined;
      return (
        `an instance of class ${Class.name || '(anonymous)'} (z.instanceof)${where}; structured clone keeps ` +
        `its data but not its class or methods, so it can never pass that check on the other side`
      );
    }
    case 'object': {
      for (const [key, value] of Object.entries(def['shape'] as Record<string, z.ZodType>)) {
        const found = walk(value, `${at}.${key}`, seen);
        if (found) return found;
      }
      return def['catchall'] ? child('catchall', `${at}.*`) : undefined;
    }
    case 'array':
      return child('element', `${at}[]`);
    case 'set':
      return child('valueType', `${at}[]`);
    case 'tuple': {
      const items = def['items'] as z.ZodType[];
      for (let i = 0; i < items.length; i++) {
        const found = walk(items[i]!, `${at}[${i}]`, seen);
        if (found) return found;
      }
      return def['rest'] ? child('rest', `${at}[]`) : undefined;
    }
    case 'record':
    case 'map':
      return child('keyType', `${at}.<key>`) ?? child('valueType', `${at}.*`);
    case 'union': {
      // A union crosses when one of its branches can.
      const options = def['options'] as z.ZodType[];
      const reasons = options.map((o) => walk(o, at, new Set(seen)));
      return reasons.every((r) => r !== undefined) ? reasons[0] : undefined;
    }
    case 'intersection':
      return child('left') ?? child('right');
    case 'pipe':
      // The value sent is the pipe's input on one side and its output on the other.
      return child('in') ?? child('out');
    case 'lazy':
      return walk((def['getter'] as () => z.ZodType)(), at, seen);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
    case 'success':
      return child('innerType');
    default:
      return undefined;
  }
}

/** The solids of a pipeline, as far as the crossing check needs them. */
export interface CrossingNode {
  readonly name: string;
  readonly solid: {
    readonly inputs: Readonly<Record<string, z.ZodType>>;
    readonly outputs: Readonly<Record<string, z.ZodType>>;
  };
}

/**
 * Refuses, before any step runs, a pipeline with an input or output schema that no value
 * could cross a thread boundary with.
 *
 * @throws {InvalidDefinitionError} naming the solid, the input or output, and why
 */
export function assertCrossable(pipelineName: string, nodes: readonly CrossingNode[]): void {
  for (const node of nodes) {
    for (const [direction, ports] of [
      ['output', node.solid.outputs],
      ['input', node.solid.inputs],
    ] as const) {
      for (const [port, schema] of Object.entries(ports)) {
        const reason = uncrossable(schema);
        if (reason === undefined) continue;
        throw Object.assign(
          new InvalidDefinitionError(
            `${direction} "${port}" of solid "${node.name}" in pipeline "${pipelineName}" cannot cross to a worker ` +
              `thread: its schema is ${reason}. The workerPool executor moves values between threads by structured ` +
              `clone; declare plain data (objects, arrays, Maps, Dates, typed arrays), or run this pipeline with an ` +
              `in-process executor (sync, async)`,
          ),
          { solid: node.name, [direction]: port },
        );
      }
    }
  }
}

/**
 * The class of `value` when it is an object that a structured clone turns into a plain one
 * (a class instance: its data arrives, its prototype and methods do not), else undefined.
 * Looks at `value` itself only: one prototype read per object.
 */
export function lostClassOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null || proto === Array.prototype) return undefined;
  const Class = (proto as { constructor?: unknown }).constructor;
  if (CLONEABLE_CLASSES.has(Class)) return undefined;
  return (typeof Class === 'function' && Class.name) || '(anonymous)';
}

/**
 * The `warn` record that says a class instance crossed between threads as a plain object:
 * the consumer would otherwise fail later with `x.method is not a function`.
 */
export function lostClassWarning(
  where: { readonly solid: string; readonly stepKey: string },
  direction: 'input' | 'output',
  port: string,
  className: string,
): { readonly type: 'log'; readonly level: 'warn'; readonly message: string; readonly fields: Readonly<Record<string, unknown>> } {
  const towards = direction === 'output' ? 'from its worker thread to the main thread' : 'to a worker thread';
  return {
    type: 'log',
    level: 'warn',
    message:
      `${direction} "${port}" of solid "${where.solid}" (step ${where.stepKey}) is or holds an instance of class ${className}; ` +
      `sent ${towards} by structured clone, it arrives as a plain object, without its prototype or methods. ` +
      `Send plain data (rebuild the ${className} where it is used), or run this pipeline with an in-process executor (sync, async)`,
    fields: { solid: where.solid, [direction]: port, className },
  };
}

/** A value that failed to clone on its way between threads, naming the solid and the port. */
export function uncloneableValue(
  where: { readonly solid: string; readonly stepKey: string },
  direction: 'input' | 'output',
  port: string,
  error: unknown,
  value?: unknown,
): ModeflowError {
  const towards = direction === 'output' ? 'from the worker thread to the main thread' : 'from the main thread to a worker thread';
  const because = isStackOverflow(error)
    ? `${tooDeep(value)}. Send flatter data (a list, or keys like "a.b.c"), or run this solid with an in-process executor (sync, async)`
    : `${messageOf(error).replace(/\.$/, '')}. Values cross by structured clone, which copies plain data, arrays, Maps, Sets, ` +
      `Dates, typed arrays and errors but not functions, symbols or Promises; send plain data, or run this solid with an ` +
      `in-process executor (sync, async)`;
  return Object.assign(
    new ModeflowError(`${direction} "${port}" of solid "${where.solid}" (step ${where.stepKey}) cannot be sent ${towards}: ${because}`, {
      cause: error,
    }),
    { solid: where.solid, stepKey: where.stepKey, [direction]: port },
  );
}

/**
 * True for the RangeError a structured clone (or v8 serialisation) throws when a value is
 * nested deeper than the thread's stack lets it recurse: a few thousand levels on the main
 * thread. It is thrown where the clone runs, so no thread died of it.
 */
export function isStackOverflow(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'RangeError' &&
    /call stack/i.test(String((error as { message?: unknown }).message))
  );
}

/** Why a value nested too deeply did not cross, with its depth when known. */
export function tooDeep(value?: unknown): string {
  const depth = value === undefined ? '' : ` (${nestingDepth(value).toLocaleString('en-US')} levels)`;
  return `it is nested too deeply${depth} for structured clone, which recurses once per level and ran out of stack (Maximum call stack size exceeded)`;
}

/**
 * How many objects deep `value` nests (0 for a primitive), walked without recursion so
 * that it works on the very values a clone overflowed on. Each object counts once.
 */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const seen = new Set<object>();
  const stack: Array<readonly [unknown, number]> = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [v, depth] = next;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (depth > deepest) deepest = depth;
    const children: Iterable<unknown> = v instanceof Map ? [...v.keys(), ...v.values()] : v instanceof Set ? v : Object.values(v);
    for (const child of children) stack.push([child, depth + 1]);
  }
  return deepest;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
