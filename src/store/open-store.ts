// DATABASE_URL -> a Store. `sqlite:PATH` (relative to the working directory, or `sqlite::memory:`)
// is the embedded default; `postgres://…` selects PostgreSQL.
import { openSqliteDatabase, type SqliteOptions } from './sqlite/connection.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { ThreadWriter } from './sqlite/thread-writer.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

export { openSqliteDatabase };

export interface StoreOptions extends SqliteOptions {
  /** PostgreSQL connection pool size. */
  poolSize?: number;
}

// PostgreSQL's driver and query builder are loaded only when a postgres:// URL asks for them.
async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  const [{ default: pg }, { Kysely, PostgresDialect }, { PostgresStore }, { DriverBoundary }] = await Promise.all([
    import('pg'),
    import('kysely'),
    import('./postgres-store.js'),
    import('./postgres/driver-boundary.js'),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // A client losing its connection emits 'error' — idle ones through the pool, checked-out ones on
  // themselves. Unheard, either would crash the process; the query in flight is rejected anyway
  // (and answered 503), and the pool replaces the broken client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const driver = new DriverBoundary(pool);
  return new PostgresStore(new Kysely<Database>({ dialect: new PostgresDialect({ pool: driver }) }), driver);
}

export async function openStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (!file) throw new Error('DATABASE_URL: give a file after sqlite:, for example sqlite:./data/kassa24.db');
    const db = openSqliteDatabase(file, options);
    // A second connection to an in-memory database would be another database: write inline.
    return new SqliteStore(db, file === ':memory:' ? undefined : new ThreadWriter(file, options));
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl, options);
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl.split(':')[0]}:…"`);
}
