import { Observable, type Subscriber } from 'rxjs';
import { deserialize } from 'node:v8';
import { ModeflowError } from '../../../../lib/errors.ts';
import type { ResourceReport } from '../../../../lib/define/executor.ts';
import type { StepMessage, StepRequest } from '../../../../lib/define/step-request.ts';
import { HostLedger } from '../../step-host/host-ledger.ts';
import { encodeRequest } from '../payload.ts';
import {
  clientNames,
  controlChannel,
  encode,
  jobId,
  streamKey,
  workerClientName,
  type ControlMessage,
  type QueueStepRequest,
  type WorkerMessage,
} from '../protocol.ts';
import { shownUrl } from '../redis-url.ts';
import { QueueAttempt, type AttemptOwner } from './queue-attempt.ts';
import { SecretGuard } from './secret-guard.ts';
import { openLinks, type QueueLinks } from './queue-links.ts';

/** The queue executor's config, parsed (see queue-executor.ts). */
export interface QueueSettings {
  readonly redis: string;
  readonly queue: string;
  readonly startTimeoutMs: number;
  readonly lockDurationMs: number;
  readonly maxPayloadBytes: number;
  readonly cancelGraceMs: number;
}

/** What one run on the queue works with besides its settings. */
export interface QueueRunOptions {
  readonly runId: string;
  /** Where the workers' resource reports go: the executor's `report`, so they become run events. */
  readonly report: (report: ResourceReport) => void;
  /** What the run read from `{ env: NAME }` config: no request that holds one is enqueued. */
  readonly secrets: readonly string[];
}

/** Stream entries read at once. */
const READ_COUNT = 512;
/** How long one XREAD blocks: the reader checks between reads whether the run still reads. */
const READ_BLOCK_MS = 1000;
/** While waiting for teardown acknowledgements, how often workers that hold resources are checked for being alive. */
const LIVENESS_CHECK_MS = 1000;
/** The first check comes sooner: live workers answer within milliseconds, and a dead one's connection is already gone. */
const FIRST_LIVENESS_CHECK_MS = 100;
/** Beyond the sum of the teardown timeouts, how long a worker's teardown acknowledgement may take to arrive. */
const TEARDOWN_ACK_SLACK_MS = 1000;

/**
 * One run on the queue: the run's process stays the orchestrator. It enqueues each step
 * attempt as one BullMQ job, reads what the workers send back on the run's stream and
 * folds it into the attempt's messages (exactly one outcome per attempt), fails a step no
 * worker takes within `startTimeoutMs` while no worker serves the queue, cancels attempts
 * on the workers (and removes queued jobs), and at the end has every worker that holds the
 * run's resources tear them down before the run ends.
 */
export class QueueRun implements AttemptOwner {
  private readonly settings: QueueSettings;
  private readonly options: QueueRunOptions;
  private readonly stream: string;
  private links: Promise<QueueLinks> | undefined;
  private readonly attempts = new Map<string, QueueAttempt>();
  private readonly ledger: HostLedger<string>;
  /** Attempts canceled whose worker's end is awaited (a grace period) before the teardown. */
  private readonly draining = new Set<QueueAttempt>();
  private reading: Promise<void> | undefined;
  private stopped = false;
  /** The longest the workers' end-of-run teardown may take: every resource's teardownTimeoutMs. */
  private teardownBudgetMs = 0;
  /** Only when the run read secrets: runs without any pay nothing per step. */
  private readonly guard: SecretGuard | undefined;

  constructor(settings: QueueSettings, options: QueueRunOptions) {
    this.settings = settings;
    this.options = options;
    this.guard = options.secrets.length > 0 ? new SecretGuard(options.secrets) : undefined;
    this.stream = streamKey(settings.queue, options.runId);
    // A dead worker's steps go to other workers (BullMQ's at-least-once delivery): what it lost does not fail the run.
    this.ledger = new HostLedger<string>(options.report, (worker) => `queue worker ${worker}`, 'the worker did not answer', true);
  }

