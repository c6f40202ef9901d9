// Opening a SQLite connection the way the store needs it; used by the main thread (reads, and
// writes when they run inline) and by the writer thread alike.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export interface SqliteOptions {
  /** How long SQLite waits for another writer's lock before reporting the store unavailable. */
  busyTimeoutMs?: number;
}

export function openSqliteDatabase(file: string, options: SqliteOptions = {}): BetterSqlite3.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before the callback is acknowledged; NORMAL could lose the last
  // commits on power loss, after the platform stopped redelivering.
  database.pragma('synchronous = FULL');
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  database.pragma('foreign_keys = ON');
  // The reads' cache (the main thread's connection): the accounts index of a million rows stays in
  // memory (24 MB cost verify a fifth of its throughput there), the OS cache holds the rest, and
  // the process (three connections: the writer's 8 MB, the checkpointer's next to nothing) stays
  // within its memory budget under load.
  database.pragma('cache_size = -32768');
  return database;
}
