// DATABASE_URL -> a Store. `sqlite:PATH` (relative to the working directory, or `sqlite::memory:`)
// is the embedded default; `postgres://…` selects PostgreSQL.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

export interface StoreOptions {
  /** PostgreSQL connection pool size. */
  poolSize?: number;
  /** How long SQLite waits for another writer's lock before reporting the store unavailable. */
  busyTimeoutMs?: number;
}

/** The configured SQLite connection the store runs on. */
export function openSqliteDatabase(file: string, options: StoreOptions = {}): BetterSqlite3.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before the callback is acknowledged; NORMAL could lose the last
  // commits on power loss, after the platform stopped redelivering.
  database.pragma('synchronous = FULL');
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  database.pragma('foreign_keys = ON');
  // Hot index pages of a million accounts and payments stay in memory; the OS cache holds the
  // rest, and the process stays within its memory budget under load.
  database.pragma('cache_size = -32768');
  return database;
}

// PostgreSQL's driver and query builder are loaded only when a postgres:// URL asks for them.
async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  const [{ default: pg }, { Kysely, PostgresDialect }, { PostgresStore }] = await Promise.all([
    import('pg'),
    import('kysely'),
    import('./postgres-store.js'),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // A client losing its connection emits 'error' — idle ones through the pool, checked-out ones on
  // themselves. Unheard, either would crash the process; the query in flight is rejected anyway
  // (and answered 503), and the pool replaces the broken client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new PostgresStore(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }));
}

export async function openStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (!file) throw new Error('DATABASE_URL: give a file after sqlite:, for example sqlite:./data/kassa24.db');
    return new SqliteStore(openSqliteDatabase(file, options));
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl, options);
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl.split(':')[0]}:…"`);
}
