/**
 * A run's events from the server (`GET /api/runs/:id/events`, Server-Sent Events): recorded
 * events first, then live ones. Events are ingested once per animation frame, however fast
 * they come, so a 10,000-step run costs one render per frame. A dropped connection resumes
 * where it stopped (EventSource sends `Last-Event-ID`; repeats are skipped by sequence).
 */
import { api } from '../api/client.ts';
import type { RunEvent } from '../api/types.ts';
import type { RunStore } from './run-store.ts';

export interface StreamCallbacks {
  /** After each frame's batch is in the store. */
  readonly onFrame: () => void;
  /** The stream ended without the run's terminal event (an interrupted run, or the server gone). */
  readonly onEnd: (reason: string) => void;
}

/**
 * Streams a run into `store`; returns a function that stops. `live` says whether the run
 * may still be going (then a dropped stream is retried; else its end is the end).
 */
export function streamRun(runId: string, store: RunStore, live: boolean, callbacks: StreamCallbacks): () => void {
  const source = new EventSource(api.eventsUrl(runId));
  let pending: RunEvent[] = [];
  let frame = 0;
  let lastSeq = -Infinity;
  let sawTerminal = false;
  let retries = 0;

  const flush = () => {
    frame = 0;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    store.ingest(batch);
    callbacks.onFrame();
  };

  source.onmessage = (message: MessageEvent<string>) => {
    retries = 0;
    const seq = message.lastEventId === '' ? Number.NaN : Number(message.lastEventId);
    if (Number.isFinite(seq)) {
      if (seq <= lastSeq) return;
      lastSeq = seq;
    }
    const event = JSON.parse(message.data) as RunEvent;
    pending.push(event);
    if (event.type === 'RUN_SUCCESS' || event.type === 'RUN_FAILURE' || event.type === 'RUN_CANCELED') {
      sawTerminal = true;
      source.close();
    }
    if (frame === 0) frame = requestAnimationFrame(flush);
  };

  source.onerror = () => {
    if (sawTerminal) return;
    // The server ends the stream after the last recorded event of a run that is over.
    if (!live || source.readyState === EventSource.CLOSED || ++retries > 5) {
      source.close();
      flush();
      callbacks.onEnd(live ? 'the connection to the server was lost' : 'the recorded events end here, without the run’s end');
    }
  };

  return () => {
    source.close();
    if (frame !== 0) cancelAnimationFrame(frame);
  };
}
