import type { z } from 'zod';
import type { Mode } from './mode.ts';
import type { Pipeline } from './pipeline.ts';
import type { ResolvedRunConfig } from './run-config.ts';
import type { AnySolid } from './solid.ts';

/** One input of a planned step. */
export interface PlanInput {
  readonly name: string;
  /** The schema to check, or undefined when it accepts anything. */
  readonly check: z.ZodType | undefined;
  /** Wired slot index, or -1 when the value comes from run config. */
  readonly slot: number;
  /** The run-config value of an unwired input. */
  readonly value: unknown;
}

/** Where one output of a step goes: input `slot` of plan node `node`. */
export interface PlanEdge {
  readonly node: number;
  readonly slot: number;
  /** The consumer gathers every value (`handle.collect()`). */
  readonly collected: boolean;
}

/** One invocation in the plan. */
export interface PlanNode {
  readonly index: number;
  /** Invocation name. */
  readonly name: string;
  readonly solid: AnySolid;
  readonly config: unknown;
  readonly priority: number;
  readonly inputs: readonly PlanInput[];
  /** Per wired slot: the input it feeds and where it comes from. */
  readonly slots: readonly { readonly input: string; readonly from: number; readonly output: string; readonly collected: boolean }[];
  /** Consumers per output name. */
  readonly edges: Readonly<Record<string, readonly PlanEdge[]>>;
  /** The same, as a list of outputs that have consumers (the hot path iterates it). */
  readonly edgeList: readonly (readonly [string, readonly PlanEdge[]])[];
  /** Outputs handed to more than one consumer: their values are deep-frozen. */
  readonly shared: ReadonlySet<string>;
  /** Output schemas to check, by name (absent when they accept anything). */
  readonly outputChecks: Readonly<Record<string, z.ZodType>>;
  /** Distinct upstream plan nodes. */
  readonly upstream: readonly number[];
  readonly downstream: readonly number[];
}

/** What a run executes: the selected invocations and the resources they need. */
export interface ExecutionPlan {
  /** In topological order. */
  readonly nodes: readonly PlanNode[];
  /** Resource keys the plan needs (transitively), in init order. */
  readonly resources: readonly string[];
  /** True when some step has a non-zero `tags.priority`. */
  readonly prioritized: boolean;
}

/** Schemas that accept anything are not worth a parse per value. */
export function checkOf(schema: z.ZodType): z.ZodType | undefined {
  const type = schema._zod.def.type;
  return type === 'unknown' || type === 'any' ? undefined : schema;
}

/**
 * Builds the execution plan of a run: the selected invocations with their wiring (inputs
 * from unselected upstreams come from run config), and the resources to initialise.
 */
export function buildPlan(
  pipeline: Pipeline,
  mode: Mode,
  config: ResolvedRunConfig,
  selection: ReadonlySet<string> | undefined,
): ExecutionPlan {
  const chosen = selection ? pipeline.nodes.filter((n) => selection.has(n.name)) : pipeline.nodes;
  const indexOf = new Map(chosen.map((n, i) => [n.name, i]));
  const edges: Record<string, PlanEdge[]>[] = chosen.map((n) => Object.fromEntries(Object.keys(n.solid.outputs).map((o) => [o, []])));
  const nodes: PlanNode[] = chosen.map((node, index) => {
    const solidConfig = config.solids[node.name];
    const slots: { input: string; from: number; output: string; collected: boolean }[] = [];
    const inputs: PlanInput[] = Object.entries(node.solid.inputs).map(([name, schema]) => {
      const wire = node.inputs[name];
      const from = wire ? indexOf.get(wire.node) : undefined;
      if (wire && from !== undefined) {
        const slot = slots.length;
        slots.push({ input: name, from, output: wire.output, collected: wire.collected });
        edges[from]![wire.output]!.push({ node: index, slot, collected: wire.collected });
        return { name, check: checkOf(schema), slot, value: undefined };
      }
      return { name, check: undefined, slot: -1, value: solidConfig?.inputs[name] };
    });
    const upstream = [...new Set(slots.map((s) => s.from))];
    return {
      index,
      name: node.name,
      solid: node.solid,
      config: solidConfig?.config,
      priority: node.solid.priority,
      inputs,
      slots,
      edges: {},
      edgeList: [],
      shared: new Set<string>(),
      outputChecks: Object.fromEntries(
        Object.entries(node.solid.outputs).flatMap(([o, s]) => {
          const check = checkOf(s);
          return check ? [[o, check]] : [];
        }),
      ),
      upstream,
      downstream: [],
    };
  });
  for (const node of nodes) {
    const own = edges[node.index]!;
    Object.assign(node, {
      edges: own,
      edgeList: Object.entries(own).filter(([, e]) => e.length > 0),
      shared: new Set(Object.entries(own).filter(([, e]) => e.length > 1).map(([o]) => o)),
      downstream: [...new Set(Object.values(own).flatMap((e) => e.map((x) => x.node)))],
    });
  }
  return {
    nodes,
    resources: resourceOrder(mode, nodes.flatMap((n) => n.solid.resources)),
    prioritized: nodes.some((n) => n.priority !== 0),
  };
}

/** The keys `required` needs, with their dependencies first. */
export function resourceOrder(mode: Mode, required: readonly string[]): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of mode.resources[key]?.resources ?? []) visit(dep);
    order.push(key);
  };
  for (const key of required) visit(key);
  return order;
}
