import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { events, runCli } from '../e2e/run-cli.ts';

/** The Postgres server test/setup/postgres.ts started, or why there is none. */
const server = inject('postgres');
const dir = mkdtempSync(join(tmpdir(), 'modeflow-prod-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const execute = ['pipeline', 'execute', '-f', 'examples/query-pipeline.ts', '-d', 'prod', 'query_pipeline', '-c', 'examples/prod.yaml'];

describe('the seed example in prod mode needs its password', () => {
  it('exits 2 naming PGPASSWORD when it is not set', () => {
    const result = runCli(execute, { env: { PGPASSWORD: undefined } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('resources.database.config.password');
    expect(result.stderr).toContain('PGPASSWORD');
  });
});

describe.skipIf(server.skip !== undefined)(
  `the seed example in prod mode, through the CLI, on a real Postgres${server.skip ? ` (${server.skip})` : ''}`,
  () => {
    if (server.skip !== undefined) return;
    // examples/prod.yaml, then this file for the throwaway server: later -c files win.
    const local = join(dir, 'local.yaml');
    writeFileSync(
      local,
      `resources:\n  database:\n    config:\n      host: ${server.host}\n      port: ${server.port}\n      user: ${server.user}\n      database: ${server.database}\n`,
    );

    it('creates the tables in Postgres and reports their row counts', async () => {
      const result = runCli([...execute, '-c', local, '--json'], { env: { PGPASSWORD: server.password } });
      expect(result.stderr).not.toContain('modeflow:');
      expect(result.code).toBe(0);
      const all = events(result.stdout);
      expect(all.at(-1)!.type).toBe('RUN_SUCCESS');
      expect(all.find((e) => e.type === 'LOG' && e['message'] === 'connected to Postgres')?.['fields']).toEqual({
        resource: 'database',
        host: server.host,
        port: server.port,
        user: server.user,
        database: server.database,
      });
      // The password is read from the environment, so it is a secret: never in the events.
      expect(result.stdout).not.toContain(server.password);
      expect(all[0]!['runConfig']).toMatchObject({ resources: { database: { config: { password: { env: 'PGPASSWORD' } } } } });
      const report = all.find((e) => e.type === 'STEP_OUTPUT' && e['solid'] === 'report_row_counts')?.['value'];

      const client = new pg.Client({ ...server, password: server.password });
      await client.connect();
      try {
        const count = async (table: string) => Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n);
        const tables = await client.query("select tablename from pg_tables where schemaname = 'public' order by tablename");
        expect(tables.rows.map((r: { tablename: string }) => r.tablename)).toEqual(['table_0', 'table_1', 'table_2']);
        expect(await count('table_0')).toBe(10_000); // rows: 10000 in examples/prod.yaml
        const above = Number((await client.query('select count(*) as n from table_0 where value > 50')).rows[0].n);
        expect(await count('table_1')).toBe(above);
        expect(await count('table_2')).toBe(5);
        expect(report).toEqual({ table_0: 10_000, table_1: above, table_2: 5 });
      } finally {
        await client.end();
      }
    });

    it('fails the run (exit 1) with the resource error when the password is wrong', () => {
      const result = runCli([...execute, '-c', local], { env: { PGPASSWORD: 'not-the-password' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('resource database (initialisation)');
      expect(result.stderr).toContain('password authentication failed');
    });
  },
);
