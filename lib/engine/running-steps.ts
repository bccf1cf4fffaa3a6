import type { Step } from './step.ts';

/**
 * The running steps of a run, in start order: a linked list through the steps themselves.
 * Its size is the number of steps in flight.
 */
export class RunningSteps {
  size = 0;
  private first: Step | undefined;
  private last: Step | undefined;

  add(step: Step): void {
    step.prev = this.last;
    step.next = undefined;
    if (this.last) this.last.next = step;
    else this.first = step;
    this.last = step;
    this.size++;
  }

  /** Removes `step` (no-op when it is not running). */
  delete(step: Step): void {
    const { prev, next } = step;
    if (prev) prev.next = next;
    else if (this.first === step) this.first = next;
    else return;
    if (next) next.prev = prev;
    else this.last = prev;
    step.prev = step.next = undefined;
    this.size--;
  }

  toArray(): Step[] {
    const out: Step[] = [];
    for (let step = this.first; step; step = step.next) out.push(step);
    return out;
  }
}
