import BetterSqlite3 from 'better-sqlite3';
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
