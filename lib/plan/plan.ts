import type { z } from 'zod';
import type { Mode } from '../define/mode.ts';
import type { Pipeline } from '../define/pipeline.ts';
import type { AnySolid } from '../define/solid-types.ts';

/** One input of a planned step. */
export interface PlanInput {
  readonly name: string;
  /** The type check, or undefined when the schema accepts anything. */
  readonly check: TypeCheck | undefined;
  /** Wired slot index, or -1 when the value comes from run config. */
  readonly slot: number;
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
  readonly priority: number;
  readonly inputs: readonly PlanInput[];
  /** Per wired slot: the input it feeds and where it comes from. */
  readonly slots: readonly { readonly input: string; readonly from: number; readonly output: string; readonly collected: boolean }[];
  /** Outputs that have consumers, each with its consumers. */
  readonly edgeList: readonly (readonly [string, readonly PlanEdge[]])[];
  /** Outputs handed to more than one consumer: their values are deep-frozen. */
  readonly shared: ReadonlySet<string>;
  /** Output type checks, by name (absent when the schema accepts anything). */
  readonly outputChecks: ReadonlyMap<string, TypeCheck>;
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
  /** The wiring again, packed for the engine's per-step walk. */
  readonly wiring: PlanWiring;
}

/**
 * The plan's wiring packed into typed arrays, for the engine's per-step walk: what one
 * step reads of it sits in a few adjacent words instead of a dozen scattered objects
 * (bench: overhead-dag-10,000, where it halved the time per step).
 *
 * - `nodes[i * NODE + field]`, field one of `EDGES_FROM`, `EDGES_TO` (node i's edges are
 *   `edges` records `EDGES_FROM .. EDGES_TO - 1`, grouped by output), `DOWN_FROM`,
 *   `DOWN_TO` (its distinct downstream nodes in `downstream`), `SLOTS` (wired inputs),
 *   `SLOT_BASE` (where its slots begin in a run's flat array of pending inputs),
 *   `UPSTREAM` (distinct upstream nodes), and three words (`RUN_STATE`..) left 0 for a run:
 *   each run works on its own copy, keeping a node's state beside its wiring (one cache line
 *   for both; `UPSTREAM` then counts down the upstream nodes not finished yet).
 * - `edges[e * EDGE + field]`, field one of `TARGET` (consumer node), `SLOT` (its input
 *   slot), `COLLECTED` (1: it gathers every value, `handle.collect()`), `OUTPUT` (the
 *   output's id in `outputNames`).
 */
export interface PlanWiring {
  readonly nodes: Int32Array;
  readonly edges: Int32Array;
  readonly downstream: Int32Array;
  /** Output names by id. */
  readonly outputNames: readonly string[];
  /** Wired input slots over all nodes. */
  readonly totalSlots: number;
}

export const NODE = 10;
export const EDGES_FROM = 0;
export const EDGES_TO = 1;
export const DOWN_FROM = 2;
export const DOWN_TO = 3;
export const SLOTS = 4;
export const SLOT_BASE = 5;
export const UPSTREAM = 6;
/** The first of the words a run's copy uses for its own state (see frontier.ts). */
export const RUN_STATE = 7;
export const EDGE = 4;
export const TARGET = 0;
export const SLOT = 1;
export const COLLECTED = 2;
export const OUTPUT = 3;

