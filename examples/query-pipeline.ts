/**
 * The seed example: Dagster's query pipeline with modes. The same solids create tables in
 * whichever database the mode provides: SQLite on a laptop (`local_dev`), Postgres in
 * production (`prod`, connection from run config, password from `PGPASSWORD`). Only `prod`
 * alerts when a step fails (a failure hook with its `alerts` resource).
 *
 *   npm run demo
 *   npx modeflow pipeline execute -f examples/query-pipeline.ts -d local_dev query_pipeline
 *   PGPASSWORD=… npx modeflow pipeline execute -f examples/query-pipeline.ts -d prod query_pipeline -c examples/prod.yaml
 *
 * `prod` also offers the queue executor: its steps then run on `modeflow worker` processes
 * (README, "Running on several machines"; examples/queue.yaml).
 */
import { z } from 'zod';
import { defaultExecutors, mode, pipeline, preset, queueExecutor, solid } from 'modeflow';
import { alertOnFailure, webhookAlerts } from './alerts.ts';
import { postgresDatabase, sqliteDatabase } from './databases.ts';

const rowCount = z.number().int().nonnegative();

async function count(db: { executeQuery(sql: string): Promise<Record<string, unknown>[]> }, table: string): Promise<number> {
  const [row] = await db.executeQuery(`select count(*) as n from ${table}`);
  return Number(row?.['n']);
}

/** Creates `table_0` with `rows` rows of synthetic data (id, category, value), at most 100,000. */
export const createTable0 = solid({
  name: 'create_table_0',
  description: 'seeds table_0 with synthetic rows',
  // A seed, not a load test: the bound also keeps property tests of this pipeline quick.
  config: z.object({ rows: z.number().int().positive().max(100_000).default(1000) }),
  resources: ['database'],
  output: rowCount,
  compute: async (ctx) => {
    const db = ctx.resources.database;
    await db.executeQuery('drop table if exists table_0');
    await db.executeQuery(
      `create table table_0 as
         with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${ctx.config.rows})
         select n as id, n % 5 as category, (n * 37) % 101 as value from seq`,
    );
    const rows = await count(db, 'table_0');
    ctx.log.info({ rows, dialect: db.dialect }, 'seeded table_0');
    return rows;
  },
});

/** `create table table_1 as select * from table_0` — the rows above a threshold. */
export const generateTable1 = solid({
  name: 'generate_table_1',
  inputs: { table0Rows: rowCount },
  config: z.object({ minValue: z.number().int().default(50) }),
  resources: ['database'],
  output: rowCount,
  compute: async (ctx) => {
    const db = ctx.resources.database;
    await db.executeQuery('drop table if exists table_1');
    await db.executeQuery(`create table table_1 as select * from table_0 where value > ${ctx.config.minValue}`);
    return count(db, 'table_1');
  },
});

/** `table_2`: table_1 summarised per category. */
export const generateTable2 = solid({
  name: 'generate_table_2',
  inputs: { table1Rows: rowCount },
  resources: ['database'],
  output: rowCount,
  compute: async (ctx) => {
    const db = ctx.resources.database;
    await db.executeQuery('drop table if exists table_2');
    await db.executeQuery('create table table_2 as select category, count(*) as n, sum(value) as total from table_1 group by category');
    return count(db, 'table_2');
  },
});

/** Reports the row count of each table. */
export const reportRowCounts = solid({
  name: 'report_row_counts',
  inputs: { table0: rowCount, table1: rowCount, table2: rowCount },
  output: z.object({ table_0: rowCount, table_1: rowCount, table_2: rowCount }),
  compute: (ctx, { table0, table1, table2 }) => {
    const counts = { table_0: table0, table_1: table1, table_2: table2 };
    ctx.log.info(counts, 'row counts');
    return counts;
  },
});

export const queryPipeline = pipeline({
  name: 'query_pipeline',
  description: 'creates table_1 and table_2 from table_0 and reports their row counts',
  modes: [
    mode({ name: 'local_dev', description: 'SQLite, in memory unless configured', resources: { database: sqliteDatabase } }),
    mode({
      name: 'prod',
      description: 'Postgres, connection from run config; alerts when a step fails; steps on queue workers with execution: queue',
      resources: { database: postgresDatabase, alerts: webhookAlerts },
      hooks: [alertOnFailure],
      // The defaults (sync first, the default) and the queue: run config picks one.
      executors: [...defaultExecutors, queueExecutor],
    }),
  ],
  presets: [
    preset({
      name: 'local_file',
      mode: 'local_dev',
      runConfig: { resources: { database: { config: { path: 'local_dev.db' } } } },
    }),
  ],
  graph: () => {
    const t0 = createTable0();
    const t1 = generateTable1({ table0Rows: t0 });
    const t2 = generateTable2({ table1Rows: t1 });
    reportRowCounts({ table0: t0, table1: t1, table2: t2 });
  },
});
