import type { z } from 'zod';
import { InvalidDefinitionError } from '../errors.ts';
import type { BoundConfig } from './configured.ts';
import { KIND } from './definition.ts';
import { compositeInputHandle, type CollectedHandle, type Wire } from './handle.ts';
import { unionHooks, type AnyHook } from './hook.ts';
import type { Solid } from './solid-types.ts';

/** One invocation of a solid inside `graph()`. */
export interface GraphNode {
  /**
   * The invocation name: the alias, the solid's name, or `<name>_N` for the Nth use; inside
   * a composite, prefixed with the composite's invocation name and a dot (`outer.inner`).
   */
  readonly name: string;
  /** Position in call order, which is a topological order. */
  readonly index: number;
  readonly solid: Solid;
  /** Wired inputs; inputs left out take their value from run config. */
  readonly inputs: Readonly<Record<string, Wire<unknown>>>;
  /**
   * Inputs wired to an input of an enclosing composite that is itself not wired: they take
   * that composite input's value (`solids.<composite>.inputs.<input>.value`).
   */
  readonly fromComposite: Readonly<Record<string, CompositeInput>>;
  /**
   * Wired inputs that reach it through a wired input of an enclosing composite: the
   * outermost such composite input. With the wire's producer outside a selection, the
   * input takes that composite input's value (`solids.<composite>.inputs.<input>.value`).
   */
  readonly viaComposite: Readonly<Record<string, CompositeInput>>;
  /** Step hooks attached to this invocation (`withHooks`, its own and its composites'), each once. */
  readonly hooks: readonly AnyHook[];
  /** The invocation name of the innermost composite it is in, if any. */
  readonly composite: string | undefined;
}

/** An input of a composite invocation: `solids.<composite>.inputs.<input>`. */
export interface CompositeInput {
  /** The composite's invocation name (dotted when nested). */
  readonly composite: string;
  readonly input: string;
}

/** A composite definition, as the graph and run config read it (define/composite.ts makes them). */
export interface CompositeDefinition {
  readonly name: string;
  readonly description: string | undefined;
  /** Told apart from another definition of the same name by this. */
  readonly graph: (...args: never[]) => unknown;
  readonly hooks: readonly AnyHook[];
  readonly inputs: Readonly<Record<string, z.ZodType>>;
  /** Declared output schemas, or undefined when its outputs are what its graph returns. */
  readonly outputs: Readonly<Record<string, z.ZodType>> | undefined;
  readonly config: z.ZodType | undefined;
  readonly configMapping: ((config: any) => Readonly<Record<string, unknown>>) | undefined;
  readonly bound: BoundConfig | undefined;
}

/** One invocation of a composite: flattened into the graph, its solids named `<name>.<inner>`. */
export interface CompositeNode {
  /** The invocation name, dotted when nested (`outer.mid`). */
  readonly name: string;
  readonly composite: CompositeDefinition;
  /** The invocation name of the composite it is in, if any. */
  readonly parent: string | undefined;
  /** Its wired inputs, as the enclosing graph wired them; inputs left out take `solids.<name>.inputs.<input>.value`. */
  readonly inputs: Readonly<Record<string, Wire<unknown>>>;
  /** Wired inputs that reach it through a wired input of an enclosing composite (see {@link GraphNode.viaComposite}). */
  readonly viaComposite: Readonly<Record<string, CompositeInput>>;
  /** Where each of its outputs comes from: an inner invocation's output. */
  readonly outputs: Readonly<Record<string, Wire<unknown>>>;
  /** Its solids are the graph's nodes `first` … `end - 1` (a composite's calls are contiguous). */
  readonly first: number;
  readonly end: number;
}

/** The invocations of a graph, flattened, and the composite invocations they came from. */
export interface BuiltGraph {
  readonly nodes: GraphNode[];
  readonly composites: CompositeNode[];
}

/** One level of naming: the pipeline's graph, or one composite invocation's. */
interface Scope {
  /** `''` at the top, `outer.` inside `outer`. */
  readonly prefix: string;
  /** Unaliased uses of each definition name here, for `<name>_N`. */
  readonly uses: Map<string, number>;
  /** What each local name here is. */
  readonly names: Map<string, string>;
  /** Hooks of the enclosing composites, attached to every solid inside. */
  readonly hooks: readonly AnyHook[];
  /** The composite invocation this scope belongs to. */
  readonly composite: string | undefined;
}

interface Builder {
  readonly nodes: GraphNode[];
  readonly composites: CompositeNode[];
  scope: Scope;
}

/** A composite's wired input as its graph sees it. */
interface PassedInput {
  /** The composite input. */
  readonly at: CompositeInput;
  /** The wire it copies (itself a passed input when the composite is nested). */
  readonly from: Wire<unknown>;
}

