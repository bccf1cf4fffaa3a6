import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { HistoryStore, type NewRun } from '../../../lib/history/history-store.ts';

const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const dir = () => mkdtempSync(join(tmpdir(), 'modeflow-history-'));

function newRun(runId: string, startedAt = 1): NewRun {
  return {
    runId,
    pipeline: 'p',
    mode: 'default',
    startedAt,
    runConfig: {},
    select: undefined,
    tags: {},
    preset: undefined,
    executor: 'sync',
    ownerPid: process.pid,
    ownerHost: 'here',
  };
}

describe('HistoryStore.open', () => {
  it('creates the file and its folder, in WAL mode, with a schema version', () => {
    const path = join(dir(), 'nested', 'history.sqlite');
    HistoryStore.open(path).close();
    const db = new Sqlite(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare(`select value from meta where key = 'schema_version'`).get()).toEqual({ value: '1' });
    db.close();
  });

  it('refuses a history written by a newer modeflow, naming both schema versions', () => {
    const path = join(dir(), 'h.sqlite');
    HistoryStore.open(path).close();
    const db = new Sqlite(path);
    db.prepare(`update meta set value = '7' where key = 'schema_version'`).run();
    db.close();
    expect(() => HistoryStore.open(path)).toThrow(/written by a newer modeflow \(history schema 7; this one reads 1\)/);
  });

  it("refuses a SQLite file that is someone else's, and a file that is not SQLite, without changing them", () => {
    const other = join(dir(), 'app.sqlite');
    const db = new Sqlite(other);
    db.exec('create table users (id integer)');
    db.close();
    expect(() => HistoryStore.open(other)).toThrow(/not a modeflow run history \(it has tables users\)/);
    const check = new Sqlite(other, { readonly: true });
    expect(check.prepare(`select name from sqlite_master where type = 'table'`).all()).toEqual([{ name: 'users' }]);
    check.close();
    const text = join(dir(), 'notes.txt');
    writeFileSync(text, 'hello '.repeat(200));
    expect(() => HistoryStore.open(text)).toThrow(/notes\.txt is not a modeflow run history/);
    expect(readFileSync(text, 'utf8')).toBe('hello '.repeat(200));
  });

  it('opens read-only only a file that exists', () => {
    expect(() => HistoryStore.open(join(dir(), 'missing.sqlite'), { readonly: true })).toThrow(/cannot open run history/);
  });
});

describe('HistoryStore runs and events', () => {
  it('lists runs newest first, a page before a key at a time', () => {
    const store = HistoryStore.open(':memory:');
    for (const id of ['a', 'b', 'c', 'd']) store.addRun(newRun(id));
    const first = store.listRuns({ limit: 3 });
    expect(first.map((r) => r.runId)).toEqual(['d', 'c', 'b']);
    expect(store.listRuns({ limit: 3, before: first[2]!.key }).map((r) => r.runId)).toEqual(['a']);
  });

  it('finds runs by a prefix of their id, taking % and _ literally', () => {
    const store = HistoryStore.open(':memory:');
    for (const id of ['abc-1', 'abd-2', 'a%c-3', 'a_c-4']) store.addRun(newRun(id));
    expect(store.findRuns('ab', 5).map((r) => r.runId)).toEqual(['abd-2', 'abc-1']);
    expect(store.findRuns('a%', 5).map((r) => r.runId)).toEqual(['a%c-3']);
    expect(store.findRuns('a_', 5).map((r) => r.runId)).toEqual(['a_c-4']);
  });

  it('gives the events of a run after a sequence number, in order, a page at a time', () => {
    const store = HistoryStore.open(':memory:');
    const key = store.addRun(newRun('r'));
    store.appendEvents(
      key,
      [1, 2, 3, 4].map((seq) => ({ seq, type: 'LOG', json: `{"n":${seq}}` })),
      4,
    );
    expect(store.events('r', 1, 2).map((e) => e.seq)).toEqual([2, 3]);
    expect(store.events('r').map((e) => e.json)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}']);
    expect(store.getRun('r')!.eventCount).toBe(4);
    expect(store.events('other')).toEqual([]);
  });
});
