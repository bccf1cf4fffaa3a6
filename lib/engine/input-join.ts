import { relate, ROOT, type Path } from './fan-out.ts';

/** Why a value is missing: its producer failed (or was skipped for that), or did not emit. */
export type SkipReason = 'UPSTREAM_FAILED' | 'OUTPUT_NOT_PRODUCED';

/** A value (or its absence) reaching one input of an invocation. */
export interface Arrival {
  readonly path: Path;
  readonly value: unknown;
  /** Set when there is no value. */
  readonly skip: SkipReason | undefined;
  /** `<stepKey>.<output>`, for STEP_INPUT events. */
  readonly source: string;
}

/** A complete set of inputs for one step instance. */
export interface Combination {
  readonly path: Path;
  /** One arrival per wired input slot, in slot order. */
  readonly arrivals: readonly Arrival[];
}

/**
 * Joins the inputs of one invocation. Each wired input (slot) receives arrivals from
 * the instances of its producer; every compatible combination (paths on one line of
 * fan-out, the shorter broadcast) forms exactly once, when its last arrival comes.
 * The common case, one arrival per slot at the root, costs a counter.
 */
export class InputJoin {
  private readonly slots: Arrival[][];
  private filled = 0;
  /** Every arrival so far is the only one of its slot, at the root: no fan-out involved. */
  private simple = true;
  /** Set when two slots descend from different fan-outs. */
  conflict: [number, number] | undefined;
  /** Complete with one root arrival per slot: no further arrivals can come. */
  done = false;

  constructor(slotCount: number) {
    this.slots = Array.from({ length: slotCount }, () => []);
  }

  /** Records an arrival at `slot`; returns the combinations it completes. */
  arrive(slot: number, arrival: Arrival): Combination[] {
    const list = this.slots[slot]!;
    if (list.length === 0) this.filled++;
    else this.simple = false;
    if (arrival.path.length > 0) this.simple = false;
    list.push(arrival);
    if (this.filled < this.slots.length) return [];
    if (this.simple) {
      this.done = true;
      return [{ path: arrival.path, arrivals: this.slots.map((s) => s[0]!) }];
    }
    if (this.slots.length === 1) return [{ path: arrival.path, arrivals: [arrival] }];
    const out: Combination[] = [];
    const picked: Arrival[] = new Array(this.slots.length);
    picked[slot] = arrival;
    this.combine(0, slot, arrival.path, picked, out);
    return out;
  }

  private combine(i: number, fixed: number, longest: Path, picked: Arrival[], out: Combination[]): void {
    if (i === this.slots.length) {
      out.push({ path: longest, arrivals: picked.slice() });
      return;
    }
    if (i === fixed) {
      this.combine(i + 1, fixed, longest, picked, out);
      return;
    }
    for (const candidate of this.slots[i]!) {
      const relation = relate(candidate.path, longest);
      if (relation === 'mismatch') continue;
      if (relation === 'conflict') {
        this.conflict ??= [i, fixed];
        continue;
      }
      picked[i] = candidate;
      this.combine(i + 1, fixed, relation === 'a' ? candidate.path : longest, picked, out);
    }
  }
}

/** The combination of a step with no wired inputs. */
export const NO_INPUTS: Combination = Object.freeze({ path: ROOT, arrivals: Object.freeze([]) as readonly Arrival[] });
