// Upgrading a database that already holds money: every migration keeps every row.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../src/store/migration-names.js';
import { migratorFor } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { statementsOf } from '../../src/store/sqlite/statements.js';
import { backends, createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';

// Tables as a schema of any version has them, values left to the database to judge (these tests
// write what an older schema held, and what a constraint must refuse).
type AnySchema = Record<string, Record<string, unknown>>;

/** The database's tables as they are, past the store. */
const tablesOf = (database: TestDatabase): Kysely<AnySchema> =>
  new Kysely<AnySchema>({
    dialect:
      database.backend === 'sqlite'
        ? new SqliteDialect({ database: new BetterSqlite3(database.url.slice('sqlite:'.length)) })
        : new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }),
  });

describe.each(backends())('migrations on %s', (backend) => {
  let database: TestDatabase;
  afterEach(() => database.drop());

  it('takes a database at 0001 holding payments and credits to the latest schema intact', async () => {
    database = await createTestDatabase(backend);
    const kysely = tablesOf(database);
    const result = await (await migratorFor(kysely, backend)).migrateTo('0001_initial');
    expect(result.error).toBeUndefined();
    const now = new Date().toISOString();
    await kysely
      .insertInto('accounts')
      .values({ customer_id: 'old', currency: 'KZT', balance: 700, status: 'active', created_at: now, updated_at: now })
      .execute();
    await kysely
      .insertInto('payments')
      .values(
        ['p1', 'p2'].map((id, i) => ({
          payment_id: id,
          project_id: 1,
          customer_id: 'old',
          amount: 700 - 600 * i,
          currency: 'KZT',
          status: i ? 'pending' : 'success',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const callback = await kysely
      .insertInto('callbacks')
      .values({
        body_sha256: 'h',
        project_id: 1,
        payment_id: 'p1',
        status: 'success',
        raw_body: '{}',
        headers: '{}',
        received_at: now,
        last_received_at: now,
        deliveries: 1,
        result: 'credited',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await kysely
      .insertInto('ledger_entries')
      .values({ payment_id: 'p1', customer_id: 'old', amount: 700, currency: 'KZT', callback_id: callback.id, created_at: now })
      .execute();
    await kysely.destroy();

    const store = await openStore(database.url);
    try {
      await store.migrate();
      expect((await store.findAccount('old'))?.balance).toBe(700);
      expect((await store.listPayments({})).map((p) => [p.paymentId, p.status, p.amount])).toEqual([
        ['p1', 'success', 700],
        ['p2', 'pending', 100],
      ]);
      // Listing a customer's payments works with or without an index for it (SQLite has none).
      expect((await store.listPayments({ customerId: 'old' })).map((p) => p.paymentId)).toEqual(['p1', 'p2']);
      expect(await store.listPayments({ customerId: 'nobody' })).toEqual([]);
      expect(await store.expirePendingPayments(new Date(Date.now() + 1000))).toBe(1);
      // The ledger's guarantee survived the rebuild: p1 cannot be credited again.
      const deliver = () =>
        store.applyCallback({
          facts: { projectId: 1, paymentId: 'p1', status: 'success', amount: 700, currency: 'KZT' },
          rawBody: '{"again":true}',
          headers: {},
          receivedAt: new Date(),
        });
      expect((await deliver()).result).toBe('recorded');
      expect((await store.findAccount('old'))?.balance).toBe(700);
      // Callbacks kept their ids through the rebuild (ledger entries refer to them), and a
      // redelivery is still recognised by its body.
      expect((await deliver()).result).toBe('duplicate');
      const kept = await store.listCallbacks({ paymentId: 'p1' });
      expect(kept.map((c) => [c.id, c.result, c.deliveries])).toEqual([
        [Number(callback.id), 'credited', 1],
        [expect.any(Number), 'recorded', 2],
      ]);
      expect(kept[1]!.id).toBeGreaterThan(Number(callback.id));
    } finally {
      await store.close();
    }
  });

  it('says a run recorded before runs kept only so many findings kept every one', async () => {
    database = await createTestDatabase(backend);
    const kysely = tablesOf(database);
    expect((await (await migratorFor(kysely, backend)).migrateTo('0013_ledger_by_customer')).error).toBeUndefined();
    const now = new Date().toISOString();
    const run = await kysely
      .insertInto('reconciliation_runs')
      .values({ started_at: now, finished_at: now, source: 'file:old.csv', applied: 0, summary: '{"unknown_payment":2}', discrepancies: 2 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await kysely
      .insertInto('reconciliation_discrepancies')
      .values(['x-1', 'x-2'].map((id) => ({ run_id: run.id, kind: 'unknown_payment', payment_id: id })))
      .execute();
    await kysely.destroy();

    const store = await openStore(database.url);
    try {
      await store.migrate();
      const detail = await (await store.operatorReads()).reconciliation(Number(run.id), { limit: 10 });
      expect(detail?.run).toMatchObject({ source: 'file:old.csv', discrepancies: 2, discrepanciesKept: 2 });
      expect(detail?.findings.items.map((f) => f.paymentId)).toEqual(['x-1', 'x-2']);
    } finally {
      await store.close();
    }
  });

  it('still allows exactly the four payment statuses once migrated', async () => {
    database = await createTestDatabase(backend);
    const store = await openStore(database.url);
    await store.migrate();
    await store.addAccount({ customerId: 'acc', currency: 'KZT' });
    await store.close();
    const kysely = tablesOf(database);
    try {
      const now = new Date().toISOString();
      const insert = (id: string, status: string) =>
        kysely
          .insertInto('payments')
          .values({
            payment_id: id,
            project_id: 1,
            customer_id: 'acc',
            amount: 100,
            currency: 'KZT',
            status,
            created_at: now,
            updated_at: now,
          })
          .execute();
      for (const status of ['pending', 'success', 'failed', 'expired']) await insert(`p-${status}`, status);
      await expect(insert('p-other', 'refunded')).rejects.toThrow(/check constraint/i);
      await expect(
        kysely.updateTable('payments').set({ status: 'Pending' }).where('payment_id', '=', 'p-pending').execute(),
      ).rejects.toThrow(/check constraint/i);
      const statuses = await kysely.selectFrom('payments').select('status').orderBy('payment_id').execute();
      expect(statuses.map((row) => row.status)).toEqual(['expired', 'failed', 'pending', 'success']);
    } finally {
      await kysely.destroy();
    }
  });
});

describe.each(backends())('payments by status on %s', (backend) => {
  let database: TestDatabase;
  afterEach(() => database.drop());

  it('lists each status exactly and expires only pending payments, successful ones left out of the status index', async () => {
    database = await createTestDatabase(backend);
    const store = await openStore(database.url);
    try {
      await store.migrate();
      await store.addAccount({ customerId: 'acc', currency: 'KZT' });
      const open = (paymentId: string) => store.openPayment({ paymentId, projectId: 1, customerId: 'acc', amount: 100, currency: 'KZT' });
      const settle = (paymentId: string, status: 'success' | 'decline') =>
        store.applyCallback({
          facts: { projectId: 1, paymentId, status, amount: 100, currency: 'KZT' },
          rawBody: `{"${paymentId}":1}`,
          headers: {},
          receivedAt: new Date(),
        });
      for (const id of ['paid-1', 'declined-1', 'pending-1', 'paid-2', 'pending-2'])
        expect(await open(id)).toMatchObject({ opened: { paymentId: id, status: 'pending' } });
      expect((await settle('paid-1', 'success')).result).toBe('credited');
      expect((await settle('paid-2', 'success')).result).toBe('credited');
      expect((await settle('declined-1', 'decline')).result).toBe('failed');
      const ids = async (status: 'pending' | 'success' | 'failed' | 'expired') =>
        (await store.listPayments({ status })).map((p) => p.paymentId);
      expect(await ids('pending')).toEqual(['pending-1', 'pending-2']);
      expect(await ids('success')).toEqual(['paid-1', 'paid-2']);
      expect(await ids('failed')).toEqual(['declined-1']);
      expect(await ids('expired')).toEqual([]);
      expect(await store.expirePendingPayments(new Date(Date.now() + 1000))).toBe(2);
      expect(await ids('expired')).toEqual(['pending-1', 'pending-2']);
      expect(await ids('pending')).toEqual([]);
      expect(await ids('success')).toEqual(['paid-1', 'paid-2']);
    } finally {
      await store.close();
    }
    if (backend !== 'sqlite') return;
    const db = new BetterSqlite3(database.url.slice('sqlite:'.length));
    try {
      // The expiry statement as the store prepares it reads the index, and the index holds no
      // successful payment: a callback's success only took its payment's entry out.
      const expire = statementsOf(db)().expire.source;
      const plan = db
        .prepare<unknown[], { detail: string }>(`explain query plan ${expire}`)
        .all(new Date().toISOString(), new Date().toISOString(), 2000);
      expect(plan.map((step) => step.detail).join('\n')).toMatch(/USING INDEX payments_unsettled/);
      const indexed = db
        .prepare<[], { status: string }>(
          `select status from payments indexed by payments_unsettled where status <> 'success' order by status`,
        )
        .all();
      expect(indexed.map((row) => row.status)).toEqual(['expired', 'expired', 'failed']);
    } finally {
      db.close();
    }
  });
});

describe.runIf(postgresUrl)('migrations beside another schema', () => {
  it('migrates a schema of its own while another schema of the same database is already migrated', async () => {
    const first = await createTestDatabase('postgres');
    const second = await createTestDatabase('postgres');
    try {
      for (const database of [first, second]) {
        const store = await openStore(database.url);
        try {
          // Read from this schema's own bookkeeping, whatever the other schema holds.
          expect(await store.pendingMigrations()).toEqual([...MIGRATION_NAMES]);
          await store.migrate();
          expect(await store.pendingMigrations()).toEqual([]);
          await store.migrate();
          await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
          expect((await store.findAccount('acc-1'))?.currency).toBe('KZT');
        } finally {
          await store.close();
        }
      }
    } finally {
      await Promise.all([first.drop(), second.drop()]);
    }
  });
});
