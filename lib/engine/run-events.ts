/**
 * Where a run's events go: to the subscriber (until it unsubscribes) and to the mode's
 * logger sinks, each event stamped by the run's clock.
 */
import type { Subscriber } from 'rxjs';
import type { RunEvent } from '../events/events.ts';
import { jsonSafe } from '../events/json-safe.ts';
import { LEVEL_VALUES } from '../define/log.ts';
import type { RunClock } from './run-clock.ts';
import type { LogRecord, RunLogger } from '../logging/run-logger.ts';

const DEBUG = LEVEL_VALUES.debug;

/** What every event of a run carries besides its type and timestamp, and who hears of a failing sink. */
export interface RunIds {
  readonly runId: string;
  readonly pipelineName: string;
  readonly modeName: string;
  /** A sink threw while writing an event (told once per run; the event still reaches the subscriber). */
  sinkFailed(error: unknown): void;
}

export class RunEvents {
  /** The sinks, once opened (events before that go to the subscriber only). */
  logger: RunLogger | undefined;
  /** The subscriber is gone: events go to the sinks only. */
  unsubscribed = false;
  private sinkFailed = false;
  private readonly ids: RunIds;
  private readonly subscriber: Subscriber<RunEvent>;
  private readonly clock: RunClock;

  constructor(ids: RunIds, subscriber: Subscriber<RunEvent>, clock: RunClock) {
    this.ids = ids;
    this.subscriber = subscriber;
    this.clock = clock;
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
   * A `ctx.log` record that some sink took (and wrote) becomes a LOG event; a resource's
   * record carries the resource's key as `fields.resource`.
   */
  emitLog(
    record: LogRecord,
    step: { readonly key: string; readonly node: { readonly name: string } } | undefined,
    resource?: string,
  ): void {
    const fields = jsonSafe(resource === undefined ? record.fields : { resource, ...record.fields });
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
