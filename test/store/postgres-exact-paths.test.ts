// PostgreSQL's step-by-step writes (the fallback of the one-statement ones) lock what they decide
// on: a change to that row in flight in another transaction is waited for, and the write is
// decided on what it committed — never on the row as it was before.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriverBoundary } from '../../src/store/postgres/driver-boundary.js';
import { applyCallbackExact, openPaymentExact } from '../../src/store/postgres/exact-paths.js';
import { withStoreAt, createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';
import { testApplicationName, untilWaitingOrSettled } from '../support/lock-waits.js';

const applicationName = testApplicationName();

describe.runIf(postgresUrl)('step-by-step writes and a change in flight (PostgreSQL)', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let other: pg.PoolClient;

  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    await withStoreAt(database.url, async (store) => {
      await store.migrate();
      await store.addAccount({ customerId: 'acc', currency: 'KZT' });
      await store.openPayment({ paymentId: 'pay-1', projectId: 1234, customerId: 'acc', amount: 10000, currency: 'KZT' });
    });
    pool = new pg.Pool({ connectionString: database.url, max: 4, application_name: applicationName });
    other = await pool.connect();
  });
  afterEach(async () => {
    other.release();
    await pool.end();
    await database.drop();
  });

  /** Runs `write` while `change` is uncommitted in another transaction, committing it once the write waits (or answered). */
  async function duringChange<T>(change: string, write: () => Promise<T>): Promise<T> {
    await other.query('begin');
    await other.query(change);
    const answer = write();
    await untilWaitingOrSettled(pool, applicationName, answer);
    await other.query('commit');
    return answer;
  }

  it('a deposit to an account whose closing is in flight is refused once it commits', async () => {
    const opening = await duringChange("update accounts set status = 'closed' where customer_id = 'acc'", () =>
      openPaymentExact(new DriverBoundary(pool), { paymentId: 'pay-2', projectId: 1234, customerId: 'acc', amount: 500, currency: 'KZT' }),
    );
    expect(opening).toEqual({ refused: { reason: 'account_not_found', message: 'Account does not exist: acc is closed' } });
    expect((await pool.query("select 1 from payments where payment_id = 'pay-2'")).rowCount).toBe(0);
  });

  it('a success whose payment a decline is failing in flight is decided on the failed payment: credited, kept for review', async () => {
    const outcome = await duringChange(
      "update payments set status = 'failed', last_callback_status = 'decline' where payment_id = 'pay-1'",
      () =>
        applyCallbackExact(new DriverBoundary(pool), {
          facts: { projectId: 1234, paymentId: 'pay-1', status: 'success', amount: 10000, currency: 'KZT' },
          rawBody: '{"payment":{"id":"pay-1","status":"success"}}',
          headers: {},
          receivedAt: new Date(),
        }),
    );
    expect(outcome).toEqual({
      result: 'credited',
      paymentId: 'pay-1',
      reviewReason: 'success after the payment was marked failed (decline)',
    });
    const { rows } = await pool.query("select status, (select balance from accounts where customer_id = 'acc') as balance from payments");
    expect(rows).toEqual([{ status: 'success', balance: '10000' }]);
  });
});
