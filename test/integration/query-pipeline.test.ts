import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { execute } from '../../lib/index.ts';
import { queryPipeline } from '../../examples/query-pipeline.ts';

const dir = mkdtempSync(join(tmpdir(), 'modeflow-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the seed example in local_dev mode, on a real SQLite file', () => {
  it('creates table_0, table_1 and table_2 and reports their row counts', async () => {
    const path = join(dir, 'dev.db');
    const result = await execute(queryPipeline, {
      mode: 'local_dev',
      runConfig: {
        resources: { database: { config: { path } } },
        solids: { create_table_0: { config: { rows: 200 } }, generate_table_1: { config: { minValue: 90 } } },
        loggers: { console: { config: { level: 'warn' } } },
      },
    });
    expect(result.status).toBe('SUCCESS');

    const db = new BetterSqlite3(path, { readonly: true });
    try {
      const count = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
      const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[];
      expect(tables.map((t) => t.name)).toEqual(['table_0', 'table_1', 'table_2']);
      expect(count('table_0')).toBe(200);
      expect(count('table_1')).toBe((db.prepare('select count(*) as n from table_0 where value > 90').get() as { n: number }).n);
      const categories = (db.prepare('select count(distinct category) as n from table_1').get() as { n: number }).n;
      expect(count('table_2')).toBe(categories);
      expect(result.output('report_row_counts')).toEqual({ table_0: 200, table_1: count('table_1'), table_2: categories });
      const totals = db.prepare('select sum(total) as t from table_2').get() as { t: number };
      expect(totals.t).toBe((db.prepare('select sum(value) as t from table_1').get() as { t: number }).t);
    } finally {
      db.close();
    }
  });

  it('closes the database at the end of the run, so the file is free again', async () => {
    const path = join(dir, 'again.db');
    const runConfig = { resources: { database: { config: { path } } }, loggers: { console: { config: { level: 'warn' } } } };
    await execute(queryPipeline, { mode: 'local_dev', runConfig });
    // A second run over the same file drops and recreates the tables.
    const again = await execute(queryPipeline, { mode: 'local_dev', runConfig });
    expect(again.output('report_row_counts')).toEqual({ table_0: 1000, table_1: 495, table_2: 5 });
  });
});
