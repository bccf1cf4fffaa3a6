/**
 * How a queue worker talks back to a run: XADD on the run's Redis stream, one message per
 * entry, in the order sent (one connection, commands pipelined in order).
 */
import { serialize } from 'node:v8';
import type { Redis } from 'ioredis';
import type { ResourceReport } from '../../../../lib/define/executor.ts';
import type { AttemptTransport, LogMessage, RunLink } from '../../step-host/transport.ts';
import { checkOutput } from '../payload.ts';
import { encode, streamKey, type Delivery, type QueueStepRequest, type WorkerMessage } from '../protocol.ts';

/** How long a run's stream outlives its last message when the run's process did not delete it (it died). */
const STREAM_TTL_MS = 24 * 60 * 60 * 1000;
/** Streams whose expiry this worker has set, kept to a bound. */
const EXPIRING_KEPT = 10_000;

/**
 * A worker's writer of run streams: what is sent in one turn of the event loop goes out as
 * one XADD per run (one entry holding several messages), so that a quick step's `taken`,
 * outputs and end cost Redis one command, not three. Order is kept.
 */
export class StreamWriter {
  private readonly client: Redis;
  private readonly queue: string;
  private readonly onError: (error: Error) => void;
  private pending = new Map<string, Buffer[]>();
  private flushing: Promise<void> | undefined;
  private readonly expiring = new Set<string>();

  constructor(client: Redis, queue: string, onError: (error: Error) => void) {
    this.client = client;
    this.queue = queue;
    this.onError = onError;
  }

  /** A sender for one run's stream. */
  to(runId: string): StreamSender {
    return new StreamSender(this, streamKey(this.queue, runId));
  }

  /** Queues an encoded message for `key`; resolves once it is in Redis (or failed to get there). */
  write(key: string, entry: Buffer): Promise<void> {
    let entries = this.pending.get(key);
    if (!entries) this.pending.set(key, (entries = []));
    entries.push(entry);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.flushing;
  }

  /** Resolves once everything written so far is in Redis (before the worker disconnects). */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.lastFlush;
  }

  private lastFlush: Promise<void> = Promise.resolve();

  private async flush(): Promise<void> {
    const batches = this.pending;
    this.pending = new Map();
    this.flushing = undefined;
    const writes: Promise<unknown>[] = [];
    for (const [key, entries] of batches) {
      const fields: (string | Buffer)[] = [];
      entries.forEach((entry, i) => fields.push(String(i), entry));
      writes.push(this.client.xadd(key, '*', ...fields).catch((error: Error) => this.onError(error)));
      if (!this.expiring.has(key)) {
        if (this.expiring.size >= EXPIRING_KEPT) this.expiring.clear();
        this.expiring.add(key);
        writes.push(this.client.pexpire(key, STREAM_TTL_MS).catch((error: Error) => this.onError(error)));
      }
    }
    this.lastFlush = Promise.all(writes).then(() => undefined);
    await this.lastFlush;
  }
}

/** Sends messages to one run's stream; `flushed()` resolves once all sent so far are in Redis. */
export class StreamSender {
  private readonly writer: StreamWriter;
  private readonly key: string;
  private last: Promise<void> = Promise.resolve();

  constructor(writer: StreamWriter, key: string) {
    this.writer = writer;
    this.key = key;
  }

  /** Sends an encoded message (see {@link encode}). */
  sendEncoded(entry: Buffer): void {
    this.last = this.writer.write(this.key, entry);
  }

  send(message: WorkerMessage): void {
    this.sendEncoded(encode(message));
  }

  flushed(): Promise<void> {
    return this.last;
  }
}

/**
 * One attempt's transport: outputs (checked to serialise within `maxPayloadBytes`, else the
 * attempt fails naming the output), logs (with fields JSON keeps when some do not
 * serialise) and resource reports, each tagged with the attempt's delivery.
 */
export class StreamTransport implements AttemptTransport {
  private readonly sender: StreamSender;
  private readonly delivery: Delivery;
  private readonly request: QueueStepRequest;
  private open = true;

  constructor(sender: StreamSender, delivery: Delivery, request: QueueStepRequest) {
    this.sender = sender;
    this.delivery = delivery;
    this.request = request;
  }

  output(output: string, value: unknown): void {
    if (!this.open) return;
    const message: WorkerMessage = { t: 'output', ...this.delivery, output, value };
    this.sender.sendEncoded(checkOutput(this.request, output, () => serialize(message), this.request.maxPayloadBytes));
  }

  log(log: LogMessage): void {
    if (!this.open) return;
    let entry: Buffer;
    try {
      entry = encode({ t: 'log', ...this.delivery, log });
    } catch {
      entry = encode({ t: 'log', ...this.delivery, log: { ...log, fields: jsonFields(log.fields) } });
    }
    this.sender.sendEncoded(entry);
  }

  report(report: ResourceReport): void {
    this.sender.send({ t: 'report', worker: this.delivery.worker, report });
  }

  ended(): void {
    this.open = false;
  }
}

/** A run's link from this worker between its attempts: teardown reports, then `closed`. */
export class StreamRunLink implements RunLink {
  private readonly sender: StreamSender;
  private readonly worker: string;
  private readonly onClosed: () => void;

  constructor(sender: StreamSender, worker: string, onClosed: () => void) {
    this.sender = sender;
    this.worker = worker;
    this.onClosed = onClosed;
  }

  report(report: ResourceReport): void {
    this.sender.send({ t: 'report', worker: this.worker, report });
  }

  closed(): void {
    this.sender.send({ t: 'closed', worker: this.worker });
    this.onClosed();
  }
}

/** Fields as plain JSON, for a record whose fields do not serialise (a function, say). */
function jsonFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
  } catch {
    return { unserializable: true };
  }
}
