/**
 * The public pieces an executor that runs steps elsewhere is built from (the workerPool's
 * step host uses them): a resource scope that opens what each step needs as it comes, and
 * a log that turns ctx.log calls into records for the run.
 */
import { describe, expect, it } from 'vitest';
import { mode, recordLog, resource, ResourceScope, type LogRecord, type Resource, type ScopeReport } from '../../../lib/index.ts';

const ignore = (): void => undefined;
const silent = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore, fatal: ignore };

function tracked(journal: string[], name: string, deps: readonly string[] = []): Resource {
  return resource({
    resources: deps,
    init: () => {
      journal.push(`init ${name}`);
      return { name, [Symbol.dispose]: () => journal.push(`teardown ${name}`) };
    },
  });
}

function scopeOf(resources: Record<string, Resource>, reports: ScopeReport[] = []): ResourceScope {
  return new ResourceScope({
    mode: mode({ name: 'host', resources }),
    configs: {},
    runId: 'run-1',
    signal: new AbortController().signal,
    log: () => silent,
    report: (report) => reports.push(report),
  });
}

describe('ResourceScope', () => {
  it('opens what each step needs as it comes, dependencies first and each once, and tears all down in reverse order of init', async () => {
    const journal: string[] = [];
    const scope = scopeOf({ a: tracked(journal, 'a'), b: tracked(journal, 'b', ['a']), c: tracked(journal, 'c', ['a']) });
    expect(await scope.open(['b'])).toBeUndefined();
    expect(await scope.open(['c', 'b'])).toBeUndefined();
    expect(Object.keys(scope.values)).toEqual(['a', 'b', 'c']);
    expect(await scope.close()).toEqual([]);
    expect(journal).toEqual(['init a', 'init b', 'init c', 'teardown c', 'teardown b', 'teardown a']);
  });

  it('answers a later need of a resource whose init failed with that error, without trying it again', async () => {
    let inits = 0;
    const reports: ScopeReport[] = [];
    const boom = new Error('no database');
    const scope = scopeOf(
      {
        db: resource({
          init: () => {
            inits++;
            throw boom;
          },
        }),
      },
      reports,
    );
    expect(await scope.open(['db'])).toBe(boom);
    expect(await scope.open(['db'])).toBe(boom);
    expect(inits).toBe(1);
    expect(reports.map((r) => r.type)).toEqual(['RESOURCE_INIT_START', 'RESOURCE_INIT_FAILURE']);
  });
});

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