  /** Sends one step attempt to the queue; emits its outputs and logs, completes or errors with its outcome. */
  runStep(request: StepRequest): Observable<StepMessage> {
    return new Observable<StepMessage>((subscriber) => this.dispatch(request, subscriber));
  }

  private dispatch(request: StepRequest, subscriber: Subscriber<StepMessage>): () => void {
    const id = jobId(request.runId, request.stepKey, request.attempt);
    const attempt = new QueueAttempt(id, request, subscriber, this);
    let data;
    try {
      const sent = this.queueRequest(request);
      this.guard?.check(sent);
      data = encodeRequest(sent);
    } catch (error) {
      subscriber.error(error);
      return () => undefined;
    }
    this.teardownBudgetMs = Math.max(this.teardownBudgetMs, sum(Object.values(request.resourceTeardownTimeoutsMs)));
    this.attempts.set(id, attempt);
    this.connect()
      .then(async (links) => {
        if (attempt.finished) return;
        await links.queue.add(request.solid, data, { jobId: id, removeOnComplete: true, removeOnFail: true });
        if (!attempt.taken && !attempt.finished) this.awaitWorker(attempt, request, links);
      })
      .catch((error: unknown) => attempt.fail(error));
    return () => {
      this.waiting.delete(attempt);
      if (attempt.finished) return;
      this.cancel(attempt, request.signal.aborted);
    };
  }

  /** Attempts no worker has taken yet, with when they started waiting (for startTimeoutMs). */
  private readonly waiting = new Map<QueueAttempt, { since: number; readonly request: StepRequest }>();
  private sweep: ReturnType<typeof setTimeout> | undefined;

  /** Watches an attempt until a worker takes it (one timer for all of them, not one each). */
  private awaitWorker(attempt: QueueAttempt, request: StepRequest, links: QueueLinks): void {
    this.waiting.set(attempt, { since: Date.now(), request });
    if (this.sweep === undefined) this.scheduleSweep(links);
  }

  private scheduleSweep(links: QueueLinks): void {
    let earliest = Infinity;
    for (const { since } of this.waiting.values()) earliest = Math.min(earliest, since);
    if (earliest === Infinity) return;
    this.sweep = setTimeout(() => void this.sweepWaiting(links), Math.max(0, earliest + this.settings.startTimeoutMs - Date.now()));
    this.sweep.unref?.();
  }

  /**
   * Attempts waiting longer than startTimeoutMs fail, saying to start a worker, when no
   * worker serves the queue; when workers are there (busy with other steps) they wait on.
   */
  private async sweepWaiting(links: QueueLinks): Promise<void> {
    const now = Date.now();
    const overdue = [...this.waiting].filter(([, w]) => now - w.since >= this.settings.startTimeoutMs);
    if (overdue.length > 0) {
      const workers = await liveWorkers(links, this.settings.queue).catch(() => undefined);
      for (const [attempt, waited] of overdue) {
        if (!this.waiting.has(attempt)) continue;
        if (workers === undefined || workers.size > 0) {
          waited.since = Date.now();
          continue;
        }
        this.waiting.delete(attempt);
        void links.queue.remove(attempt.job).catch(() => undefined);
        attempt.fail(this.noWorker(waited.request));
      }
    }
    this.sweep = undefined;
    if (!this.stopped) this.scheduleSweep(links);
  }

