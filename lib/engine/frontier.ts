/**
 * The frontier of a run: which invocations are finished, and what each step instance
 * receives. Values travel along the plan's packed wiring; inputs wait here until their
 * step is complete, and then the host creates it.
 */
import { freeze } from 'immer';
import {
  COLLECTED,
  DOWN_FROM,
  DOWN_TO,
  EDGE,
  EDGES_FROM,
  EDGES_TO,
  NODE,
  OUTPUT,
  RUN_STATE,
  SLOT,
  SLOT_BASE,
  SLOTS,
  TARGET,
  UPSTREAM,
  filled,
  type ExecutionPlan,
  type PlanNode,
  type PlanWiring,
} from '../plan/plan.ts';
import type { Step } from './step.ts';
import { comparePaths, fanPaths, ROOT, type Path } from './fan-out.ts';
import { InputJoin, type Arrival, type SkipReason } from './input-join.ts';

/** What the frontier hands its decisions to: the run engine. */
export interface FrontierHost {
  /** All inputs of a step instance arrived; `skip` says why it cannot run, if some are missing. */
  createStep(node: PlanNode, index: number, path: Path, arrivals: readonly Arrival[], skip: SkipReason | undefined): void;
  /** Inputs of invocation `target` fan out from different origins (slots `pair`). */
  reportConflict(target: number, pair: [number, number]): void;
}

// A node's state, in the run's copy of the wiring's node records (`nodes[i * NODE + field]`),
// beside the node's wiring: one step's bookkeeping touches one cache line.
/** Upstream invocations not yet finished (counts down from the wiring's UPSTREAM). */
const UPSTREAM_LEFT = UPSTREAM;
/** Instances created and not yet done. */
const ACTIVE = RUN_STATE;
/** FINISHED | FAILED | CONFLICT_REPORTED | PENDING_FAILED | PENDING_MISSING. */
const FLAGS = RUN_STATE + 1;
/** Pending inputs filled (see `pending`), or -1 once the node has an InputJoin. */
const FILLED = RUN_STATE + 2;

/** Bits of a node's flags. */
const FINISHED = 1;
/** An instance failed, or was skipped because something upstream failed. */
const FAILED = 2;
const CONFLICT_REPORTED = 4;
/** A pending input is missing because its producer failed (or was skipped for that). */
const PENDING_FAILED = 8;
/** A pending input is missing because its output was not produced. */
const PENDING_MISSING = 16;

const NONE: readonly unknown[] = Object.freeze([]);
const NO_ARRIVALS: readonly Arrival[] = Object.freeze([]);

export class Frontier {
  private readonly plan: ExecutionPlan;
  private readonly wiring: PlanWiring;
  private readonly host: FrontierHost;
  /** The wiring's node records with this run's state in them (see UPSTREAM_LEFT ...). */
  private readonly nodes: Int32Array;
  /** Values kept for `collect()` consumers, per node and output, with their paths. */
  private readonly collected = new Map<number, Map<string, { path: Path; values: readonly unknown[] }[]>>();
  /**
   * Inputs waiting for the rest of their step, while every arrival is the first of its
   * slot and at the root (the common case): node i's slot s is at its SLOT_BASE + s, and
   * its FILLED state counts them. Anything else moves the node to an InputJoin in `joins`
   * (and FILLED to -1).
   */
  private readonly pending: (Arrival | undefined)[];
  private readonly joins = new Map<number, InputJoin>();
  /** Nodes whose finish is to be checked (see `settleNext`). */
  private readonly finishQueue: number[] = [];
  /** Invocations not finished yet. */
  unfinished: number;

  constructor(plan: ExecutionPlan, host: FrontierHost) {
    this.plan = plan;
    this.host = host;
    const wiring = (this.wiring = plan.wiring);
    const n = plan.nodes.length;
    this.nodes = wiring.nodes.slice();
    this.pending = filled(wiring.totalSlots, undefined);
    this.unfinished = n;
  }

  /** A step instance of node `index` was created. */
  created(index: number): void {
    this.nodes[index * NODE + ACTIVE]!++;
  }

  /** A step instance of node `index` is done (succeeded, failed or skipped). */
  done(index: number): void {
    this.nodes[index * NODE + ACTIVE]!--;
    this.finishQueue.push(index);
  }

