/**
 * A run's events from the server (`GET /api/runs/:id/events`, Server-Sent Events): the
 * recorded events first, then live ones. Read with fetch, a network chunk at a time, and
 * ingested once per animation frame however fast they come: a 10,000-step run costs one
 * render per frame. Events are parsed in the frame, within a time budget, so that a burst
 * (a long run's history arriving at once) fills the view over a few frames instead of
 * freezing it. A dropped connection resumes where it stopped (`Last-Event-ID`); repeats are
 * skipped by sequence number.
 */
import { api } from '../api/client.ts';
import type { RunEvent } from '../api/types.ts';
import type { RunStore } from './run-store.ts';
import { SseParser, type SseMessage } from './sse-parser.ts';

export interface StreamCallbacks {
  /** After each frame's batch is in the store. */
  readonly onFrame: () => void;
  /** The stream ended without the run's terminal event (an interrupted run, or the server gone). */
  readonly onEnd: (reason: string) => void;
}

const MAX_RETRIES = 5;
/** Milliseconds of parsing and ingesting per frame; the rest waits for the next frame. */
const FRAME_BUDGET_MS = 8;

/**
 * Streams a run into `store`; returns a function that stops. `live` says whether the run
 * may still be going (then a dropped stream is retried; else its end is the end).
 */
export function streamRun(runId: string, store: RunStore, live: boolean, callbacks: StreamCallbacks): () => void {
  const abort = new AbortController();
  const parser = new SseParser();
  /** Event texts received and not yet parsed, from `head` on. */
  let pending: string[] = [];
  let head = 0;
  let frame = 0;
  let lastSeq = -Infinity;
  let lastData = '';
  /** The status the server's closing `end` message gave (`INTERRUPTED` for a run cut off). */
  let endStatus: string | undefined;

  const flush = () => {
    frame = 0;
    const deadline = performance.now() + FRAME_BUDGET_MS;
    const batch: RunEvent[] = [];
    while (head < pending.length) {
      batch.push(JSON.parse(pending[head++]!) as RunEvent);
      if ((batch.length & 63) === 0 && performance.now() > deadline) break;
    }
    if (head === pending.length) {
      pending = [];
      head = 0;
    } else frame = requestAnimationFrame(flush);
    if (batch.length === 0) return;
    store.ingest(batch);
    callbacks.onFrame();
  };
  /** Parses what is left at once (the stream ended: nothing more to wait for). */
  const drain = () => {
    if (frame !== 0) cancelAnimationFrame(frame);
    frame = 0;
    const batch = pending.slice(head).map((text) => JSON.parse(text) as RunEvent);
    pending = [];
    head = 0;
    if (batch.length > 0) {
      store.ingest(batch);
      callbacks.onFrame();
    }
  };
  const endedWithTerminal = () => {
    if (lastData === '') return false;
    const type = (JSON.parse(lastData) as RunEvent).type;
    return type === 'RUN_SUCCESS' || type === 'RUN_FAILURE' || type === 'RUN_CANCELED';
  };

  const onMessage = (message: SseMessage) => {
    if (message.event === 'end') {
      try {
        endStatus = String((JSON.parse(message.data) as { status?: unknown }).status ?? '');
      } catch {
        endStatus = '';
      }
      return;
    }
    if (message.event !== 'message') return;
    const seq = message.id === '' ? Number.NaN : Number(message.id);
    if (Number.isFinite(seq)) {
      if (seq <= lastSeq) return;
      lastSeq = seq;
    }
    pending.push(message.data);
    lastData = message.data;
    if (frame === 0) frame = requestAnimationFrame(flush);
  };

  const read = async () => {
    for (let attempt = 0; ; attempt++) {
      let trouble: string;
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (parser.lastEventId !== '') headers['last-event-id'] = parser.lastEventId;
        const response = await fetch(api.eventsUrl(runId), { headers, signal: abort.signal, cache: 'no-store' });
        if (!response.ok || !response.body) {
          callbacks.onEnd(`the server answered ${response.status} for the run’s events`);
          return;
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value, onMessage);
          if (attempt > 0) attempt = 0;
        }
        if (endedWithTerminal()) return;
        trouble =
          endStatus === 'INTERRUPTED'
            ? 'it was cut off (its process ended before the run did); these are the events it had'
            : live && endStatus === undefined
              ? 'the connection to the server was lost'
              : 'the recorded events end here, without the run’s end';
        // The server closed the stream after its last event: that is the end.
        if (!live || endStatus !== undefined) {
          drain();
          callbacks.onEnd(trouble);
          return;
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        trouble = `the connection to the server was lost (${(error as Error).message})`;
      }
      if (attempt >= MAX_RETRIES) {
        drain();
        callbacks.onEnd(trouble);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
      if (abort.signal.aborted) return;
    }
  };
  void read();

  return () => {
    abort.abort();
    if (frame !== 0) cancelAnimationFrame(frame);
  };
}
