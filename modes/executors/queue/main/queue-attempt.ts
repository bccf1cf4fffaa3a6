import type { Subscriber } from 'rxjs';
import { ModeflowError } from '../../../../lib/errors.ts';
import { originalError } from '../../../../lib/events/error-registry.ts';
import type { StepMessage } from '../../../../lib/define/step-request.ts';
import type { LogMessage } from '../../step-host/transport.ts';
import type { QueueAttemptEnd } from '../protocol.ts';

/** What an attempt reports to its run besides its messages. */
export interface AttemptOwner {
  /** The attempt's worker keeps something of the run (it must hear the teardown). */
  holds(worker: string): void;
  /** The attempt has settled (accepted an end, or was let go of). */
  settled(attempt: QueueAttempt): void;
}

/** One delivery of the job: a worker ran it (or runs it) under its own lock. */
interface DeliveryState {
  readonly worker: string;
  /** Its outputs, held until its end is accepted. */
  readonly outputs: StepMessage[];
}

/**
 * One step attempt sent to the queue, as the run's process sees it: exactly one outcome is
 * accepted. BullMQ delivers a job at least once (a job whose worker dies, or stalls past
 * its lock, runs again elsewhere, bullmq #439), so each delivery's outputs are held apart
 * and handed to the run only with that delivery's end, the first end to arrive; whatever
 * comes later for the attempt is dropped. Logs go on as they come (they say what happened,
 * also on a delivery that died), and a second delivery is itself logged, at `warn`.
 */
export class QueueAttempt {
  readonly job: string;
  readonly solid: string;
  readonly stepKey: string;
  private readonly subscriber: Subscriber<StepMessage>;
  private readonly owner: AttemptOwner;
  private readonly deliveries = new Map<string, DeliveryState>();
  /** The delivery that took the job last. */
  private latest: string | undefined;
  /** An end was accepted, or the run let go of the attempt. */
  finished = false;
  /** The run canceled it and waits (a grace period) for its worker's end. */
  canceled = false;
  private settle!: () => void;
  /** Resolves when an end arrives after a cancel, or the attempt finishes otherwise. */
  readonly ended: Promise<void>;

  constructor(job: string, where: { solid: string; stepKey: string }, subscriber: Subscriber<StepMessage>, owner: AttemptOwner) {
    this.job = job;
    this.solid = where.solid;
    this.stepKey = where.stepKey;
    this.subscriber = subscriber;
    this.owner = owner;
    this.ended = new Promise((resolve) => (this.settle = resolve));
  }

  /** True once some worker took the job. */
  get taken(): boolean {
    return this.latest !== undefined;
  }

  /** The worker of the latest delivery. */
  get worker(): string | undefined {
    return this.latest === undefined ? undefined : this.deliveries.get(this.latest)?.worker;
  }

  /** A worker took the job; a second delivery is logged (the first worker died or lost its lock). */
  took(delivery: string, worker: string, startedBefore: number): void {
    if (this.deliveries.has(delivery)) return;
    const previous = this.worker;
    this.deliveries.set(delivery, { worker, outputs: [] });
    this.latest = delivery;
    if (this.finished || (previous === undefined && startedBefore === 0)) return;
    this.subscriber.next({
      type: 'log',
      level: 'warn',
      message:
        `step ${this.stepKey} was re-delivered to queue worker ${worker}` +
        (previous === undefined
          ? ` (it had been taken ${startedBefore} time(s) before)`
          : `: queue worker ${previous}, which had it, stopped renewing its lock (it died, or was blocked for longer than lockDurationMs)`) +
        '; one outcome of the attempt is kept',
      fields: { redelivered: true, worker, ...(previous === undefined ? {} : { previousWorker: previous }), deliveries: startedBefore + 1 },
    });
  }

  output(delivery: string, worker: string, message: StepMessage): void {
    if (this.finished) return;
    this.delivery(delivery, worker).outputs.push(message);
  }

  log(message: LogMessage): void {
    if (!this.finished) this.subscriber.next(message);
  }

  /** An end from `delivery`: the first one is the attempt's outcome, with that delivery's outputs. */
  end(delivery: string, worker: string, end: QueueAttemptEnd, holds: boolean): void {
    if (holds) this.owner.holds(worker);
    if (this.finished) {
      if (this.canceled) this.settle();
      return;
    }
    const outputs = this.delivery(delivery, worker).outputs;
    this.finish();
    if (end.type === 'done') {
      for (const message of outputs) this.subscriber.next(message);
      this.subscriber.complete();
    } else if (end.type === 'fail') this.subscriber.error(originalError(end.error));
    else this.subscriber.error(new ModeflowError(`step ${this.stepKey}: its queue worker canceled it unasked`));
  }

  /** Fails the attempt from this side (no worker took it, Redis is unreachable, …). */
  fail(error: unknown): void {
    if (this.finished) return;
    this.finish();
    this.subscriber.error(error);
  }

  /** The run let go of the attempt (unsubscribed); `waiting`: it still expects the worker's end. */
  letGo(waiting: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.canceled = waiting;
    this.owner.settled(this);
    if (!waiting) this.settle();
  }

  private finish(): void {
    this.finished = true;
    this.settle();
    this.owner.settled(this);
  }

  private delivery(delivery: string, worker: string): DeliveryState {
    let found = this.deliveries.get(delivery);
    if (!found) this.deliveries.set(delivery, (found = { worker, outputs: [] }));
    return found;
  }
}
