import { InvalidDefinitionError } from '../errors.ts';
import { KIND } from './definition.ts';

/**
 * A solid's output inside `graph()`: pass it to another solid to wire the two.
 * It carries the output's value type, so wiring a `number` into a `string` input fails
 * to compile.
 */
export interface OutputHandle<T> {
  readonly [KIND]: 'handle';
  /** Invocation name of the solid that produces it. */
  readonly node: string;
  /** That invocation's position in the graph's call order. */
  readonly index: number;
  readonly output: string;
  readonly collected: false;
  /** Gathers every value of a fanned-out chain, in order, into one array input. */
  collect(): CollectedHandle<T[]>;
  /** Phantom: the value type. */
  readonly __value?: T;
}

/** An output gathered by `handle.collect()`: the downstream runs once with an array. */
export interface CollectedHandle<T> {
  readonly [KIND]: 'handle';
  readonly node: string;
  readonly index: number;
  readonly output: string;
  readonly collected: true;
  readonly __value?: T;
}

/** Anything that can feed an input of type `T`. */
export type Wire<T> = OutputHandle<T> | CollectedHandle<T>;

/** Creates the handle of output `output` of invocation `node`. */
export function outputHandle<T>(node: string, index: number, output: string): OutputHandle<T> {
  const collected: CollectedHandle<T[]> = Object.freeze({ [KIND]: 'handle' as const, node, index, output, collected: true as const });
  return Object.freeze({
    [KIND]: 'handle' as const,
    node,
    index,
    output,
    collected: false as const,
    collect: () => collected,
  });
}

/**
 * The handle a composite's graph gets for an input the enclosing graph left unwired: what
 * it feeds takes that input's run config value (`solids.<composite>.inputs.<input>.value`).
 * Its `index` is -1: it is no invocation's output.
 */
export function compositeInputHandle<T>(composite: string, input: string): OutputHandle<T> {
  return Object.freeze({
    [KIND]: 'handle' as const,
    node: composite,
    index: -1,
    output: input,
    collected: false as const,
    collect: (): never => {
      throw new InvalidDefinitionError(
        `input "${input}" of composite "${composite}" is not wired, so it has one value, from run config ` +
          `(solids.${composite}.inputs.${input}.value); collect() gathers the values of a wired output`,
      );
    },
  });
}

/** True for an output handle (plain or collected). */
export function isHandle(value: unknown): value is Wire<unknown> {
  return typeof value === 'object' && value !== null && (value as { [KIND]?: unknown })[KIND] === 'handle';
}
