/**
 * The public pieces an executor that runs steps elsewhere is built from (the workerPool's
 * step host uses them): a resource scope that opens what each step needs as it comes, and
 * a log that turns ctx.log calls into records for the run.
 */
import { describe, expect, it } from 'vitest';
import { recordLog, type LogRecord } from '../../../lib/index.ts';

describe('recordLog', () => {
  it('hands the run one record per call at or above its level, pino-style arguments normalised, and drops the rest', () => {
    const records: LogRecord[] = [];
    const log = recordLog((record) => records.push(record), 'info');
    log.debug('not taken');
    log.info({ rows: 3 }, 'loaded %d rows', 3);
    log.error(new Error('boom'));
    expect(records).toHaveLength(2);
    expect(records[0]).toEqual({ level: 'info', message: 'loaded 3 rows', fields: { rows: 3 } });
    expect(records[1]).toMatchObject({ level: 'error', message: 'boom', fields: { err: { name: 'Error', message: 'boom' } } });
  });
});