  /** The request as a job carries it: no signal, and no value read from `{ env: NAME }` (the worker reads its own). */
  private queueRequest(request: StepRequest): QueueStepRequest {
    const sources = request.envSources;
    let { config, inputs, resourceConfigs } = request;
    if (sources?.config || sources?.mapped?.config) config = undefined;
    const unsent = [
      ...(sources?.inputs ? Object.keys(sources.inputs) : []),
      ...(sources?.compositeInputs ? Object.keys(sources.compositeInputs) : []),
      ...(sources?.mapped?.inputs ?? []),
    ];
    if (unsent.length > 0) {
      inputs = { ...inputs };
      for (const name of unsent) delete (inputs as Record<string, unknown>)[name];
    }
    if (sources?.resourceConfigs) {
      resourceConfigs = { ...resourceConfigs };
      for (const key of Object.keys(sources.resourceConfigs)) (resourceConfigs as Record<string, unknown>)[key] = undefined;
    }
    return {
      runId: request.runId,
      pipelineName: request.pipelineName,
      pipelineModule: request.pipelineModule ?? '',
      mode: request.mode,
      solid: request.solid,
      stepKey: request.stepKey,
      attempt: request.attempt,
      config,
      inputs,
      resources: request.resources,
      resourceConfigs,
      logLevel: request.logLevel,
      resourceTeardownTimeoutsMs: request.resourceTeardownTimeoutsMs,
      ...(sources ? { envSources: sources } : {}),
      lockDurationMs: this.settings.lockDurationMs,
      maxPayloadBytes: this.settings.maxPayloadBytes,
    };
  }

  /** The run's links, opened on first use, with the reader of the run's stream started. */
  private connect(): Promise<QueueLinks> {
    this.links ??= openLinks(
      this.settings.redis,
      this.settings.queue,
      this.options.runId,
      stalledIntervalMs(this.settings.lockDurationMs),
    ).then((links) => {
      this.reading = this.read(links);
      return links;
    });
    return this.links;
  }

  /** Reads the run's stream until the run stops reading, handing each message on. */
  private async read(links: QueueLinks): Promise<void> {
    let last = '0';
    while (!this.stopped) {
      let batch: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        batch = (await links.reader.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', this.stream, last)) as typeof batch;
      } catch (error) {
        if (this.stopped) return;
        this.failAll(new ModeflowError(`the queue executor lost Redis at ${shownUrl(this.settings.redis)}: ${(error as Error).message}`));
        return;
      }
      for (const [, entries] of batch ?? []) {
        for (const [entryId, fields] of entries) {
          last = entryId.toString();
          // An entry holds the messages a worker sent in one turn, as fields "0", "1", …
          for (let i = 1; i < fields.length; i += 2) this.handle(deserialize(fields[i]!) as WorkerMessage);
        }
      }
    }
  }

  private handle(message: WorkerMessage): void {
    switch (message.t) {
      case 'report':
        this.ledger.report(message.worker, message.report);
        return;
      case 'closed':
        this.ledger.closed(message.worker);
        return;
    }
    const attempt = this.attempts.get(message.job);
    if (!attempt) {
      // A report of an attempt this run no longer follows still counts for the teardown.
      if (message.t === 'end' && message.holds) this.holds(message.worker);
      return;
    }
    switch (message.t) {
      case 'taken':
        this.waiting.delete(attempt);
        attempt.took(message.delivery, message.worker, message.startedBefore);
        return;
      case 'output':
        attempt.output(message.delivery, message.worker, { type: 'output', output: message.output, value: message.value });
        return;
      case 'log':
        attempt.log(message.log);
        return;
      case 'end':
        attempt.end(message.delivery, message.worker, message.end, message.holds);
        return;
    }
  }

  holds(worker: string): void {
    this.ledger.touch(worker);
  }

  settled(attempt: QueueAttempt): void {
    this.waiting.delete(attempt);
    if (attempt.canceled) {
      this.draining.add(attempt);
      void attempt.ended.then(() => {
        this.draining.delete(attempt);
        this.attempts.delete(attempt.job);
      });
    } else {
      this.attempts.delete(attempt.job);
    }
  }

  /** The run let go of an attempt: a queued job is removed, a running one is told to stop. */
  private cancel(attempt: QueueAttempt, abort: boolean): void {
    const taken = attempt.taken;
    attempt.letGo(taken);
    void this.links?.then(async (links) => {
      if (!taken) {
        // Still waiting: out of the queue. A worker that took it meanwhile hears the cancel below.
        const removed = await links.queue.remove(attempt.job).catch(() => 0);
        if (removed) return;
      }
      await this.publish(links, { t: 'cancel', runId: this.options.runId, jobs: [attempt.job], abort });
    });
  }

