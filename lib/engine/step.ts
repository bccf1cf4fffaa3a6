/** A step instance, as the engine tracks it from creation to its end. */
import type { PlanNode } from '../plan/plan.ts';
import { stepKeyOf, type Path } from './fan-out.ts';
import type { Arrival } from './input-join.ts';

/** One step instance: an invocation at a fan-out path. */
export class Step {
  attempt = 1;
  startedAt = 0;
  // Values per output name, this attempt: the first output named inline (most steps have
  // one), any others in a Map.
  firstOutput: string | undefined;
  firstValues: unknown[] | undefined;
  moreOutputs: Map<string, unknown[]> | undefined;
  /** The live attempt (compared by identity): callbacks from an older one, or after the step ended, are ignored. */
  token: object | undefined;
  cancel: (() => void) | undefined;
  settled: Promise<void> | undefined;
  inputs: Record<string, unknown> | undefined;
  /** Neighbours in the run's list of running steps. */
  prev: Step | undefined;
  next: Step | undefined;

  readonly node: PlanNode;
  readonly path: Path;
  readonly arrivals: readonly Arrival[];

  private stepKey: string | undefined;

  /** Stores what it is given and nothing else: reading `node` now would be a cache miss. */
  constructor(node: PlanNode, path: Path, arrivals: readonly Arrival[]) {
    this.node = node;
    this.path = path;
    this.arrivals = arrivals;
  }

  /** `<invocation>` or `<invocation>[i]...` for mapped steps. */
  get key(): string {
    return (this.stepKey ??= stepKeyOf(this.node.name, this.path));
  }

  get priority(): number {
    return this.node.priority;
  }

  /** The values output `name` gave this attempt (undefined: none). */
  valuesOf(name: string): unknown[] | undefined {
    return name === this.firstOutput ? this.firstValues : this.moreOutputs?.get(name);
  }

  /** Records one value of output `name`; returns its index among that output's values. */
  addValue(name: string, value: unknown): number {
    if (this.firstOutput === undefined) {
      this.firstOutput = name;
      this.firstValues = [value];
      return 0;
    }
    let list = this.valuesOf(name);
    if (list === undefined) (this.moreOutputs ??= new Map()).set(name, (list = []));
    return list.push(value) - 1;
  }

  /** Forgets the values of an earlier attempt. */
  clearValues(): void {
    this.firstOutput = this.firstValues = this.moreOutputs = undefined;
  }
}
