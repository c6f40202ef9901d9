// The backends a test can run on. SQLite always; PostgreSQL when TEST_DATABASE_URL is set — and
// then it must be reachable: a set but dead URL fails the run instead of skipping quietly. Each
// PostgreSQL database is a schema of its own, dropped afterwards, so parallel runs never collide.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export type BackendName = 'sqlite' | 'postgres';

export interface TestDatabase {
  readonly backend: BackendName;
  /** A DATABASE_URL for the service, the CLI or openStore. */
  readonly url: string;
  drop(): Promise<void>;
}

export const postgresUrl = process.env.TEST_DATABASE_URL || undefined;

let announced = false;
/** The backends to run on, announcing once when PostgreSQL is left out. */
export function backends(): BackendName[] {
  if (!postgresUrl && !announced) {
    announced = true;
    console.warn('PostgreSQL tests SKIPPED: TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test).');
  }
  return postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `TEST_DATABASE_URL is set but PostgreSQL is unreachable (${(error as Error).message}); unset it to skip the PostgreSQL tests`,
      { cause: error },
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(backend: BackendName): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'kassa24-db-'));
    return { backend, url: `sqlite:${path.join(dir, 'kassa24.db')}`, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `k24_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  return { backend, url: withSearchPath(postgresUrl, schema), drop: () => adminQuery(`drop schema ${schema} cascade`) };
}

/** Opens the store at `url`, runs `work` on it, closes it. */
export async function withStoreAt<T>(url: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(url);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Writes past the store, as a hand edit or a damaged restore would; for tests of what notices. */
export async function writePastTheStore(database: TestDatabase, statements: readonly string[]): Promise<void> {
  if (database.backend === 'sqlite') {
    const db = new BetterSqlite3(database.url.slice('sqlite:'.length));
    try {
      for (const statement of statements) db.exec(statement);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}
