// On SQLite, an operator's query runs on the reader thread: the main thread, which answers the
// platform, goes on turning while it runs, and the answer holds every write committed before it.
// The thread writes nothing, whatever a query says; a thread that dies fails the query it had as
// unavailable, and the next query starts another.
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase, openStore } from '../../src/store/open-store.js';
import { readerThreadDialect } from '../../src/store/sqlite/reader-dialect.js';
import { StoreUnavailableError, type Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

const PAYMENTS = 50_000;

let database: TestDatabase;
let store: Store;

beforeEach(async () => {
  database = await createTestDatabase('sqlite');
  store = await openStore(database.url);
  await store.migrate();
  await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
  // A long history, written past the store: what an operator's filter has to read through.
  const db = openSqliteDatabase(database.url.slice('sqlite:'.length));
  db.exec(`
    with recursive i(n) as (select 1 union all select n + 1 from i where n < ${PAYMENTS})
    insert into payments (payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at)
    select printf('pay-%09d', n), 1234, 'acc-1', 10000, 'KZT', 'pending', null,
           strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-01', '+' || n || ' seconds'), strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-01', '+' || n || ' seconds')
      from i`);
  db.close();
});
afterEach(async () => {
  await store.close();
  await database.drop();
});

describe('operator reads on a SQLite file', () => {
  it('leave the main thread turning while they read', async () => {
    const reads = await store.operatorReads();
    let done = false;
    // A customer filter reads through every payment (SQLite keeps no customer index).
    const reading = reads.payments({ customerId: 'nobody' }, { limit: 50 }).finally(() => (done = true));
    let turns = 0;
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
    expect((await reading).items).toEqual([]);
    // On this thread's own connection the query would hold it from start to end: no turn at all.
    expect(turns).toBeGreaterThan(10);
  });

  it('see every write the store has acknowledged', async () => {
    const reads = await store.operatorReads();
    const opening = await store.openPayment({ paymentId: 'pay-new', projectId: 1234, customerId: 'acc-1', amount: 500, currency: 'KZT' });
    expect('opened' in opening).toBe(true);
    expect((await reads.payments({}, { limit: 1 })).items.map((p) => p.paymentId)).toEqual(['pay-new']);
    expect((await reads.summary(new Date(), 'KZT')).last30d.byStatus).toBeDefined();
  });

  it('answer StoreUnavailableError once the store is closed', async () => {
    const reads = await store.operatorReads();
    await reads.payments({}, { limit: 1 });
    await store.close();
    await expect(reads.payments({}, { limit: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
    store = await openStore(database.url);
  });

  describe('on the reader thread itself', () => {
    let reader: Kysely<unknown>;
    beforeEach(() => {
      reader = new Kysely<unknown>({ dialect: readerThreadDialect(database.url.slice('sqlite:'.length)) });
    });
    afterEach(() => reader.destroy());
    const accounts = async () => (await sql<{ n: number }>`select count(*) as n from accounts`.execute(reader)).rows[0]?.n;

    it('write nothing, whatever a query says', async () => {
      await expect(
        sql`insert into accounts (customer_id, currency, balance, status, created_at, updated_at) values ('x', 'KZT', 0, 'active', '', '')`.execute(
          reader,
        ),
      ).rejects.toMatchObject({ cause: { code: 'SQLITE_READONLY' } });
      await expect(sql`update accounts set balance = 1`.execute(reader)).rejects.toMatchObject({ cause: { code: 'SQLITE_READONLY' } });
      expect(await accounts()).toBe(1);
      expect((await store.findAccount('acc-1'))?.balance).toBe(0);
    });

    it('answer the query out when the thread dies as unavailable, and start a new thread for the next', async () => {
      // Rows larger than the thread's heap may hold: it runs out of memory and ends.
      const tooLarge = sql`with recursive i(n) as (select 1 union all select n + 1 from i where n < 200000) select hex(randomblob(1000)) from i`;
      await expect(tooLarge.execute(reader)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await accounts()).toBe(1);
    });
  });
});