  /** Marks node `index` as failed: its `collect()` consumers are skipped. */
  failed(index: number): void {
    this.nodes[index * NODE + FLAGS]! |= FAILED;
  }

  /** Hands what `step` produced to its consumers (collected outputs are kept till the end). */
  deliver(step: Step): void {
    const index = step.node.index;
    const w = this.wiring;
    const edges = w.edges;
    const end = this.nodes[index * NODE + EDGES_TO]!;
    let outputId = -1;
    let output = '';
    let values: readonly unknown[] = NONE;
    // What each consumer of the current output receives: the same arrivals for all of them.
    let arrivals: readonly Arrival[] = NO_ARRIVALS;
    let keptOutput = false;
    for (let e = this.nodes[index * NODE + EDGES_FROM]!; e < end; e++) {
      const r = e * EDGE;
      if (edges[r + OUTPUT] !== outputId) {
        outputId = edges[r + OUTPUT]!;
        output = w.outputNames[outputId]!;
        values = step.valuesOf(output) ?? NONE;
        arrivals = NO_ARRIVALS;
        keptOutput = false;
      }
      if (edges[r + COLLECTED] === 1) {
        // Kept once per output, however many consumers collect it.
        if (keptOutput) continue;
        keptOutput = true;
        let kept = this.collected.get(index);
        if (!kept) this.collected.set(index, (kept = new Map()));
        const list = kept.get(output) ?? [];
        list.push({ path: step.path, values });
        kept.set(output, list);
        continue;
      }
      if (arrivals === NO_ARRIVALS) arrivals = arrivalsOf(step, index, output, values);
      const target = edges[r + TARGET]!;
      const slot = edges[r + SLOT]!;
      if (arrivals.length === 1) this.arrive(target, slot, arrivals[0]!, arrivals);
      else for (let i = 0; i < arrivals.length; i++) this.arrive(target, slot, arrivals[i]!);
    }
  }

  /** Tells `step`'s consumers (but not its collectors) that it gives them nothing, and why. */
  skipDownstream(step: Step, reason: SkipReason): void {
    const index = step.node.index;
    const { edges, outputNames } = this.wiring;
    const nodes = this.nodes;
    for (let e = nodes[index * NODE + EDGES_FROM]!, end = nodes[index * NODE + EDGES_TO]!; e < end; e++) {
      const r = e * EDGE;
      if (edges[r + COLLECTED] === 1) continue;
      const source = `${step.key}.${outputNames[edges[r + OUTPUT]!]!}`;
      this.arrive(edges[r + TARGET]!, edges[r + SLOT]!, { path: step.path, value: undefined, skip: reason, source });
    }
  }

  /** An invocation may have finished since the last call. */
  get unsettled(): boolean {
    return this.finishQueue.length > 0;
  }

  /**
   * Checks one queued node: finished when nothing upstream is left and no instance is
   * active. Then its collectors get every value (in fan-out order), and its downstream
   * nodes are queued. Iterative, so that a long chain does not recurse.
   */
  settleNext(): void {
    const index = this.finishQueue.pop()!;
    const nodes = this.nodes;
    const info = index * NODE;
    if (nodes[info + FLAGS]! & FINISHED || nodes[info + UPSTREAM_LEFT]! > 0 || nodes[info + ACTIVE]! > 0) return;
    nodes[info + FLAGS]! |= FINISHED;
    this.unfinished--;
    const { edges, outputNames, downstream } = this.wiring;
    for (let e = nodes[info + EDGES_FROM]!, end = nodes[info + EDGES_TO]!; e < end; e++) {
      const r = e * EDGE;
      if (edges[r + COLLECTED] !== 1) continue;
      const output = outputNames[edges[r + OUTPUT]!]!;
      const source = `${this.plan.nodes[index]!.name}.${output}`;
      if (nodes[info + FLAGS]! & FAILED) {
        this.arrive(edges[r + TARGET]!, edges[r + SLOT]!, { path: ROOT, value: undefined, skip: 'UPSTREAM_FAILED', source });
        continue;
      }
      const parts = [...(this.collected.get(index)?.get(output) ?? [])].sort((x, y) => comparePaths(x.path, y.path));
      const values = parts.flatMap((part) => part.values);
      this.arrive(edges[r + TARGET]!, edges[r + SLOT]!, { path: ROOT, value: values, skip: undefined, source });
    }
    for (let d = nodes[info + DOWN_FROM]!, end = nodes[info + DOWN_TO]!; d < end; d++) {
      const down = downstream[d]!;
      nodes[down * NODE + UPSTREAM_LEFT]!--;
      this.finishQueue.push(down);
    }
  }

