import { format } from 'node:util';
import { serializeError } from '../../lib/events.ts';
import { LEVELS, type LevelName, type Log } from '../../lib/log.ts';
import type { StepMessage } from '../../lib/step-request.ts';

type LogMessage = Extract<StepMessage, { type: 'log' }>;

/**
 * `ctx.log` inside a worker thread: each call becomes a `log` step message, normalised the
 * way the in-process logger does it (pino-style arguments, errors serialised), which the
 * engine turns into a `LOG` event bound to the step and writes to the mode's sinks.
 * `extra` fields (e.g. `resource`) are added to every record.
 */
export function workerLog(send: (message: LogMessage) => void, extra: Readonly<Record<string, unknown>> = {}): Log {
  const log = {} as Record<LevelName, (...args: unknown[]) => void>;
  for (const level of LEVELS) {
    log[level] = (...args: unknown[]) => {
      const record = toRecord(args);
      send({ type: 'log', level, message: record.message, fields: { ...extra, ...record.fields } });
    };
  }
  return log as unknown as Log;
}

function toRecord(args: unknown[]): { message: string; fields: Record<string, unknown> } {
  const [first, ...rest] = args;
  if (first instanceof Error) {
    return { message: rest.length ? format(...rest) : first.message, fields: { err: serializeError(first) } };
  }
  if (typeof first === 'object' && first !== null) {
    const fields = { ...(first as Record<string, unknown>) };
    if (fields['err'] instanceof Error) fields['err'] = serializeError(fields['err']);
    const message = rest.length ? format(...rest) : typeof fields['msg'] === 'string' ? String(fields['msg']) : '';
    return { message, fields };
  }
  return { message: format(first, ...rest), fields: {} };
}

/**
 * Fields as plain JSON, for a record whose fields could not be cloned (a function, say):
 * the log line still arrives, with what JSON keeps of them.
 */
export function jsonFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
  } catch {
    return { unserializable: true };
  }
}