function wiringOf(planned: readonly PlanNode[]): PlanWiring {
  const n = planned.length;
  const nodes = new Int32Array(n * NODE);
  const outputIds = new Map<string, number>();
  const outputNames: string[] = [];
  let slots = 0;
  let downs = 0;
  let edgeCount = 0;
  for (let i = 0; i < n; i++) {
    const node = planned[i]!;
    for (const [, list] of node.edgeList) edgeCount += list.length;
    downs += node.downstream.length;
  }
  const edges = new Int32Array(edgeCount * EDGE);
  const downstream = new Int32Array(downs);
  let e = 0;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const node = planned[i]!;
    const at = i * NODE;
    nodes[at + SLOTS] = node.slots.length;
    nodes[at + SLOT_BASE] = slots;
    slots += node.slots.length;
    nodes[at + UPSTREAM] = node.upstream.length;
    nodes[at + DOWN_FROM] = d;
    downstream.set(node.downstream, d);
    d += node.downstream.length;
    nodes[at + DOWN_TO] = d;
    nodes[at + EDGES_FROM] = e;
    for (const [output, list] of node.edgeList) {
      let id = outputIds.get(output);
      if (id === undefined) {
        outputIds.set(output, (id = outputNames.length));
        outputNames.push(output);
      }
      for (const edge of list) {
        const r = e * EDGE;
        edges[r + TARGET] = edge.node;
        edges[r + SLOT] = edge.slot;
        edges[r + COLLECTED] = edge.collected ? 1 : 0;
        edges[r + OUTPUT] = id;
        e++;
      }
    }
    nodes[at + EDGES_TO] = e;
  }
  return { nodes, edges, downstream, outputNames, totalSlots: slots };
}

/**
 * How a value is checked against a zod schema. Plain `z.number()`, `z.string()` and
 * `z.boolean()` (no checks, no coercion) are decided by `accepts` alone: values that pass
 * it need no parse, which would only return them unchanged.
 */
export interface TypeCheck {
  readonly schema: z.ZodType;
  readonly accepts: ((value: unknown) => boolean) | undefined;
}

const PLAIN: Readonly<Record<string, (value: unknown) => boolean>> = {
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
};

/**
 * The check of a schema, as the engine checks inputs and outputs; undefined for schemas
 * that accept anything (`z.unknown()`, `z.any()`: no parse per value). For code that runs
 * computes itself (asOperator): try `accepts` first, parse with {@link checked} only when
 * it says no (or is absent).
 *
 * @example
 * const check = checkOf(z.number());
 * if (check && !check.accepts?.(value)) { const parsed = checked(check.schema, value); ... }
 */
export function checkOf(schema: z.ZodType): TypeCheck | undefined {
  const def = schema._zod.def as { type: string; checks?: unknown[]; coerce?: boolean };
  if (def.type === 'unknown' || def.type === 'any') return undefined;
  const plain = !def.coerce && (def.checks === undefined || def.checks.length === 0) ? PLAIN[def.type] : undefined;
  return { schema, accepts: plain };
}

const plans = new WeakMap<Pipeline, WeakMap<Mode, Map<string, ExecutionPlan>>>();

/**
 * The execution plan of a run: the selected invocations with their wiring (inputs from
 * unselected upstreams come from run config), and the resources to initialise. It depends
 * only on pipeline, mode and selection, so it is built once and shared by later runs; run
 * config values are read when steps start.
 */
export function planFor(
  pipeline: Pipeline,
  mode: Mode,
  select: string | undefined,
  selection: ReadonlySet<string> | undefined,
): ExecutionPlan {
  let byMode = plans.get(pipeline);
  if (!byMode) plans.set(pipeline, (byMode = new WeakMap()));
  let bySelect = byMode.get(mode);
  if (!bySelect) byMode.set(mode, (bySelect = new Map()));
  const key = selection ? (select ?? '') : '';
  let plan = bySelect.get(key);
  if (!plan) bySelect.set(key, (plan = buildPlan(pipeline, mode, selection)));
  return plan;
}

