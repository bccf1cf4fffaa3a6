/**
 * Run history: an embedded SQLite file (better-sqlite3) holding each run's record and its
 * event log, one row per event with its sequence number. Written as the run goes (see
 * `RunRecorder`), so a process that dies mid-run leaves the run with the events it had.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { ModeflowError } from '../errors.ts';
import { SCHEMA_SQL, SCHEMA_VERSION } from './history-schema.ts';

/** A run as the history file keeps it. `status` is as recorded: `STARTED` until the terminal event. */
export interface StoredRun {
  /** Insertion order: the cursor of run lists (newest first). */
  readonly key: number;
  readonly runId: string;
  readonly pipeline: string;
  readonly mode: string;
  readonly status: 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELED';
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly durationMs: number | null;
  readonly runConfig: unknown;
  readonly select: string | null;
  readonly tags: Readonly<Record<string, unknown>>;
  readonly preset: string | null;
  readonly executor: string | null;
  /** The process that recorded the run, to tell a run still going elsewhere from one cut off. */
  readonly ownerPid: number;
  readonly ownerHost: string;
  readonly eventCount: number;
}

/** One recorded event: its sequence number (1 for `RUN_START`), type and JSON text. */
export interface StoredEvent {
  readonly seq: number;
  readonly type: string;
  readonly json: string;
}

/** What a run's row starts with (from its `RUN_START`). */
export interface NewRun {
  readonly runId: string;
  readonly pipeline: string;
  readonly mode: string;
  readonly startedAt: number;
  readonly runConfig: unknown;
  readonly select: string | undefined;
  readonly tags: Readonly<Record<string, unknown>>;
  readonly preset: string | undefined;
  readonly executor: string | undefined;
  readonly ownerPid: number;
  readonly ownerHost: string;
}

/** How a run ended. */
export interface RunEnding {
  readonly status: 'SUCCESS' | 'FAILURE' | 'CANCELED';
  readonly endedAt: number;
  readonly durationMs: number;
  /** The final run state, as JSON. */
  readonly stateJson: string;
}

/** A history file that cannot be opened or read: not SQLite, from a newer modeflow, unwritable. */
export class HistoryError extends ModeflowError {
  override readonly name = 'HistoryError';
}

interface RunRow {
  key: number;
  run_id: string;
  pipeline: string;
  mode: string;
  status: StoredRun['status'];
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  run_config: string;
  selection: string | null;
  tags: string;
  preset: string | null;
  executor: string | null;
  owner_pid: number;
  owner_host: string;
  event_count: number;
}

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

// Loaded on first use: `pipeline execute` without --history never pays for the native module.
let sqlite: typeof BetterSqlite3 | undefined;
function loadSqlite(): typeof BetterSqlite3 {
  return (sqlite ??= createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3);
}

/**
 * The run history in one SQLite file (WAL mode), or in memory (`':memory:'`, for a server
 * started without history). Opening creates the file, its folder and the schema when
 * missing; `readonly` opens an existing file only.
 *
 * @example
 * const store = HistoryStore.open('.modeflow/history.sqlite');
 * store.listRuns({ limit: 20 });
 *
 * @throws {HistoryError} when the file is not a modeflow history, was written by a newer
 *   modeflow, or cannot be created
 */
export class HistoryStore {
  readonly path: string;
  private readonly db: Database;
  private readonly statements = new Map<string, Statement>();
  private closed = false;

  private constructor(path: string, db: Database) {
    this.path = path;
    this.db = db;
  }

