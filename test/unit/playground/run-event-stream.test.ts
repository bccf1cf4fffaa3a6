import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../../lib/playground/index.ts';
import { slowProbe, testPipelines } from './fixtures.ts';

/** One Server-Sent Events message. */
interface Message {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

/** Reads SSE messages from a response as they come; `next` waits for the next one (undefined at the end). */
function messages(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const all: Message[] = [];
  return {
    all,
    async next(): Promise<Message | undefined> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: Record<string, string> = {};
          for (const line of block.split('\n')) {
            const colon = line.indexOf(': ');
            const field = line.slice(0, colon);
            message[field] = message[field] === undefined ? line.slice(colon + 2) : `${message[field]}\n${line.slice(colon + 2)}`;
          }
          all.push(message as unknown as Message);
          return message as unknown as Message;
        }
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffer += value;
      }
    },
    /** Every message to the end of the stream. */
    async rest(): Promise<Message[]> {
      while (await this.next());
      return all;
    },
  };
}

const typeOf = (m: Message) => (JSON.parse(m.data) as { type: string }).type;

describe('GET /api/runs/:id/events', () => {
  let playground: Playground;
  const url = (path: string) => new URL(path, playground.url);
  const launch = async (body: unknown): Promise<string> => {
    const res = await fetch(url('/api/runs'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { runId: string }).runId;
  };

  beforeAll(async () => {
    playground = await startPlayground({ pipelines: testPipelines, port: 0, history: false, log: () => undefined });
  });
  afterAll(() => playground.close());

  it("replays a finished run's events, numbered from 1, ends after the terminal event with { status }, and closes", async () => {
    const runId = await launch({ pipeline: 'greet', preset: 'quick' });
    const res = await fetch(url(`/api/runs/${runId}/events`));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const all = await messages(res).rest();
    const events = all.filter((m) => m.event === undefined);
    expect(events.map((m) => m.id)).toEqual(events.map((_, i) => String(i + 1)));
    expect(typeOf(events[0]!)).toBe('RUN_START');
    expect(typeOf(events.at(-1)!)).toBe('RUN_SUCCESS');
    expect(all.at(-1)).toEqual({ event: 'end', data: '{"status":"SUCCESS"}' });
    expect(events.every((m) => (JSON.parse(m.data) as { runId: string }).runId === runId)).toBe(true);
  });

  it('resumes after Last-Event-ID (header or query)', async () => {
    const runId = await launch({ pipeline: 'greet', preset: 'quick' });
    const header = await messages(await fetch(url(`/api/runs/${runId}/events`), { headers: { 'Last-Event-ID': '3' } })).rest();
    expect(header[0]!.id).toBe('4');
    const query = await messages(await fetch(url(`/api/runs/${runId}/events?lastEventId=5`))).rest();
    expect(query[0]!.id).toBe('6');
    expect(query.at(-1)!.event).toBe('end');
  });

  it('answers 404 for an unknown run and 400 for a Last-Event-ID that is no sequence number', async () => {
    expect((await fetch(url('/api/runs/nope/events'))).status).toBe(404);
    const runId = await launch({ pipeline: 'greet', preset: 'quick' });
    expect((await fetch(url(`/api/runs/${runId}/events`), { headers: { 'Last-Event-ID': 'abc' } })).status).toBe(400);
  });

  it('streams a live run as it goes, without gap or repeat between recorded and live events, to RUN_CANCELED', async () => {
    const runId = await launch({ pipeline: 'slow' });
    const stream = messages(await fetch(url(`/api/runs/${runId}/events`)));
    for (let m = await stream.next(); m && typeOf(m) !== 'STEP_START'; m = await stream.next());
    // A second client joins late, from the middle.
    const late = messages(await fetch(url(`/api/runs/${runId}/events`), { headers: { 'Last-Event-ID': '2' } }));
    expect((await fetch(url(`/api/runs/${runId}/cancel`), { method: 'POST' })).status).toBe(202);
    const all = await stream.rest();
    const events = all.filter((m) => m.event === undefined);
    expect(events.map((m) => m.id)).toEqual(events.map((_, i) => String(i + 1)));
    expect(events.map(typeOf)).toContain('RESOURCE_TEARDOWN');
    expect(typeOf(events.at(-1)!)).toBe('RUN_CANCELED');
    expect(all.at(-1)).toEqual({ event: 'end', data: '{"status":"CANCELED"}' });
    const lateAll = await late.rest();
    expect(lateAll.map((m) => m.id)).toEqual([...events.slice(2).map((m) => m.id), undefined]);
    expect(slowProbe.tornDown).toContain(runId);
  });
});

describe('closing the playground', () => {
  it('cancels the runs going on (resources torn down) and ends their event streams', async () => {
    const playground = await startPlayground({ pipelines: testPipelines, port: 0, history: false, log: () => undefined });
    const res = await fetch(new URL('/api/runs', playground.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pipeline: 'slow' }),
    });
    const { runId } = (await res.json()) as { runId: string };
    const stream = messages(await fetch(new URL(`/api/runs/${runId}/events`, playground.url)));
    for (let m = await stream.next(); m && typeOf(m) !== 'STEP_START'; m = await stream.next());
    const reading = stream.rest();
    await playground.close();
    expect(slowProbe.tornDown).toContain(runId);
    const rest = await reading;
    expect(rest.filter((m) => m.event === undefined).map(typeOf)).toContain('RUN_CANCELED');
    expect(rest.at(-1)).toEqual({ event: 'end', data: '{"status":"CANCELED"}' });
  });
});