function buildPlan(pipeline: Pipeline, mode: Mode, selection: ReadonlySet<string> | undefined): ExecutionPlan {
  const chosen = selection ? pipeline.nodes.filter((n) => selection.has(n.name)) : pipeline.nodes;
  // Plan index by pipeline index (-1: not selected).
  const indexOf = new Int32Array(pipeline.nodes.length).fill(-1);
  for (let i = 0; i < chosen.length; i++) indexOf[chosen[i]!.index] = i;
  // Consumers per producer and output, filled as the consumers are planned.
  const consumers = filled<Map<string, PlanEdge[]> | undefined>(chosen.length, undefined);
  const downstream = filled<number[] | undefined>(chosen.length, undefined);
  const nodes: PlanNode[] = [];
  const resources = new Set<string>();
  let prioritized = false;
  for (let index = 0; index < chosen.length; index++) {
    const node = chosen[index]!;
    const info = solidInfo(node.solid);
    const slots: PlanNode['slots'][number][] = [];
    let inputs: PlanInput[] = [];
    const upstream: number[] = [];
    for (let i = 0; i < info.inputs.length; i++) {
      const { name, check } = info.inputs[i]!;
      const wire = node.inputs[name];
      const from = wire ? indexOf[wire.index]! : -1;
      if (wire === undefined || from < 0) {
        inputs.push({ name, check: undefined, slot: -1 });
        continue;
      }
      const slot = slots.length;
      slots.push({ input: name, from, output: wire.output, collected: wire.collected });
      const byOutput = (consumers[from] ??= new Map());
      const edges = byOutput.get(wire.output);
      const edge = { node: index, slot, collected: wire.collected };
      if (edges) edges.push(edge);
      else byOutput.set(wire.output, [edge]);
      if (!upstream.includes(from)) {
        upstream.push(from);
        (downstream[from] ??= []).push(index);
      }
      inputs.push({ name, check, slot });
    }
    // Every input wired, in order: share one list among the solid's invocations (fewer
    // objects for the engine to walk per step).
    if (slots.length === inputs.length && inputs.length > 0) inputs = info.wired ??= inputs;
    for (const key of node.solid.resources) resources.add(key);
    if (node.solid.priority !== 0) prioritized = true;
    nodes.push({
      index,
      name: node.name,
      solid: node.solid,
      priority: node.solid.priority,
      inputs,
      slots,
      edgeList: NO_EDGE_LIST,
      shared: NO_SHARED,
      outputChecks: info.outputChecks,
      upstream,
      downstream: NO_NODES,
    });
  }
  for (let index = 0; index < nodes.length; index++) {
    const byOutput = consumers[index];
    if (!byOutput) continue;
    const node = nodes[index] as { -readonly [K in keyof PlanNode]: PlanNode[K] };
    node.edgeList = [...byOutput];
    node.downstream = downstream[index] ?? NO_NODES;
    const shared = node.edgeList.filter(([, e]) => e.length > 1).map(([o]) => o);
    if (shared.length) node.shared = new Set(shared);
  }
  return { nodes, resources: resourceOrder(mode, [...resources]), prioritized, wiring: wiringOf(nodes) };
}

const NO_EDGE_LIST: PlanNode['edgeList'] = Object.freeze([]);

/**
 * An array of `length` copies of `value`. Not `new Array(n)`: V8 keeps large holey arrays
 * in dictionary mode, which made every per-step lookup a hash lookup.
 */
export function filled<T>(length: number, value: T): T[] {
  const out: T[] = [];
  for (let i = 0; i < length; i++) out.push(value);
  return out;
}
const NO_SHARED: ReadonlySet<string> = new Set();
const NO_NODES: readonly number[] = Object.freeze([]);

interface SolidInfo {
  readonly inputs: readonly { readonly name: string; readonly check: TypeCheck | undefined }[];
  /** The plan inputs of an invocation with every input wired (slot i = input i), shared. */
  wired?: PlanInput[];
  readonly outputChecks: ReadonlyMap<string, TypeCheck>;
}

const infos = new WeakMap<object, SolidInfo>();

/** What planning needs of a solid definition, computed once for all its invocations. */
function solidInfo(solid: AnySolid): SolidInfo {
  let info = infos.get(solid);
  if (!info) {
    const outputChecks = new Map<string, TypeCheck>();
    for (const [o, schema] of Object.entries(solid.outputs)) {
      const check = checkOf(schema);
      if (check) outputChecks.set(o, check);
    }
    info = {
      inputs: Object.entries(solid.inputs).map(([name, schema]) => ({ name, check: checkOf(schema) })),
      outputChecks,
    };
    infos.set(solid, info);
  }
  return info;
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
