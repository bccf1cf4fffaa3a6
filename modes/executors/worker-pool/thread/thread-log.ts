import { format } from 'node:util';
import { serializeError } from '../../../../lib/events/events.ts';
import { LEVEL_VALUES, LEVELS, type LevelName, type Log } from '../../../../lib/define/log.ts';
import type { StepMessage } from '../../../../lib/define/step-request.ts';

type LogMessage = Extract<StepMessage, { type: 'log' }>;

/**
 * `ctx.log` inside a worker thread: each call at `minLevel` or above becomes a `log` step
 * message, normalised the way the in-process logger does it (pino-style arguments, errors
 * serialised); calls below it cost nothing (no sink of the run would take them). The
 * engine writes the record to the mode's sinks on the main thread (redacted, at their
 * levels) and turns it into a `LOG` event bound to the step. A resource's records name it
 * in `resource`.
 */
export function workerLog(send: (message: LogMessage) => void, minLevel: LevelName | 'silent', resource?: string): Log {
  const log = {} as Record<LevelName, (...args: unknown[]) => void>;
  const lowest = minLevel === 'silent' ? Infinity : LEVEL_VALUES[minLevel];
  for (const level of LEVELS) {
    if (LEVEL_VALUES[level] < lowest) {
      log[level] = ignore;
      continue;
    }
    log[level] = (...args: unknown[]) => {
      const record = toRecord(args);
      send(resource === undefined ? { type: 'log', level, ...record } : { type: 'log', level, ...record, resource });
    };
  }
  return log as unknown as Log;
}

const ignore = (): void => undefined;

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