/**
 * On the handle a composite's graph gets for a wired input (a copy of the wire, so that
 * two inputs wired to one output stay apart): which input it is. A property, not a map:
 * looked up for every wired input of every invocation.
 */
const PASSED = Symbol('modeflow.passedInput');

function passedOf(wire: Wire<unknown>): PassedInput | undefined {
  return (wire as { [PASSED]?: PassedInput })[PASSED];
}

let current: Builder | undefined;

/** What most invocations have: no input fed by a composite's unwired input. */
const NO_COMPOSITE_INPUTS: Record<string, CompositeInput> = Object.freeze(Object.create(null) as Record<string, CompositeInput>);

function topScope(): Scope {
  return { prefix: '', uses: new Map(), names: new Map(), hooks: [], composite: undefined };
}

/**
 * Runs a pipeline's `graph()` function and returns its invocations in call order, with
 * composites flattened. Solids and composites called inside register themselves here.
 */
export function buildGraph(pipelineName: string, graph: () => unknown): BuiltGraph {
  if (current) throw new InvalidDefinitionError(`pipeline "${pipelineName}" was defined inside another pipeline's graph()`);
  const builder: Builder = { nodes: [], composites: [], scope: topScope() };
  current = builder;
  try {
    graph();
  } finally {
    current = undefined;
  }
  return { nodes: builder.nodes, composites: builder.composites };
}

function builderFor(kind: string, name: string): Builder {
  if (!current) {
    throw new InvalidDefinitionError(
      `${kind} "${name}" was called outside a pipeline's graph(); ` + `call it only inside pipeline({ graph: () => { ... } })`,
    );
  }
  return current;
}

/** The local name of an invocation of `definition` in the current scope: its alias, or `<name>_N`. */
function localName(builder: Builder, definition: string, alias: string | undefined, what: string): string {
  const scope = builder.scope;
  let name = alias;
  if (name === undefined) {
    const count = (scope.uses.get(definition) ?? 0) + 1;
    scope.uses.set(definition, count);
    name = count === 1 ? definition : `${definition}_${count}`;
  }
  const clash = scope.names.get(name);
  if (clash !== undefined) {
    throw new InvalidDefinitionError(
      `two invocations are both named "${scope.prefix}${name}" (${clash} and ${what}); give one a distinct name with .alias("...")`,
    );
  }
  scope.names.set(name, what);
  return name;
}

/** Throws unless `wire` is a handle of this graph (made by one of its invocations, or a composite's input); `what` names its use (made only for the error). */
function checkWire(builder: Builder, wire: Wire<unknown>, what: () => string): void {
  const ok =
    wire.index < 0
      ? builder.composites.some((c) => c.name === wire.node) || isOpen(builder, wire.node)
      : builder.nodes[wire.index]?.name === wire.node;
  if (!ok) {
    throw new InvalidDefinitionError(
      `${what()} is wired to "${wire.node}", which is not in this graph; output handles are only valid inside the graph() that made them`,
    );
  }
}

/** True while composite invocation `name` is being flattened (its graph() is running). */
function isOpen(builder: Builder, name: string): boolean {
  return builder.scope.prefix.startsWith(`${name}.`);
}

/** Registers one invocation. Called by a solid when invoked. */
export function addInvocation(solid: Solid, alias: string | undefined, inputs: Record<string, Wire<unknown>>): GraphNode {
  const builder = builderFor('solid', solid.name);
  const scope = builder.scope;
  const local = localName(builder, solid.name, alias, `solid "${solid.name}"`);
  const name = scope.prefix + local;
  let wired = inputs;
  let fromComposite: Record<string, CompositeInput> = NO_COMPOSITE_INPUTS;
  let viaComposite: Record<string, CompositeInput> = NO_COMPOSITE_INPUTS;
  for (const input in inputs) {
    const wire = inputs[input]!;
    checkWire(builder, wire, () => `input "${input}" of "${name}"`);
    if (wire.index >= 0) {
      // Only a handle a composite's graph got can have passed an input of a composite holding this one.
      const via = scope.composite === undefined ? undefined : outermostPassed(wire, name);
      if (via) {
        if (viaComposite === NO_COMPOSITE_INPUTS) viaComposite = Object.create(null) as Record<string, CompositeInput>;
        viaComposite[input] = via;
      }
      continue;
    }
    // A handle of an unwired composite input: the value comes from that input's run config.
    if (fromComposite === NO_COMPOSITE_INPUTS) {
      fromComposite = Object.create(null) as Record<string, CompositeInput>;
      wired = Object.assign(Object.create(null) as Record<string, Wire<unknown>>, inputs);
    }
    fromComposite[input] = Object.freeze({ composite: wire.node, input: wire.output });
    delete wired[input];
  }
  const hooks = unionHooks(solid.hooks, scope.hooks);
  const node: GraphNode = Object.freeze({
    name,
    index: builder.nodes.length,
    solid,
    inputs: Object.freeze(wired),
    fromComposite: fromComposite === NO_COMPOSITE_INPUTS ? fromComposite : Object.freeze(fromComposite),
    viaComposite: viaComposite === NO_COMPOSITE_INPUTS ? viaComposite : Object.freeze(viaComposite),
    hooks,
    composite: scope.composite,
  });
  builder.nodes.push(node);
  return node;
}

