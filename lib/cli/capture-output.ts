import fs from 'node:fs';

/** Where captured text goes, per stream; a stream without a handler is left alone. */
export interface CaptureTargets {
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

/** A capture in force: write around it with `stdout`/`stderr`, end it with `restore`. */
export interface Capture {
  /** Writes to the real stdout, past the capture. */
  stdout(text: string): void;
  /** Writes to the real stderr, past the capture. */
  stderr(text: string): void;
  restore(): void;
}

type Write = typeof process.stdout.write;
type WriteSync = typeof fs.writeSync;
const mutableFs = fs as unknown as { writeSync: WriteSync };

/**
 * Diverts what other code writes to stdout and stderr while the CLI owns the screen (the
 * live view) or stdout (`--json`), so nothing breaks the view or the NDJSON stream.
 * Both `process.stdout.write`/`process.stderr.write` and `fs.writeSync` on fds 1 and 2
 * are covered: pino's sinks (pino-pretty, sonic-boom) write to the file descriptor directly.
 */
export function captureOutput(targets: CaptureTargets): Capture {
  const originalStdout = process.stdout.write;
  const originalStderr = process.stderr.write;
  const originalWriteSync = mutableFs.writeSync;
  let passthrough = 0;
  const handlers: Record<number, ((text: string) => void) | undefined> = { 1: targets.stdout, 2: targets.stderr };

  const divert = (handler: (text: string) => void): Write =>
    function write(this: unknown, chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
      const encoding = typeof encodingOrCallback === 'string' ? (encodingOrCallback as BufferEncoding) : undefined;
      handler(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(encoding ?? 'utf8'));
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') process.nextTick(done as () => void);
      return true;
    } as Write;

  if (targets.stdout) process.stdout.write = divert(targets.stdout);
  if (targets.stderr) process.stderr.write = divert(targets.stderr);
  mutableFs.writeSync = function writeSync(fd: number, data: unknown, ...rest: unknown[]): number {
    const handler = handlers[fd];
    if (passthrough > 0 || !handler) return (originalWriteSync as (...args: unknown[]) => number)(fd, data, ...rest);
    if (typeof data === 'string') {
      const encoding = typeof rest[1] === 'string' ? (rest[1] as BufferEncoding) : 'utf8';
      handler(data);
      return Buffer.byteLength(data, encoding);
    }
    const view = data as ArrayBufferView;
    const offset = typeof rest[0] === 'number' ? rest[0] : 0;
    const length = typeof rest[1] === 'number' ? rest[1] : view.byteLength - offset;
    handler(Buffer.from(view.buffer, view.byteOffset + offset, length).toString('utf8'));
    return length;
  } as WriteSync;

  const through = (stream: NodeJS.WriteStream, original: Write) => (text: string) => {
    passthrough++;
    try {
      original.call(stream, text);
    } finally {
      passthrough--;
    }
  };
  let restored = false;
  return {
    stdout: through(process.stdout, originalStdout),
    stderr: through(process.stderr, originalStderr),
    restore: () => {
      if (restored) return;
      restored = true;
      process.stdout.write = originalStdout;
      process.stderr.write = originalStderr;
      mutableFs.writeSync = originalWriteSync;
    },
  };
}
