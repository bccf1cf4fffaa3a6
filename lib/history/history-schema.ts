/**
 * The tables of a run history file. `meta.schema_version` says which layout a file has; a
 * modeflow that finds a newer one refuses the file rather than misread it.
 */

/** The layout this modeflow writes and reads. */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
create table meta (
  key text primary key,
  value text not null
);

-- One row per run, added at RUN_START, ended at its terminal event. A run whose status
-- stays STARTED while its owner process is gone was cut off (shown as INTERRUPTED).
create table runs (
  key integer primary key autoincrement,
  run_id text not null unique,
  pipeline text not null,
  mode text not null,
  status text not null,
  started_at integer not null,
  ended_at integer,
  duration_ms integer,
  run_config text not null,
  selection text,
  tags text not null,
  preset text,
  executor text,
  owner_pid integer not null,
  owner_host text not null,
  event_count integer not null default 0,
  state text
);

-- Every event of a run, as the JSON the run emitted, numbered from 1.
create table events (
  run integer not null references runs (key) on delete cascade,
  seq integer not null,
  type text not null,
  json text not null,
  primary key (run, seq)
) without rowid;
`;
