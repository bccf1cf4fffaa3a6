import { MessageChannel, parentPort, threadId, type MessagePort } from 'node:worker_threads';
import type { StepMessage } from '../../../../lib/define/step-request.ts';
import type { ResourceReport } from '../../../../lib/define/executor.ts';
import type { AttemptTransport, LogMessage } from '../../step-host/transport.ts';
import { lostClassOf, lostClassWarning, uncloneableValue } from '../crossing.ts';
import type { AttemptMessage, PortAnnouncement, ThreadPortMessage, WorkerStepRequest } from '../protocol.ts';
import { takeTransferList } from '../transfer.ts';

/** The attempt this thread runs (0: none), shared with the main thread. */
export const current = new Int32Array(new SharedArrayBuffer(4));

/** This thread's port to the main thread, announced once through piscina's `message` event. */
const port: MessagePort = (() => {
  const { port1, port2 } = new MessageChannel();
  parentPort?.postMessage({ type: 'modeflow:thread-port', threadId, port: port2, current } satisfies PortAnnouncement, [port2]);
  return port1;
})();

/**
 * What one attempt sends to the main thread, over this thread's port. Outputs that surely
 * clone (plain data) wait in a queue: those still there when the attempt ends travel in
 * the task's result, at no extra message; a compute still running a turn later has them
 * flushed to the port. Everything else (logs, reports, other outputs) goes on the port at
 * once, after the queue, so the order is kept.
 */
export class ThreadPort implements AttemptTransport {
  /** Port messages sent. */
  sent = 0;
  private queued: StepMessage[] = [];
  private flushing = false;
  private open = true;
  private readonly id: number;
  private readonly request: WorkerStepRequest;

  constructor(id: number, request: WorkerStepRequest) {
    this.id = id;
    this.request = request;
  }

  /**
   * Sends an output: queued when it is plain data that surely clones, moved on the port
   * when marked with `transfer()`, else posted on the port; one that does not clone throws
   * an error naming the solid and the output.
   */
  output(output: string, value: unknown): void {
    try {
      this.sendOutput(output, value);
    } catch (error) {
      throw uncloneableValue(this.request, 'output', output, error, value);
    }
  }

  private sendOutput(output: string, value: unknown): void {
    const message: StepMessage = { type: 'output', output, value };
    const transferList = takeTransferList(value);
    if (transferList?.length) {
      try {
        this.send(message, transferList);
        return;
      } catch {
        // A buffer that cannot move (a pooled Buffer's, say) is copied instead.
      }
    } else {
      const walk: CloneWalk = { budget: 64, lostClass: undefined };
      if (surelyClones(value, walk)) {
        this.queue(message);
        return;
      }
      const lostClass = walk.lostClass ?? lostClassOf(value);
      if (lostClass !== undefined && firstWarning(this.request, output, lostClass)) {
        this.log(lostClassWarning(this.request, 'output', output, lostClass));
      }
    }
    this.send(message);
  }

  /** A log record; one whose fields do not clone (a function, say) goes with what JSON keeps of them. */
  log(message: LogMessage): void {
    try {
      this.send(message);
    } catch {
      this.send({ ...message, fields: jsonFields(message.fields) });
    }
  }

  report(report: ResourceReport): void {
    this.send({ type: 'report', runId: this.request.runId, threadId, report });
  }

  /** The attempt has ended: what is still queued stays for the result. */
  ended(): void {
    this.open = false;
  }

  /** What is still queued, for the result. */
  close(): StepMessage[] {
    this.open = false;
    const rest = this.queued;
    this.queued = [];
    return rest;
  }

  /** Queues an output known to clone. */
  private queue(message: StepMessage): void {
    this.queued.push(message);
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => {
      this.flushing = false;
      if (this.open) this.flush();
    });
  }

  /** Sends the queue, then `message` (throws, having sent the queue, when `message` does not clone). */
  private send(message: AttemptMessage, transferList?: readonly ArrayBuffer[]): void {
    this.flush();
    port.postMessage({ id: this.id, messages: [message] } satisfies ThreadPortMessage, transferList as ArrayBuffer[] | undefined);
    this.sent++;
  }

  private flush(): void {
    if (this.queued.length === 0) return;
    const messages = this.queued;
    this.queued = [];
    port.postMessage({ id: this.id, messages } satisfies ThreadPortMessage);
    this.sent++;
  }
}

/** Where {@link surelyClones} stands: what it may still look at, and the first class instance it met. */
interface CloneWalk {
  budget: number;
  lostClass: string | undefined;
}

/** Lost-class warnings already given in this thread (per run, solid, output and class), bounded. */
const warned = new Set<string>();
const WARNED_KEPT = 1024;

/** True the first time this thread sees `className` leave through `output` of this solid in this run. */
function firstWarning(request: WorkerStepRequest, output: string, className: string): boolean {
  const key = `${request.runId}\0${request.solid}\0${output}\0${className}`;
  if (warned.has(key)) return false;
  if (warned.size >= WARNED_KEPT) warned.clear();
  warned.add(key);
  return true;
}

/**
 * True for a value that structured clone surely copies: primitives (not symbols), and
 * small trees of plain objects, arrays and Dates holding them. Anything else (or larger)
 * is left to the real clone, whose error names what failed.
 */
function surelyClones(value: unknown, left: CloneWalk): boolean {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'undefined':
    case 'bigint':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (--left.budget < 0) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!surelyClones(value[i], left)) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Date.prototype) return true;
  if (proto !== Object.prototype && proto !== null) {
    left.lostClass ??= lostClassOf(value);
    return false;
  }
  for (const key in value) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    // A getter runs during the clone: leave that to the clone.
    if (!descriptor || !('value' in descriptor) || !surelyClones(descriptor.value, left)) return false;
  }
  return true;
}

/**
 * Fields as plain JSON, for a record whose fields could not be cloned (a function, say):
 * the log line still arrives, with what JSON keeps of them.
 */
function jsonFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
  } catch {
    return { unserializable: true };
  }
}
