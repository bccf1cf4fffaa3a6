/**
 * Where a run's events go: to the subscriber (until it unsubscribes) and to the mode's
 * logger sinks, each event stamped by the run's clock.
 */
import type { Subscriber } from 'rxjs';
import type { Redactor } from '../config/redact.ts';
import { LEVEL_VALUES, type Log } from '../define/log.ts';
import type { StepMessage } from '../define/step-request.ts';
import type { RunEvent } from '../events/events.ts';
import type { ResourceReport } from '../define/executor.ts';
import { jsonSafe } from '../events/json-safe.ts';
import type { LogRecord } from '../logging/log-record.ts';
import type { RunLogger } from '../logging/run-logger.ts';
import type { RunClock } from './run-clock.ts';

const DEBUG = LEVEL_VALUES.debug;

/** What every event of a run carries besides its type and timestamp, and who hears of a failing sink. */
export interface RunIds {
  readonly runId: string;
  readonly pipelineName: string;
  readonly modeName: string;
  /** A sink threw while writing an event (told once per run; the event still reaches the subscriber). */
  sinkFailed(error: unknown): void;
}

/** Where a record was written: a step (by `key`, of invocation `node.name`). */
type StepSource = { readonly key: string; readonly node: { readonly name: string } };

export class RunEvents {
  /** The sinks, once opened (events before that go to the subscriber only). */
  logger: RunLogger | undefined;
  /** The subscriber is gone: events go to the sinks only. */
  unsubscribed = false;
  private sinkFailed = false;
  private readonly ids: RunIds;
  private readonly subscriber: Subscriber<RunEvent>;
  private readonly clock: RunClock;
  private readonly redact: Redactor;

  constructor(ids: RunIds, subscriber: Subscriber<RunEvent>, clock: RunClock, redact: Redactor) {
    this.ids = ids;
    this.subscriber = subscriber;
    this.clock = clock;
    this.redact = redact;
  }

  /** The fields every event has, stamped now. */
  base(): { runId: string; pipelineName: string; mode: string; timestamp: number } {
    return { runId: this.ids.runId, pipelineName: this.ids.pipelineName, mode: this.ids.modeName, timestamp: this.clock.now() };
  }

  /** To the subscriber and to the sinks that take its level. */
  emit(event: RunEvent): void {
    if (this.logger) this.write(this.logger, event);
    if (!this.unsubscribed) this.subscriber.next(event);
  }

  /** An event the sinks take at `debug` (most step events): no sink work unless one does. */
  emitDebug(event: RunEvent): void {
    const logger = this.logger;
    if (logger && logger.minLevel <= DEBUG) this.write(logger, event);
    if (!this.unsubscribed) this.subscriber.next(event);
  }

  /** A sink that throws (a full disk) must not take the engine down mid-step: the run is told. */
  private write(logger: RunLogger, event: RunEvent): void {
    try {
      logger.writeEvent(event);
    } catch (error) {
      if (this.sinkFailed) return;
      this.sinkFailed = true;
      this.ids.sinkFailed(error);
    }
  }

  /**
   * A resource lifecycle report (from the resource scope here, or from where the executor
   * runs steps) as its event, its error redacted.
   */
  emitResource(report: ResourceReport): void {
    if (report.type === 'RESOURCE_INIT_FAILURE') {
      const base = { type: report.type, ...this.base(), resource: report.resource, error: this.redact(report.error) };
      this.emit(report.redelivered ? { ...base, redelivered: true } : base);
    } else if (report.type === 'RESOURCE_TEARDOWN') {
      if (report.error) {
        const base = { type: report.type, ...this.base(), resource: report.resource, error: this.redact(report.error) };
        this.emit({ ...base, ...(report.timedOut ? { timedOut: true } : {}), ...(report.redelivered ? { redelivered: true } : {}) });
      } else {
        this.emit({ type: report.type, ...this.base(), resource: report.resource });
      }
    } else {
      this.emit({
        type: report.type,
        resource: report.resource,
        ...this.base(),
        ...(report.type === 'RESOURCE_INIT_SUCCESS' ? { durationMs: report.durationMs } : {}),
      } as RunEvent);
    }
  }

  /** `ctx.log` of a step: its records go to the sinks and become LOG events. */
  stepLog(step: StepSource): Log {
    return this.logger!.bind({ solid: step.node.name, stepKey: step.key }, (record) => this.emitLog(record, step));
  }

  /** The `log` a resource's init gets. */
  resourceLog(resource: string): Log {
    return this.logger!.bind({ resource }, (record) => this.emitLog(record, undefined, { resource }));
  }

  /** `ctx.log` of a hook: bound to the hook, and to the step it watches (if any). */
  hookLog(hook: string, step: StepSource | undefined): Log {
    const source = step ? { solid: step.node.name, stepKey: step.key, hook } : { hook };
    return this.logger!.bind(source, (record) => this.emitLog(record, step, { hook }));
  }

  /** A record a step (or a resource init it caused) wrote where it ran: the same path as `ctx.log` here. */
  remoteLog(step: StepSource, message: Extract<StepMessage, { type: 'log' }>): void {
    const { resource } = message;
    const source = { solid: step.node.name, stepKey: step.key, ...(resource === undefined ? {} : { resource }) };
    const record = { level: message.level, message: message.message, fields: message.fields as Record<string, unknown> };
    this.logger!.write(record, source, (shown) => this.emitLog(shown, step, resource === undefined ? undefined : { resource }));
  }

  /**
   * A `ctx.log` record that some sink took (and wrote) becomes a LOG event; a resource's
   * record carries the resource's key as `fields.resource`, a hook's its name as `fields.hook`.
   */
  private emitLog(record: LogRecord, step: StepSource | undefined, tag?: { readonly resource: string } | { readonly hook: string }): void {
    const fields = jsonSafe(tag === undefined ? record.fields : { ...tag, ...record.fields });
    const event: RunEvent = step
      ? { type: 'LOG', ...this.base(), level: record.level, message: record.message, fields, stepKey: step.key, solid: step.node.name }
      : { type: 'LOG', ...this.base(), level: record.level, message: record.message, fields };
    if (!this.unsubscribed) this.subscriber.next(event);
  }

  /** To the subscriber only (the sinks could not be opened). */
  deliver(event: RunEvent): void {
    if (!this.unsubscribed) this.subscriber.next(event);
  }

  /** Ends the stream (the sinks are flushed first). */
  complete(): void {
    this.logger?.flush();
    if (!this.unsubscribed) this.subscriber.complete();
  }
}
