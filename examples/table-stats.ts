/**
 * A composite solid: `table_stats` is one reusable sub-graph (count a table's rows, total a
 * column, and summarise both) with a config of its own, mapped onto its solids' config. The
 * pipeline uses it twice, for the seed example's table_0 and table_1:
 *
 *   npx modeflow pipeline print -f examples/table-stats.ts
 *   npx modeflow pipeline execute -f examples/table-stats.ts -c examples/table-stats.yaml
 *
 * Its solids are named `table_1_stats.count_rows` and so on: in step keys, results,
 * selection (`-s table_1_stats` runs all of one) and run config.
 */
import { z } from 'zod';
import { composite, mode, pipeline, solid } from 'modeflow';
import { sqliteDatabase } from './databases.ts';
import { createTable0, generateTable1 } from './query-pipeline.ts';

const rowCount = z.number().int().nonnegative();
const table = z.object({ table: z.string().regex(/^[a-z_][a-z0-9_]*$/) });

const countRows = solid({
  name: 'count_rows',
  inputs: { ready: rowCount },
  config: table,
  resources: ['database'],
  output: rowCount,
  compute: async (ctx) => {
    const [row] = await ctx.resources.database.executeQuery(`select count(*) as n from ${ctx.config.table}`);
    return Number(row?.['n']);
  },
});

const totalColumn = solid({
  name: 'total_column',
  inputs: { ready: rowCount },
  config: table.extend({ column: z.string().regex(/^[a-z_][a-z0-9_]*$/) }),
  resources: ['database'],
  output: z.number(),
  compute: async (ctx) => {
    const [row] = await ctx.resources.database.executeQuery(
      `select coalesce(sum(${ctx.config.column}), 0) as total from ${ctx.config.table}`,
    );
    return Number(row?.['total']);
  },
});

const stats = z.object({ rows: rowCount, total: z.number(), mean: z.number() });

const summarise = solid({
  name: 'summarise',
  inputs: { rows: rowCount, total: z.number() },
  output: stats,
  compute: (_ctx, { rows, total }) => ({ rows, total, mean: rows === 0 ? 0 : total / rows }),
});

/**
 * Row count, total and mean of one column of a table, once `ready` (the table's producer)
 * has given its row count. Configured as `solids.<invocation>.config: { table, column }`.
 */
export const tableStats = composite({
  name: 'table_stats',
  description: 'row count, total and mean of one column of a table',
  inputs: { ready: rowCount },
  output: stats,
  config: z.object({ table: table.shape.table, column: z.string().default('value') }),
  configMapping: ({ table: name, column }) => ({
    count_rows: { config: { table: name } },
    total_column: { config: { table: name, column } },
  }),
  graph: ({ ready }) => summarise({ rows: countRows({ ready }), total: totalColumn({ ready }) }),
});

export const statsPipeline = pipeline({
  name: 'stats_pipeline',
  description: "the seed example's first two tables, each summarised by the table_stats composite",
  modes: [mode({ name: 'local_dev', description: 'SQLite, in memory unless configured', resources: { database: sqliteDatabase } })],
  graph: () => {
    const t0 = createTable0();
    const t1 = generateTable1({ table0Rows: t0 });
    // One copy bound in code, the other configured by run config (examples/table-stats.yaml).
    tableStats.configured({ table: 'table_0' }).alias('table_0_stats')({ ready: t0 });
    tableStats.alias('table_1_stats')({ ready: t1 });
  },
});
