/**
 * A Server-Sent Events parser (the WHATWG "event stream" format), fed text as it arrives:
 * `data:` lines joined, `id:` kept as the last event id, `event:` named, comments and
 * `retry:` skipped, an event dispatched at each blank line. The run view reads the stream
 * with fetch and this parser rather than EventSource: a network chunk carries hundreds of
 * events and becomes one task, where EventSource makes a task of every event (a
 * 10,000-step run's 50,000 of them starve the page's frames).
 */

export interface SseMessage {
  /** The last event id seen so far (ids carry over to later events, as in EventSource). */
  readonly id: string;
  readonly event: string;
  readonly data: string;
}

export class SseParser {
  /** The id to resume from (`Last-Event-ID`). */
  lastEventId = '';
  private partial = '';
  private data: string[] = [];
  private event = '';
  private sawCr = false;

  /**
   * Takes the next piece of the stream and calls `emit` for every event it completes.
   *
   * @example
   * new SseParser().feed('id: 1\ndata: {"a":1}\n\n', (m) => m.data); // '{"a":1}'
   */
  feed(chunk: string, emit: (message: SseMessage) => void): void {
    let text = chunk;
    // A CRLF split across chunks: the LF that ends the CR's line was already counted.
    if (this.sawCr && text.startsWith('\n')) text = text.slice(1);
    this.sawCr = text.endsWith('\r');
    // Lines end in LF, CRLF or CR; made LF here so that the scan below is one native indexOf.
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const line = this.partial === '' ? text.slice(start, end) : this.partial + text.slice(start, end);
      this.partial = '';
      start = end + 1;
      this.line(line, emit);
    }
    this.partial += text.slice(start);
  }

  private line(line: string, emit: (message: SseMessage) => void): void {
    if (line === '') {
      if (this.data.length > 0) emit({ id: this.lastEventId, event: this.event || 'message', data: this.data.join('\n') });
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'id') {
      if (!value.includes('\0')) this.lastEventId = value;
    } else if (field === 'event') this.event = value;
  }
}
