/**
 * A compute's sink whose calls wait for the executor's `hold` (see
 * `ExecutorInstance.hold`): what an attempt reports — values, end, failure — is held
 * until the executor releases it, in order. Calls made in one go (a Promise's value and
 * its end) are held together, as one completion.
 */
import type { ExecutorInstance } from '../define/executor.ts';
import type { ComputeSink } from './compute.ts';

type Hold = NonNullable<ExecutorInstance['hold']>;

interface HeldCall {
  readonly what: string;
  readonly call: () => void;
}

export class HeldSink implements ComputeSink {
  private readonly target: ComputeSink;
  private readonly hold: Hold;
  private readonly name: string;
  /** Calls not yet handed to the hold, in order. */
  private waiting: HeldCall[] = [];
  /** A batch is being gathered or held: later calls wait for the next batch. */
  private busy = false;

  /** `stepKey` and `attempt` label what is held (`load: output result, done`). */
  constructor(target: ComputeSink, hold: Hold, stepKey: string, attempt: number) {
    this.target = target;
    this.hold = hold;
    this.name = attempt > 1 ? `${stepKey} (attempt ${attempt})` : stepKey;
  }

  output(name: string, value: unknown): void {
    this.push({ what: `output ${name}`, call: () => this.target.output(name, value) });
  }

  done(): void {
    this.push({ what: 'done', call: () => this.target.done() });
  }

  fail(error: unknown): void {
    this.push({ what: 'failed', call: () => this.target.fail(error) });
  }

  private push(held: HeldCall): void {
    this.waiting.push(held);
    if (this.busy) return;
    this.busy = true;
    // What the compute reports in the same turn is one completion: gather it first.
    queueMicrotask(() => this.holdBatch());
  }

  private holdBatch(): void {
    const batch = this.waiting;
    this.waiting = [];
    let released = false;
    this.hold(`${this.name}: ${batch.map((b) => b.what).join(', ')}`, () => {
      // An executor that releases twice does not run a completion twice.
      if (released) return;
      released = true;
      try {
        for (const held of batch) held.call();
      } finally {
        if (this.waiting.length > 0) queueMicrotask(() => this.holdBatch());
        else this.busy = false;
      }
    });
  }
}
