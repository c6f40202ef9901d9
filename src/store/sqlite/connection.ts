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

/** The writer's connection: the one that group-commits every write (writer-thread.ts). */
export function openWriterDatabase(file: string, options: SqliteOptions = {}): BetterSqlite3.Database {
  const database = openSqliteDatabase(file, options);
  // The checkpointer thread keeps the log short; this connection checkpoints only if that thread
  // falls far behind (10,000 pages, about 40 MB of log).
  database.pragma('wal_autocheckpoint = 10000');
  // A quarter of the readers' cache: the writer touches the hot end of each index, and the accounts
  // it judges (check_deposit) and credits — at a million accounts, pages spread over ~100 MB, whose
  // upper levels this keeps in memory; a larger cache was no faster, and its memory serves the main
  // thread better.
  database.pragma('cache_size = -8192');
  // When a batch runs guarded (group-commit.ts), each write runs in a savepoint,
  // and SQLite keeps the pages a savepoint may have to restore in a statement journal — spilled to
  // a temporary file past 64 kB, which a batch of callbacks passes at once: every page a callback
  // changes was then written to that file (a system call each), on top of the log. In memory it is
  // a copy. Only a savepoint's own rollback reads it; crash recovery never does (the log holds
  // every committed page), so durability is unchanged.
  database.pragma('temp_store = MEMORY');
  return database;
}
