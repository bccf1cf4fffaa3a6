/**
 * A `ctx.log` call as a record: the one normalisation of pino-style arguments, for records
 * written in this process and for those written where an executor runs steps.
 */
import { format } from 'node:util';
import { LEVEL_VALUES, LEVELS, type LevelName, type Log } from '../define/log.ts';
import { serializeError } from '../errors.ts';

/** A `ctx.log` call, normalised: level, formatted message, structured fields. */
export interface LogRecord {
  readonly level: LevelName;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/**
 * The record of one pino-style call: `log.info('n=%d', 3)`, `log.info({ rows }, 'done')`,
 * `log.error(err)` or `log.error({ err }, 'failed')` (errors serialised, so that the record
 * is plain data).
 */
export function toLogRecord(level: LevelName, args: unknown[]): LogRecord {
  const [first, ...rest] = args;
  if (first instanceof Error) {
    return { level, message: rest.length ? format(...rest) : first.message, fields: { err: serializeError(first) } };
  }
  if (typeof first === 'object' && first !== null) {
    const fields = { ...(first as Record<string, unknown>) };
    if (fields['err'] instanceof Error) fields['err'] = serializeError(fields['err']);
    const message = rest.length ? format(...rest) : typeof fields['msg'] === 'string' ? String(fields['msg']) : '';
    return { level, message, fields };
  }
  return { level, message: format(first, ...rest), fields: {} };
}

/**
 * A `Log` whose calls at `minLevel` or above become records handed to `send`; calls below
 * it cost nothing. For code that runs steps elsewhere (another thread, process or
 * machine): it sends the records to the run (as `log` step messages), which writes them to
 * the mode's sinks, redacted, as it writes `ctx.log` records of its own.
 *
 * @example
 * const log = recordLog((record) => port.postMessage({ type: 'log', ...record }), request.logLevel);
 * log.info({ rows: 3 }, 'loaded');
 */
export function recordLog(send: (record: LogRecord) => void, minLevel: LevelName | 'silent'): Log {
  const log = {} as Record<LevelName, (...args: unknown[]) => void>;
  const lowest = minLevel === 'silent' ? Infinity : LEVEL_VALUES[minLevel];
  for (const level of LEVELS) {
    log[level] = LEVEL_VALUES[level] < lowest ? ignore : (...args: unknown[]) => send(toLogRecord(level, args));
  }
  return log as unknown as Log;
}

const ignore = (): void => undefined;
