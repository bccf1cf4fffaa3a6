import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { z } from 'zod';
import { resource } from 'modeflow';

/** The one interface both databases of the seed example implement. */
export interface Database {
  /** Runs one SQL statement; rows for queries, `[]` for statements. */
  executeQuery(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Which engine this is, for logs. */
  readonly dialect: 'sqlite' | 'postgres';
}

declare module 'modeflow' {
  interface Resources {
    database: Database;
  }
}

/**
 * SQLite through better-sqlite3: in memory by default, or a file (`path: dev.db`).
 * The handle is closed when the run ends, whatever happens.
 */
export const sqliteDatabase = resource({
  description: 'SQLite (better-sqlite3), in memory or in a file',
  config: z.object({ path: z.string().default(':memory:') }),
  async *init({ config, log }) {
    const db = new BetterSqlite3(config.path);
    db.pragma('journal_mode = WAL');
    log.info({ path: config.path }, 'opened SQLite database');
    const database: Database = {
      dialect: 'sqlite',
      executeQuery: async (sql, params = []) => {
        const statement = db.prepare(sql);
        if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
        statement.run(...params);
        return [];
      },
    };
    try {
      yield database;
    } finally {
      db.close();
    }
  },
});

/**
 * Postgres through a pg connection pool. The connection comes from run config; the
 * password is best read from the environment:
 *
 * @example
 * // prod.yaml
 * // resources:
 * //   database:
 * //     config: { host: db.internal, user: etl, database: analytics, password: { env: PGPASSWORD } }
 *
 * The pool is checked with one query at init, so a wrong host or password fails the
 * resource (RESOURCE_INIT_FAILURE) before any step starts; it is closed when the run ends.
 * Postgres returns `count(*)` as a bigint string: callers convert it with `Number()`.
 */
export const postgresDatabase = resource({
  description: 'Postgres (pg connection pool)',
  config: z.object({
    host: z.string().default('localhost'),
    port: z.number().int().positive().default(5432),
    user: z.string().default('postgres'),
    database: z.string().default('postgres'),
    password: z.string().optional(),
    /** Most connections the pool opens at once. */
    maxConnections: z.number().int().positive().default(4),
  }),
  async *init({ config, log }) {
    const { maxConnections, password, ...where } = config;
    const pool = new pg.Pool({ ...where, ...(password === undefined ? {} : { password }), max: maxConnections });
    try {
      await pool.query('select 1');
      log.info(where, 'connected to Postgres');
      const database: Database = {
        dialect: 'postgres',
        executeQuery: async (sql, params = []) => {
          const result = await pool.query(sql, [...params]);
          return result.rows as Record<string, unknown>[];
        },
      };
      yield database;
    } finally {
      await pool.end();
    }
  },
});
