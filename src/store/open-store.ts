// DATABASE_URL -> a Store. `sqlite:PATH` (relative to the working directory, or `sqlite::memory:`)
// is the embedded default; `postgres://…` selects PostgreSQL.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openSqliteDatabase, type SqliteOptions } from './sqlite/connection.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { ThreadWriter } from './sqlite/thread-writer.js';
import type { Database } from './schema.js';
import type pg from 'pg';
import type { MigrationSession } from './postgres-store.js';
import { DEFAULT_DATABASE_TIMEOUT_MS, DEFAULT_OPERATOR_TIMEOUT_MS, type Store } from './store.js';

export { openSqliteDatabase };

export interface StoreOptions extends SqliteOptions {
  /** PostgreSQL: connections for the platform's operations. */
  poolSize?: number;
  /** PostgreSQL: the longest the platform's operations wait for a connection or a statement, in ms. */
  timeoutMs?: number;
  /** PostgreSQL: the longest an operator's or a job's statement may run, in ms. */
  operatorTimeoutMs?: number;
  /** SQLite: refuse a file that is not there instead of creating it (a mistyped path is not a new store). */
  mustExist?: boolean;
}

/** A SQLite store asked for with `mustExist` whose file is not there; nothing was created. */
export class StoreMissingError extends Error {
  override name = 'StoreMissingError';
  constructor(readonly file: string) {
    super(`no SQLite store at ${file}`);
  }
}

// PostgreSQL's driver and query builder are loaded only when a postgres:// URL asks for them.
async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  const [{ Kysely, PostgresDialect }, { PostgresStore }, { DriverBoundary }, { JobLocks }, pools] = await Promise.all([
    import('kysely'),
    import('./postgres-store.js'),
    import('./postgres/driver-boundary.js'),
    import('./postgres/job-locks.js'),
    import('./postgres/pools.js'),
  ]);
  const poolOptions = {
    poolSize: options.poolSize ?? 10,
    timeoutMs: options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS,
    operatorTimeoutMs: options.operatorTimeoutMs ?? DEFAULT_OPERATOR_TIMEOUT_MS,
  };
  const operatorPool = pools.quietPool(pools.operatorPoolConfig(url, poolOptions));
  const platformPool = pools.quietPool(pools.platformPoolConfig(url, poolOptions));
  const usage = () => [
    pools.poolUsage('platform', platformPool, poolOptions.poolSize),
    pools.poolUsage('operator', operatorPool, pools.OPERATOR_POOL_SIZE),
  ];
  const kysely = (pool: pg.Pool) => new Kysely<Database>({ dialect: new PostgresDialect({ pool: new DriverBoundary(pool) }) });
  const migrationSession: MigrationSession = async (work) => {
    const session = kysely(pools.quietPool(pools.migrationPoolConfig(url, poolOptions)));
    try {
      return await work(session);
    } finally {
      await session.destroy();
    }
  };
  return new PostgresStore({
    db: kysely(operatorPool),
    pool: new DriverBoundary(platformPool),
    locks: new JobLocks(pools.jobLockConfig(url, poolOptions), poolOptions.timeoutMs),
    migrationSession,
    usage,
  });
}

export async function openStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (!file) throw new Error('DATABASE_URL: give a file after sqlite:, for example sqlite:./data/kassa24.db');
    if (options.mustExist && file !== ':memory:' && !existsSync(file)) throw new StoreMissingError(path.resolve(file));
    const db = openSqliteDatabase(file, options);
    // A second connection to an in-memory database would be another database: write inline.
    return new SqliteStore(db, file === ':memory:' ? undefined : new ThreadWriter(file, options));
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl, options);
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl.split(':')[0]}:…"`);
}
