/**
 * `GET /api/runs/:id/events`: a run's events as Server-Sent Events, each `data:` the event's
 * JSON and `id:` its sequence number. Recorded events first, then live ones as they come;
 * after the terminal event (or the last event of a run that was cut off) one
 * `event: end` message with `{ status }`, then the stream closes. `Last-Event-ID` (or
 * `?lastEventId=`) resumes after that sequence number.
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { HistoryStore, StoredEvent } from '../history/history-store.ts';
import { shownStatus } from '../history/run-summary.ts';
import { ApiError } from './api-error.ts';
import type { LiveRuns } from './live-runs.ts';

/** Events read from the file per query while replaying. */
const PAGE = 1000;
/** How often a run recorded by another process is looked at for new events. */
const POLL_MS = 250;
const TERMINAL = new Set(['RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED']);

/** The SSE answer for one run. */
export function runEventStream(c: Context, runId: string, runs: LiveRuns, store: HistoryStore, streams: Set<SSEStreamingApi>): Response {
  const after = lastEventId(c);
  const live = runs.get(runId);
  if (!live && !store.getRun(runId)) throw new ApiError(404, `no run "${runId}" in this playground's history`);

  // Set up before anything is awaited: events recorded up to now are replayed from the file,
  // later ones come from the live run, with neither a gap nor a repeat between the two.
  const queue: StoredEvent[] = [];
  let wake: (() => void) | undefined;
  let stop: (() => void) | undefined;
  let liveFrom = Infinity;
  if (live && !live.ended) {
    live.recorder.flush();
    liveFrom = live.recorder.nextSeq;
    stop = live.listen((event) => {
      queue.push(event);
      wake?.();
    });
    void live.done.then(() => wake?.());
  }

  return streamSSE(c, async (stream) => {
    streams.add(stream);
    stream.onAbort(() => {
      stop?.();
      wake?.();
    });
    try {
      let seq = after;
      let ended = false;
      // 1. What the file holds.
      for (;;) {
        const page = store.events(runId, seq, PAGE).filter((e) => e.seq < liveFrom);
        if (page.length === 0) break;
        ended = await write(stream, page);
        seq = page[page.length - 1]!.seq;
        if (ended || page.length < PAGE) break;
      }
      // 2. A live run of this process: its events as they come.
      if (live && stop) {
        while (!ended && !stream.aborted) {
          if (queue.length === 0) {
            if (live.ended && runs.get(runId) === undefined) break;
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
            continue;
          }
          const batch = queue.splice(0, queue.length).filter((e) => e.seq > seq);
          if (batch.length === 0) continue;
          ended = await write(stream, batch);
          seq = batch[batch.length - 1]!.seq;
        }
      } else {
        // 3. A run another process is recording (`pipeline execute --history`): follow the file.
        while (!ended && !stream.aborted && isRunningElsewhere(store, runId)) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          const page = store.events(runId, seq, PAGE);
          if (page.length === 0) continue;
          ended = await write(stream, page);
          seq = page[page.length - 1]!.seq;
        }
        const rest = ended ? [] : store.events(runId, seq);
        if (rest.length > 0) await write(stream, rest);
      }
      if (!stream.aborted) {
        const record = store.getRun(runId);
        const status = record ? shownStatus(record, runs.get(runId) !== undefined) : 'STARTED';
        await stream.writeSSE({ event: 'end', data: JSON.stringify({ status }) });
      }
    } finally {
      stop?.();
      streams.delete(stream);
    }
  });
}

/** Writes events as one chunk; true when the terminal event was among them. */
async function write(stream: SSEStreamingApi, events: readonly StoredEvent[]): Promise<boolean> {
  let text = '';
  let terminal = false;
  // Event JSON never holds a raw line break, so each is one `data:` line.
  for (const e of events) {
    text += `id: ${e.seq}\ndata: ${e.json}\n\n`;
    if (TERMINAL.has(e.type)) {
      terminal = true;
      break;
    }
  }
  if (!stream.aborted) await stream.write(text);
  return terminal;
}

function isRunningElsewhere(store: HistoryStore, runId: string): boolean {
  const record = store.getRun(runId);
  return record !== undefined && shownStatus(record, false) === 'STARTED';
}

/** The sequence number to resume after: `Last-Event-ID`, else `?lastEventId=`, else 0. */
function lastEventId(c: Context): number {
  const value = c.req.header('last-event-id') ?? c.req.query('lastEventId');
  if (value === undefined || value === '') return 0;
  if (!/^\d+$/.test(value.trim()))
    throw new ApiError(400, `Last-Event-ID must be an event's sequence number (an integer), got ${JSON.stringify(value)}`);
  return Number(value.trim());
}
