import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { SseParser, type SseMessage } from '../../../playground/src/model/sse-parser.ts';

const parse = (...chunks: string[]) => {
  const parser = new SseParser();
  const out: SseMessage[] = [];
  for (const chunk of chunks) parser.feed(chunk, (m) => out.push(m));
  return { out, lastEventId: parser.lastEventId };
};

describe('the run view’s reader of Server-Sent Events', () => {
  it('dispatches an event at each blank line, with its id and data', () => {
    expect(parse('id: 1\ndata: {"a":1}\n\nid: 2\ndata: {"b":2}\n\n').out).toEqual([
      { id: '1', event: 'message', data: '{"a":1}' },
      { id: '2', event: 'message', data: '{"b":2}' },
    ]);
  });

  it('joins data lines with newlines, skips comments and retry, keeps the event name', () => {
    expect(parse(': keep-alive\nretry: 1000\nevent: run\ndata: a\ndata:b\n\n').out).toEqual([{ id: '', event: 'run', data: 'a\nb' }]);
  });

  it('keeps the last id for resuming (Last-Event-ID), and an event without data is not dispatched', () => {
    const { out, lastEventId } = parse('id: 7\n\nid: 8\ndata: x\n\nid: 9\n\n');
    expect(out).toEqual([{ id: '8', event: 'message', data: 'x' }]);
    expect(lastEventId).toBe('9');
  });

  it('does not dispatch an event whose blank line has not arrived yet', () => {
    expect(parse('id: 1\ndata: half').out).toEqual([]);
  });

  const stream = fc
    .array(fc.record({ id: fc.nat(), data: fc.string({ unit: fc.constantFrom('a', '{', '"', ' ', ':', 'é') }) }), {
      minLength: 1,
      maxLength: 20,
    })
    .chain((events) =>
      fc.constantFrom('\n', '\r\n', '\r').chain((eol) => {
        const text = events.map((e) => `id: ${e.id}${eol}data: ${e.data}${eol}${eol}`).join('');
        return fc
          .array(fc.nat(text.length), { maxLength: 12 })
          .map((cuts) => ({ events, text, cuts: [...new Set(cuts)].sort((a, b) => a - b) }));
      }),
    );

  test.prop([stream], { numRuns: 200 })(
    'reads the same events however the stream is cut into chunks, with any line ending',
    ({ events, text, cuts }) => {
      const chunks = [0, ...cuts, text.length].slice(1).map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));
      expect(parse(...chunks).out).toEqual(events.map((e) => ({ id: String(e.id), event: 'message', data: e.data })));
    },
  );
});
