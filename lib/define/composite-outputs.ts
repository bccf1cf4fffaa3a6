/**
 * Where a composite's outputs come from, known from its definition alone: what the
 * `outputs()` operator reads, which sees a run's events but not its pipeline.
 */
import type { AnyComposite } from './composite-types.ts';
import { buildGraph } from './graph.ts';
import type { Wire } from './handle.ts';

const built = new WeakMap<AnyComposite, Readonly<Record<string, Wire<unknown>>>>();

/**
 * The inner solid output each output of `composite` comes from, for an invocation at the
 * top of a pipeline's graph under its invocation name (`c.alias('c2')`: `c2.<inner>`), with
 * its inputs wired: `{ [output]: { node: 'c2.add', output: 'result', collected } }`. Its graph
 * runs once, alone, to find out (then it is cached). An output passed straight through from
 * one of its inputs has `index < 0` and `node` the composite's name: no step makes it.
 *
 * @example
 * compositeOutputs(cleanAndLoad).result; // { node: 'clean_and_load.load', output: 'result', … }
 *
 * @throws {InvalidDefinitionError} when its graph throws one (it does in a pipeline too),
 *   or when called inside a pipeline's graph()
 */
export function compositeOutputs(composite: AnyComposite): Readonly<Record<string, Wire<unknown>>> {
  let outputs = built.get(composite);
  if (!outputs) {
    const { composites } = buildGraph(`outputs_of_${composite.invocationName}`, () => {
      composite();
    });
    outputs = composites.find((c) => c.parent === undefined)!.outputs;
    built.set(composite, outputs);
  }
  return outputs;
}