/**
 * Flattens one invocation of a composite: its graph runs here with `handles` for its inputs
 * (each the handle wired to it, or, for an input left unwired, a handle of that input's
 * run config), its solids are named `<invocation>.<inner>`, and the handles it returns are
 * its outputs. Called by a composite when invoked; `run` calls its graph.
 */
export function addComposite(
  composite: CompositeDefinition,
  alias: string | undefined,
  inputs: Readonly<Record<string, Wire<unknown>>>,
  inputNames: readonly string[],
  run: (handles: Readonly<Record<string, Wire<unknown>>>) => Readonly<Record<string, Wire<unknown>>>,
): CompositeNode {
  const builder = builderFor('composite', composite.name);
  const outer = builder.scope;
  const local = localName(builder, composite.name, alias, `composite "${composite.name}"`);
  const name = outer.prefix + local;
  let viaComposite: Record<string, CompositeInput> = NO_COMPOSITE_INPUTS;
  for (const [input, wire] of Object.entries(inputs)) {
    checkWire(builder, wire, () => `input "${input}" of composite "${name}"`);
    const via = wire.index >= 0 && outer.composite !== undefined ? outermostPassed(wire, name) : undefined;
    if (via) {
      if (viaComposite === NO_COMPOSITE_INPUTS) viaComposite = Object.create(null) as Record<string, CompositeInput>;
      viaComposite[input] = via;
    }
  }
  const handles: Record<string, Wire<unknown>> = Object.create(null);
  for (const input of inputNames) {
    const wire = inputs[input];
    handles[input] = wire === undefined ? compositeInputHandle(name, input) : wire.index < 0 ? wire : passInput(wire, name, input);
  }
  const first = builder.nodes.length;
  builder.scope = {
    prefix: `${name}.`,
    uses: new Map(),
    names: new Map(),
    hooks: unionHooks(outer.hooks, composite.hooks),
    composite: name,
  };
  let outputs: Readonly<Record<string, Wire<unknown>>>;
  try {
    outputs = run(Object.freeze(handles));
    for (const [output, wire] of Object.entries(outputs)) checkWire(builder, wire, () => `output "${output}" of composite "${name}"`);
  } finally {
    builder.scope = outer;
  }
  const node: CompositeNode = Object.freeze({
    name,
    composite,
    parent: outer.composite,
    inputs: Object.freeze({ ...inputs }),
    viaComposite: viaComposite === NO_COMPOSITE_INPUTS ? viaComposite : Object.freeze(viaComposite),
    outputs: Object.freeze({ ...outputs }),
    first,
    end: builder.nodes.length,
  });
  builder.composites.push(node);
  return node;
}

/**
 * The handle composite `composite`'s graph gets for its input `input`, wired to `wire`: a
 * copy of it (same producer and output) that knows it passed through that input, and so
 * does its `collect()`.
 */
function passInput(wire: Wire<unknown>, composite: string, input: string): Wire<unknown> {
  const at: CompositeInput = Object.freeze({ composite, input });
  const { node, index, output } = wire;
  if (wire.collected)
    return Object.freeze({ [KIND]: 'handle' as const, node, index, output, collected: true as const, [PASSED]: { at, from: wire } });
  let collected: CollectedHandle<unknown[]> | undefined;
  const collect = (): CollectedHandle<unknown[]> => {
    const from = wire.collect();
    return (collected ??= Object.freeze({
      [KIND]: 'handle' as const,
      node,
      index,
      output,
      collected: true as const,
      [PASSED]: { at, from },
    }));
  };
  return Object.freeze({
    [KIND]: 'handle' as const,
    node,
    index,
    output,
    collected: false as const,
    collect,
    [PASSED]: { at, from: wire },
  });
}

/**
 * The outermost composite input that `wire` passed through on its way into invocation
 * `name` (only those of composites that hold `name`: a handle a composite's graph returns
 * as its output leaves it).
 */
function outermostPassed(wire: Wire<unknown>, name: string): CompositeInput | undefined {
  let found: CompositeInput | undefined;
  for (let passed = passedOf(wire); passed; passed = passedOf(passed.from)) {
    const composite = passed.at.composite;
    if (name.length > composite.length && name.startsWith(composite) && name[composite.length] === '.') found = passed.at;
  }
  return found;
}