  static open(path: string, options: { readonly?: boolean } = {}): HistoryStore {
    const Sqlite = loadSqlite();
    const memory = path === ':memory:';
    let db: Database;
    try {
      if (!memory && !options.readonly) mkdirSync(dirname(path), { recursive: true });
      db = new Sqlite(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, timeout: 5000 });
    } catch (error) {
      throw new HistoryError(`cannot open run history ${path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      if (!memory && !options.readonly) {
        // WAL: readers (another `modeflow runs list`, the playground) never block the writer.
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      checkSchema(db, path, options.readonly ?? false);
    } catch (error) {
      db.close();
      if (error instanceof HistoryError) throw error;
      throw new HistoryError(`${path} is not a modeflow run history: ${(error as Error).message}`, { cause: error });
    }
    return new HistoryStore(path, db);
  }

  // ---- writing ------------------------------------------------------------------------

  /** Adds a run's row; returns its key for {@link appendEvents}. */
  addRun(run: NewRun): number {
    const info = this.statement(
      `insert into runs (run_id, pipeline, mode, status, started_at, run_config, selection, tags, preset, executor, owner_pid, owner_host)
       values (?, ?, ?, 'STARTED', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      run.runId,
      run.pipeline,
      run.mode,
      run.startedAt,
      JSON.stringify(run.runConfig ?? {}),
      run.select ?? null,
      JSON.stringify(run.tags ?? {}),
      run.preset ?? null,
      run.executor ?? null,
      run.ownerPid,
      run.ownerHost,
    );
    return Number(info.lastInsertRowid);
  }

  /**
   * Appends events and updates the run's event count, in one transaction; with `ending`
   * (the terminal event is among them), records how the run ended in the same one, so a
   * reader never sees the terminal event on a run still marked as going on.
   */
  appendEvents(key: number, events: readonly StoredEvent[], eventCount: number, ending?: RunEnding): void {
    const insert = this.statement('insert into events (run, seq, type, json) values (?, ?, ?, ?)');
    const count = this.statement('update runs set event_count = ? where key = ?');
    const end = this.statement('update runs set status = ?, ended_at = ?, duration_ms = ?, state = ? where key = ?');
    this.db.transaction(() => {
      for (const e of events) insert.run(key, e.seq, e.type, e.json);
      count.run(eventCount, key);
      if (ending) end.run(ending.status, ending.endedAt, ending.durationMs, ending.stateJson, key);
    })();
  }

  // ---- reading ------------------------------------------------------------------------

  /** Runs, newest first; `before` is the `key` of the last run of the previous page. */
  listRuns(options: { limit: number; before?: number | undefined }): StoredRun[] {
    const rows =
      options.before === undefined
        ? this.statement('select * from runs order by key desc limit ?').all(options.limit)
        : this.statement('select * from runs where key < ? order by key desc limit ?').all(options.before, options.limit);
    return (rows as RunRow[]).map(toStoredRun);
  }

  /** The run with this id, or undefined. */
  getRun(runId: string): StoredRun | undefined {
    const row = this.statement('select * from runs where run_id = ?').get(runId) as RunRow | undefined;
    return row && toStoredRun(row);
  }

  /** Runs whose id starts with `prefix` (at most `limit`), for short ids typed in a shell. */
  findRuns(prefix: string, limit: number): StoredRun[] {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = this.statement(`select * from runs where run_id like ? escape '\\' order by key desc limit ?`).all(`${escaped}%`, limit);
    return (rows as RunRow[]).map(toStoredRun);
  }

  /** The final run state JSON kept when the run ended, or undefined. */
  finalState(runId: string): string | undefined {
    const row = this.statement('select state from runs where run_id = ?').get(runId) as { state: string | null } | undefined;
    return row?.state ?? undefined;
  }

  /** Up to `limit` events of a run with a sequence number above `afterSeq`, in order. */
  events(runId: string, afterSeq = 0, limit = -1): StoredEvent[] {
    return this.statement(
      'select seq, type, json from events where run = (select key from runs where run_id = ?) and seq > ? order by seq limit ?',
    ).all(runId, afterSeq, limit) as StoredEvent[];
  }

  /** Closes the file; later calls do nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}

function checkSchema(db: Database, path: string, readonly: boolean): void {
  const hasMeta = db.prepare(`select 1 from sqlite_master where type = 'table' and name = 'meta'`).get() !== undefined;
  if (!hasMeta) {
    const tables = db.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[];
    if (tables.length > 0) {
      throw new HistoryError(
        `${path} is a SQLite file but not a modeflow run history (it has tables ${tables.map((t) => t.name).join(', ')}); ` +
          `pass another path with --history`,
      );
    }
    if (readonly) throw new HistoryError(`${path} holds no run history yet`);
    db.exec(SCHEMA_SQL);
    db.prepare(`insert into meta (key, value) values ('schema_version', ?)`).run(String(SCHEMA_VERSION));
    return;
  }
  const row = db.prepare(`select value from meta where key = 'schema_version'`).get() as { value: string } | undefined;
  const version = Number(row?.value);
  if (version !== SCHEMA_VERSION) {
    throw new HistoryError(
      version > SCHEMA_VERSION
        ? `${path} was written by a newer modeflow (history schema ${version}; this one reads ${SCHEMA_VERSION}); upgrade modeflow or pass another path with --history`
        : `${path} has an unknown history schema (${row?.value ?? 'none'}; this modeflow reads ${SCHEMA_VERSION}); pass another path with --history`,
    );
  }
}

function toStoredRun(row: RunRow): StoredRun {
  return {
    key: row.key,
    runId: row.run_id,
    pipeline: row.pipeline,
    mode: row.mode,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    runConfig: JSON.parse(row.run_config) as unknown,
    select: row.selection,
    tags: JSON.parse(row.tags) as Record<string, unknown>,
    preset: row.preset,
    executor: row.executor,
    ownerPid: row.owner_pid,
    ownerHost: row.owner_host,
    eventCount: row.event_count,
  };
}
