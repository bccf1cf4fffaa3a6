import { InvalidDefinitionError } from '../errors.ts';
import type { Wire } from './handle.ts';
import type { AnyHook } from './hook.ts';
import type { Solid } from './solid-types.ts';

/** One invocation of a solid inside `graph()`. */
export interface GraphNode {
  /** The invocation name: the alias, the solid's name, or `<name>_N` for the Nth use. */
  readonly name: string;
  /** Position in call order, which is a topological order. */
  readonly index: number;
  readonly solid: Solid;
  /** Wired inputs; inputs left out take their value from run config. */
  readonly inputs: Readonly<Record<string, Wire<unknown>>>;
  /** Step hooks attached to this invocation (`withHooks`), each once. */
  readonly hooks: readonly AnyHook[];
}

interface Builder {
  readonly nodes: GraphNode[];
  readonly byName: Map<string, GraphNode>;
  readonly uses: Map<string, number>;
}

let current: Builder | undefined;

/**
 * Runs a pipeline's `graph()` function and returns its invocations in call order.
 * Solids called inside register themselves here.
 */
export function buildGraph(pipelineName: string, graph: () => unknown): GraphNode[] {
  if (current) throw new InvalidDefinitionError(`pipeline "${pipelineName}" was defined inside another pipeline's graph()`);
  const builder: Builder = { nodes: [], byName: new Map(), uses: new Map() };
  current = builder;
  try {
    graph();
  } finally {
    current = undefined;
  }
  return builder.nodes;
}

/** Registers one invocation. Called by a solid when invoked. */
export function addInvocation(solid: Solid, alias: string | undefined, inputs: Record<string, Wire<unknown>>): GraphNode {
  const builder = current;
  if (!builder) {
    throw new InvalidDefinitionError(
      `solid "${solid.name}" was called outside a pipeline's graph(); ` + `call solids only inside pipeline({ graph: () => { ... } })`,
    );
  }
  // An alias is taken as given; the Nth unaliased use of a solid is `<name>_N`.
  let name = alias;
  if (name === undefined) {
    const count = (builder.uses.get(solid.name) ?? 0) + 1;
    builder.uses.set(solid.name, count);
    name = count === 1 ? solid.name : `${solid.name}_${count}`;
  }
  const clash = builder.byName.get(name);
  if (clash) {
    throw new InvalidDefinitionError(
      `two invocations are both named "${name}" (solids "${clash.solid.name}" and "${solid.name}"); ` +
        `give one a distinct name with .alias("...")`,
    );
  }
  for (const [input, wire] of Object.entries(inputs)) {
    if (builder.nodes[wire.index]?.name !== wire.node) {
      throw new InvalidDefinitionError(
        `input "${input}" of "${name}" is wired to "${wire.node}", which is not in this graph; ` +
          `output handles are only valid inside the graph() that made them`,
      );
    }
  }
  const hooks = solid.hooks;
  const node: GraphNode = Object.freeze({ name, index: builder.nodes.length, solid, inputs: Object.freeze(inputs), hooks });
  builder.nodes.push(node);
  builder.byName.set(name, node);
  return node;
}