  /** `alone`, when given, is `[arrival]` (shared, read-only). */
  private arrive(target: number, slot: number, arrival: Arrival, alone?: readonly Arrival[]): void {
    const nodes = this.nodes;
    const info = target * NODE;
    const count = nodes[info + SLOTS]!;
    if (count === 1) {
      // One wired input: every arrival is a complete combination.
      this.host.createStep(this.plan.nodes[target]!, target, arrival.path, alone ?? [arrival], arrival.skip);
      return;
    }
    let join: InputJoin | undefined;
    if (nodes[info + FILLED]! >= 0) {
      const base = nodes[info + SLOT_BASE]!;
      const pending = this.pending;
      if (arrival.path.length === 0 && pending[base + slot] === undefined) {
        pending[base + slot] = arrival;
        if (arrival.skip !== undefined) nodes[info + FLAGS]! |= arrival.skip === 'UPSTREAM_FAILED' ? PENDING_FAILED : PENDING_MISSING;
        if (++nodes[info + FILLED]! < count) return;
        // Complete without fan-out: no further arrivals come; let the values go.
        const arrivals = pending.slice(base, base + count) as Arrival[];
        for (let i = base; i < base + count; i++) pending[i] = undefined;
        const flags = nodes[info + FLAGS]!;
        const skip = flags & PENDING_FAILED ? 'UPSTREAM_FAILED' : flags & PENDING_MISSING ? 'OUTPUT_NOT_PRODUCED' : undefined;
        this.host.createStep(this.plan.nodes[target]!, target, ROOT, arrivals, skip);
        return;
      }
      // Fan-out is involved: hand what arrived so far to a full join.
      join = new InputJoin(count);
      this.joins.set(target, join);
      nodes[info + FILLED] = -1;
      nodes[info + FLAGS]! &= ~(PENDING_FAILED | PENDING_MISSING);
      for (let i = 0; i < count; i++) {
        const earlier = pending[base + i];
        if (earlier === undefined) continue;
        join.arrive(i, earlier);
        pending[base + i] = undefined;
      }
    } else {
      join = this.joins.get(target);
      if (join === undefined) return; // complete already: nothing more can arrive
    }
    const combinations = join.arrive(slot, arrival);
    if (join.done) this.joins.delete(target);
    for (const c of combinations) this.host.createStep(this.plan.nodes[target]!, target, c.path, c.arrivals, skipOf(c.path, c.arrivals));
    if (join.conflict && !(nodes[info + FLAGS]! & CONFLICT_REPORTED)) {
      nodes[info + FLAGS]! |= CONFLICT_REPORTED;
      this.host.reportConflict(target, join.conflict);
    }
  }
}

/**
 * Why a combination's step cannot run (a failed producer wins over a missing output), or
 * undefined. Values broadcast beside a fanned input reach every mapped step: they are
 * frozen here, so that none can change another's input.
 */
function skipOf(path: Path, arrivals: readonly Arrival[]): SkipReason | undefined {
  let reason: SkipReason | undefined;
  for (const a of arrivals) {
    if (a.skip === undefined) {
      if (a.path.length < path.length && typeof a.value === 'object' && a.value !== null) freeze(a.value, true);
    } else if (a.skip === 'UPSTREAM_FAILED') reason = 'UPSTREAM_FAILED';
    else reason ??= a.skip;
  }
  return reason;
}

/** What the consumers of `output` of `step` receive: one arrival per value, or its absence. */
function arrivalsOf(step: Step, index: number, output: string, values: readonly unknown[]): readonly Arrival[] {
  const source = `${step.key}.${output}`;
  if (values.length === 0) return [{ path: step.path, value: undefined, skip: 'OUTPUT_NOT_PRODUCED', source }];
  if (values.length === 1) return [{ path: step.path, value: values[0], skip: undefined, source }];
  const paths = fanPaths(step.path, index, values.length);
  return paths.map((path, i) => ({ path, value: values[i], skip: undefined, source }));
}