  private async publish(links: QueueLinks, message: ControlMessage): Promise<void> {
    await links.client.publish(controlChannel(this.settings.queue), encode(message)).catch(() => undefined);
  }

  private noWorker(request: StepRequest): ModeflowError {
    const redis = shownUrl(this.settings.redis);
    const queue = this.settings.queue;
    return Object.assign(
      new ModeflowError(
        `step ${request.stepKey} (solid "${request.solid}") was not taken by any worker within startTimeoutMs ` +
          `(${this.settings.startTimeoutMs} ms): no worker serves queue "${queue}" on ${redis}. Start one where the ` +
          `pipeline's module is: modeflow worker -f FILE --redis ${redis}${queue === 'modeflow' ? '' : ` --queue ${queue}`}`,
      ),
      { solid: request.solid, stepKey: request.stepKey },
    );
  }

  private failAll(error: unknown): void {
    for (const attempt of [...this.attempts.values()]) attempt.fail(error);
  }

  /**
   * Ends the run on the queue: waits for canceled attempts' ends (at most `cancelGraceMs`),
   * has every worker that holds the run's resources tear them down (in reverse order of
   * init) and waits for their answers, then closes the run's connections and deletes its
   * stream. A worker that died holding resources has them reported as not torn down.
   */
  async dispose(): Promise<void> {
    if (!this.links) return;
    let links: QueueLinks;
    try {
      links = await this.links;
    } catch {
      return;
    }
    try {
      if (this.draining.size > 0) await within(this.settings.cancelGraceMs, Promise.all([...this.draining].map((a) => a.ended)));
      if (this.ledger.holding) await this.teardown(links);
    } finally {
      this.stopped = true;
      if (this.sweep !== undefined) clearTimeout(this.sweep);
      for (const attempt of this.attempts.values()) void links.queue.remove(attempt.job).catch(() => undefined);
      await links.client.del(this.stream).catch(() => undefined);
      await links.close();
      await this.reading?.catch(() => undefined);
    }
  }

  private async teardown(links: QueueLinks): Promise<void> {
    const initGraceMs = this.settings.cancelGraceMs;
    await this.publish(links, { t: 'teardown', runId: this.options.runId, initGraceMs });
    const budgetMs = initGraceMs + this.teardownBudgetMs + TEARDOWN_ACK_SLACK_MS;
    const released = this.ledger.whenReleased();
    const deadline = Date.now() + budgetMs;
    // A worker that died holding resources never answers: its connection is gone, so it is looked for.
    for (let wait = FIRST_LIVENESS_CHECK_MS; this.ledger.holding && Date.now() < deadline; wait = LIVENESS_CHECK_MS) {
      await Promise.race([released, sleep(Math.min(wait, deadline - Date.now()))]);
      if (!this.ledger.holding) return;
      const alive = await liveWorkers(links, this.settings.queue).catch(() => undefined);
      if (alive) for (const worker of this.ledger.stuck()) if (!alive.has(worker)) this.ledger.died(worker);
    }
    for (const worker of this.ledger.stuck()) this.ledger.timedOut(worker, budgetMs);
  }
}

/**
 * How often the run looks for stalled jobs: half the lock, so that a dead worker's job
 * moves on within ~1-1.5× lockDurationMs of its last renewal. At most 5 s: the check is
 * queue-wide and BullMQ holds every other check off for the interval of the last one, so
 * a run with a long lock must not slow down another's recovery by more than that.
 */
function stalledIntervalMs(lockDurationMs: number): number {
  return Math.min(5000, Math.max(250, Math.floor(lockDurationMs / 2)));
}

/** The ids of the workers of `queue` connected to Redis now (each names its connection). */
async function liveWorkers(links: QueueLinks, queue: string): Promise<Set<string>> {
  const prefix = workerClientName(queue, '');
  const alive = new Set<string>();
  for (const name of clientNames(String(await links.client.client('LIST'))))
    if (name.startsWith(prefix)) alive.add(name.slice(prefix.length));
  return alive;
}

function within(ms: number, promise: Promise<unknown>): Promise<unknown> {
  return Promise.race([promise, sleep(ms)]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
