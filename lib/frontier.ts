/**
 * The frontier of a run: which invocations are finished, and what each step instance
 * receives. Values travel along the plan's packed wiring; inputs wait here until their
 * step is complete, and then the host creates it.
 */
import { filled, type ExecutionPlan, type PlanNode, type PlanWiring } from './plan.ts';
import type { Step } from './step.ts';
import { comparePaths, fanPaths, ROOT, type Path } from '../operators/fan-out.ts';
import { InputJoin, type Arrival, type SkipReason } from '../operators/join-inputs.ts';

/** What the frontier hands its decisions to: the run engine. */
export interface FrontierHost {
  /** All inputs of a step instance arrived (some may be skips). */
  createStep(node: PlanNode, path: Path, arrivals: readonly Arrival[]): void;
  /** Inputs of invocation `target` fan out from different origins (slots `pair`). */
  reportConflict(target: number, pair: [number, number]): void;
}

/** Bits of a node's flags. */
const FINISHED = 1;
/** An instance failed, or was skipped because something upstream failed. */
const FAILED = 2;
const CONFLICT_REPORTED = 4;

const NONE: readonly unknown[] = Object.freeze([]);
const NO_ARRIVALS: readonly Arrival[] = Object.freeze([]);

export class Frontier {
  private readonly plan: ExecutionPlan;
  private readonly wiring: PlanWiring;
  private readonly host: FrontierHost;
  // Per plan node, packed (see PlanWiring): upstream invocations not yet finished,
  // instances created and not yet done, FINISHED | FAILED | CONFLICT_REPORTED.
  private readonly upstreamLeft: Int32Array;
  private readonly active: Int32Array;
  private readonly flags: Uint8Array;
  /** Values kept for `collect()` consumers, per node and output, with their paths. */
  private readonly collected = new Map<number, Map<string, { path: Path; values: readonly unknown[] }[]>>();
  /**
   * Inputs waiting for the rest of their step, while every arrival is the first of its
   * slot and at the root (the common case): node i's slot s is at `slotBase[i] + s`, and
   * `filledSlots[i]` counts them. Anything else moves the node to an InputJoin in `joins`
   * (and `filledSlots[i]` to -1).
   */
  private readonly pending: (Arrival | undefined)[];
  private readonly filledSlots: Int32Array;
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
    this.upstreamLeft = wiring.upstreamCount.slice();
    this.active = new Int32Array(n);
    this.flags = new Uint8Array(n);
    this.pending = filled(wiring.totalSlots, undefined);
    this.filledSlots = new Int32Array(n);
    this.unfinished = n;
  }

  /** A step instance of node `index` was created. */
  created(index: number): void {
    this.active[index]!++;
  }

  /** A step instance of node `index` is done (succeeded, failed or skipped). */
  done(index: number): void {
    this.active[index]!--;
    this.finishQueue.push(index);
  }

  /** Marks node `index` as failed: its `collect()` consumers are skipped. */
  failed(index: number): void {
    this.flags[index]! |= FAILED;
  }

  /** Hands what `step` produced to its consumers (collected outputs are kept till the end). */
  deliver(step: Step): void {
    const index = step.node.index;
    const w = this.wiring;
    const end = w.edgeStart[index + 1]!;
    let output: string | undefined;
    let values: readonly unknown[] = NONE;
    // What each consumer of the current output receives: the same arrivals for all of them.
    let arrivals: readonly Arrival[] = NO_ARRIVALS;
    let keptOutput = false;
    for (let e = w.edgeStart[index]!; e < end; e++) {
      if (w.edgeOutput[e] !== output) {
        output = w.edgeOutput[e]!;
        values = step.valuesOf(output) ?? NONE;
        arrivals = NO_ARRIVALS;
        keptOutput = false;
      }
      if (w.edgeCollected[e] === 1) {
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
      const target = w.edgeTarget[e]!;
      const slot = w.edgeSlot[e]!;
      if (arrivals.length === 1) this.arrive(target, slot, arrivals[0]!, arrivals);
      else for (let i = 0; i < arrivals.length; i++) this.arrive(target, slot, arrivals[i]!);
    }
  }

  /** Tells `step`'s consumers (but not its collectors) that it gives them nothing, and why. */
  skipDownstream(step: Step, reason: SkipReason): void {
    const index = step.node.index;
    const w = this.wiring;
    for (let e = w.edgeStart[index]!, end = w.edgeStart[index + 1]!; e < end; e++) {
      if (w.edgeCollected[e] === 1) continue;
      this.arrive(w.edgeTarget[e]!, w.edgeSlot[e]!, { path: step.path, value: undefined, skip: reason, source: `${step.key}.${w.edgeOutput[e]!}` });
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
    if (this.flags[index]! & FINISHED || this.upstreamLeft[index]! > 0 || this.active[index]! > 0) return;
    this.flags[index]! |= FINISHED;
    this.unfinished--;
    const w = this.wiring;
    for (let e = w.edgeStart[index]!, end = w.edgeStart[index + 1]!; e < end; e++) {
      if (w.edgeCollected[e] !== 1) continue;
      const output = w.edgeOutput[e]!;
      const source = `${this.plan.nodes[index]!.name}.${output}`;
      if (this.flags[index]! & FAILED) {
        this.arrive(w.edgeTarget[e]!, w.edgeSlot[e]!, { path: ROOT, value: undefined, skip: 'UPSTREAM_FAILED', source });
        continue;
      }
      const parts = [...(this.collected.get(index)?.get(output) ?? [])].sort((x, y) => comparePaths(x.path, y.path));
      const values = parts.flatMap((part) => part.values);
      this.arrive(w.edgeTarget[e]!, w.edgeSlot[e]!, { path: ROOT, value: values, skip: undefined, source });
    }
    for (let d = w.downStart[index]!, end = w.downStart[index + 1]!; d < end; d++) {
      const down = w.downTarget[d]!;
      this.upstreamLeft[down]!--;
      this.finishQueue.push(down);
    }
  }

  /** `alone`, when given, is `[arrival]` (shared, read-only). */
  private arrive(target: number, slot: number, arrival: Arrival, alone?: readonly Arrival[]): void {
    const w = this.wiring;
    const count = w.slotCount[target]!;
    if (count === 1) {
      // One wired input: every arrival is a complete combination.
      this.host.createStep(this.plan.nodes[target]!, arrival.path, alone ?? [arrival]);
      return;
    }
    let join: InputJoin | undefined;
    if (this.filledSlots[target]! >= 0) {
      const base = w.slotBase[target]!;
      const pending = this.pending;
      if (arrival.path.length === 0 && pending[base + slot] === undefined) {
        pending[base + slot] = arrival;
        if (++this.filledSlots[target]! < count) return;
        // Complete without fan-out: no further arrivals come; let the values go.
        const arrivals = pending.slice(base, base + count) as Arrival[];
        for (let i = base; i < base + count; i++) pending[i] = undefined;
        this.host.createStep(this.plan.nodes[target]!, ROOT, arrivals);
        return;
      }
      // Fan-out is involved: hand what arrived so far to a full join.
      join = new InputJoin(count);
      this.joins.set(target, join);
      this.filledSlots[target] = -1;
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
    for (const c of combinations) this.host.createStep(this.plan.nodes[target]!, c.path, c.arrivals);
    if (join.conflict && !(this.flags[target]! & CONFLICT_REPORTED)) {
      this.flags[target]! |= CONFLICT_REPORTED;
      this.host.reportConflict(target, join.conflict);
    }
  }
}

/** What the consumers of `output` of `step` receive: one arrival per value, or its absence. */
function arrivalsOf(step: Step, index: number, output: string, values: readonly unknown[]): readonly Arrival[] {
  const source = `${step.key}.${output}`;
  if (values.length === 0) return [{ path: step.path, value: undefined, skip: 'OUTPUT_NOT_PRODUCED', source }];
  if (values.length === 1) return [{ path: step.path, value: values[0], skip: undefined, source }];
  const paths = fanPaths(step.path, index, values.length);
  return paths.map((path, i) => ({ path, value: values[i], skip: undefined, source }));
}
