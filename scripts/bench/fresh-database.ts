// A database for one bench run: a SQLite file in the run's folder, or a throw-away schema on
// PostgreSQL (dropped afterwards) so that runs never see each other's rows.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

export interface BenchDatabase {
  url: string;
  drop: () => Promise<void>;
}

export type DatabaseKind = 'sqlite' | 'postgres';

/** The `--db` option's value. */
export function databaseKind(option: string | undefined): DatabaseKind {
  if (option === 'sqlite' || option === 'postgres') return option;
  throw new Error(`--db is sqlite or postgres, got ${option}`);
}

export async function freshDatabase(db: DatabaseKind, workDir: string, databaseUrl?: string): Promise<BenchDatabase> {
  if (db === 'sqlite') return { url: `sqlite:${path.join(workDir, 'bench.db')}`, drop: () => Promise.resolve() };
  const base = databaseUrl ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `k24_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => admin(`drop schema ${schema} cascade`) };
}
