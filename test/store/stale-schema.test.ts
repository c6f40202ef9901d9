// A connection that read the schema halfway through the migrations (the writer thread opens its
// connection while the main thread migrates) must prepare its statements against the migrated one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { migratorFor } from '../../src/store/migrations.js';
import { openSqliteDatabase } from '../../src/store/sqlite/connection.js';
import { statementsOf } from '../../src/store/sqlite/statements.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('prepares against the schema as migrated since the connection last read it', async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kassa24-schema-'));
  const file = path.join(dir, 'kassa24.db');
  const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
  const migrator = await migratorFor(kysely, 'sqlite');
  // Callbacks still unique by body alone: the upsert on (payment_id, body_sha256) matches nothing.
  expect((await migrator.migrateTo('0002_payment_expiry')).error).toBeUndefined();

  const early = openSqliteDatabase(file);
  early.prepare('select count(*) from callbacks').get();
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
  await kysely.destroy();

  try {
    // Without a fresh look at the schema: "ON CONFLICT clause does not match any PRIMARY KEY or
    // UNIQUE constraint".
    expect(() => statementsOf(early)()).not.toThrow();
  } finally {
    early.close();
  }
});
