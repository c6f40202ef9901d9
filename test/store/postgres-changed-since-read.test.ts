// PostgreSQL's one-statement writes when another writer changes a row between the read the ledger
// decided on and the write: nothing of the stale write stays, and the write is made step by step on
// what the row is now. The change is made by the test right after the read answers.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { JobLocks } from '../../src/store/postgres/job-locks.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';
import { testApplicationName, untilWaitingOrSettled } from '../support/lock-waits.js';

const incoming = (paymentId: string, status = 'success') => ({
  facts: { projectId: 1234, paymentId, status, amount: 10000, currency: 'KZT' },
  rawBody: JSON.stringify({ paymentId, status }),
  headers: {},
  receivedAt: new Date(),
});

const applicationName = testApplicationName();
const HELD_ON_CLOSED =
  'credited to acc, which is closed: 100.00 KZT (10000 minor units) is held on a closed account (refund the customer or reopen it)';

describe.runIf(postgresUrl)('a row changed between the read and the one-statement write (PostgreSQL)', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let kysely: Kysely<Database>;
  let store: PostgresStore;
  /** Run once, right after the next read of the given prepared statement has answered. */
  let afterRead: { statement: string; change: () => Promise<unknown> } | undefined;
  let stepByStep = 0;

  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    pool = new pg.Pool({ connectionString: database.url, max: 4, application_name: applicationName });
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const watched = new Proxy(pool, {
      get(target, property) {
        if (property === 'query')
          return async (config: pg.QueryConfig) => {
            const result = await target.query(config);
            const pending = afterRead;
            if (pending && config.name?.endsWith(pending.statement)) {
              afterRead = undefined;
              await pending.change();
            }
            return result;
          };
        if (property === 'connect') {
          stepByStep++;
          return target.connect.bind(target);
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    store = new PostgresStore({
      db: kysely,
      pool: watched,
      locks: new JobLocks({ connectionString: database.url }),
      migrationSession: (work) => work(kysely),
      usage: () => [],
    });
    await store.migrate();
    await store.addAccount({ customerId: 'acc', currency: 'KZT' });
    stepByStep = 0;
  });
  afterEach(async () => {
    await kysely.destroy();
    await database.drop();
  });

  const deposit = () =>
    store.openPayment({ paymentId: `pay-${Math.random()}`, projectId: 1234, customerId: 'acc', amount: 10000, currency: 'KZT' });
  /** What the step-by-step write left: the payment's statuses, each callback's result, and the ledger's rules. */
  const leftBehind = async (paymentId: string) => {
    const payment = (await store.listPayments({ customerId: 'acc' })).find((p) => p.paymentId === paymentId);
    const callbacks = await store.listCallbacks({ paymentId });
    return {
      payment: payment && { status: payment.status, lastCallbackStatus: payment.lastCallbackStatus },
      callbacks: callbacks
        .map((c) => ({ status: c.status, result: c.result, reviewReason: c.reviewReason }))
        .sort((a, b) => a.result.localeCompare(b.result)),
      broken: (await (await store.operatorReads()).ledgerCheck()).broken,
    };
  };

  it('nothing changed meanwhile: deposits and callbacks of every kind take their one statement, never the steps', async () => {
    const paid = await deposit();
    const declined = await deposit();
    if (!('opened' in paid) || !('opened' in declined)) throw new Error('not opened');
    expect((await store.applyCallback(incoming(paid.opened.paymentId))).result).toBe('credited');
    expect((await store.applyCallback(incoming(paid.opened.paymentId))).result).toBe('duplicate');
    // Another body for the credited payment: its ledger entry is already there.
    expect((await store.applyCallback({ ...incoming(paid.opened.paymentId), rawBody: '{"other":1}' })).result).toBe('recorded');
    expect((await store.applyCallback(incoming(declined.opened.paymentId, 'decline'))).result).toBe('failed');
    expect((await store.applyCallback(incoming('never-opened'))).result).toBe('flagged');
    const held = await deposit();
    if (!('opened' in held)) throw new Error('not opened');
    await store.closeAccount('acc');
    expect(await store.applyCallback(incoming(held.opened.paymentId))).toEqual({
      result: 'credited',
      paymentId: held.opened.paymentId,
      reviewReason: HELD_ON_CLOSED,
    });
    expect(stepByStep).toBe(0);
  });

  it('a deposit to an account whose closing is in flight waits for it and is refused, as step by step it would be', async () => {
    const closer = await pool.connect();
    try {
      afterRead = {
        statement: '_accounts',
        change: async () => {
          await closer.query('begin');
          await closer.query("update accounts set status = 'closed' where customer_id = 'acc'");
        },
      };
      const opening = deposit();
      // The closing commits only once the deposit waits on its lock, or answered without waiting.
      await untilWaitingOrSettled(pool, applicationName, opening);
      await closer.query('commit');
      expect(await opening).toEqual({ refused: { reason: 'account_not_found', message: 'Account does not exist: acc is closed' } });
      expect(await store.listPayments({})).toEqual([]);
    } finally {
      closer.release();
    }
  });

  it('a deposit whose account was credited meanwhile is opened step by step', async () => {
    afterRead = { statement: '_accounts', change: () => pool.query("update accounts set updated_at = 'x' where customer_id = 'acc'") };
    const opening = await deposit();
    expect('opened' in opening).toBe(true);
    expect(stepByStep).toBe(1);
    expect(await store.listPayments({ customerId: 'acc' })).toHaveLength(1);
  });

  it('a deposit whose account was closed meanwhile is refused, and no payment is left', async () => {
    afterRead = { statement: '_accounts', change: () => pool.query("update accounts set status = 'closed' where customer_id = 'acc'") };
    const opening = await deposit();
    expect(opening).toEqual({ refused: { reason: 'account_not_found', message: 'Account does not exist: acc is closed' } });
    expect(stepByStep).toBe(1);
    expect(await store.listPayments({})).toEqual([]);
  });

  it('a callback whose payment another callback settled meanwhile is applied step by step, credited once', async () => {
    const opening = await deposit();
    if (!('opened' in opening)) throw new Error('not opened');
    const { paymentId } = opening.opened;
    stepByStep = 0;
    // Another delivery (a different body) credits the payment between this one's read and write.
    afterRead = { statement: '_callback_states', change: () => store.applyCallback({ ...incoming(paymentId), rawBody: '{"other":1}' }) };
    const outcome = await store.applyCallback(incoming(paymentId));
    expect(outcome.result).toBe('recorded');
    expect(stepByStep).toBe(1);
    expect((await store.findAccount('acc'))?.balance).toBe(10000);
    const callbacks = await store.listCallbacks({ paymentId });
    expect(callbacks.map((c) => c.result).sort()).toEqual(['credited', 'recorded']);
    expect(await leftBehind(paymentId)).toEqual({
      payment: { status: 'success', lastCallbackStatus: 'success' },
      callbacks: [
        { status: 'success', result: 'credited', reviewReason: null },
        { status: 'success', result: 'recorded', reviewReason: null },
      ],
      broken: [],
    });
  });

  it('a success whose payment a decline failed meanwhile is decided on the failed payment: credited, kept for review', async () => {
    const opening = await deposit();
    if (!('opened' in opening)) throw new Error('not opened');
    const { paymentId } = opening.opened;
    afterRead = { statement: '_callback_states', change: () => store.applyCallback(incoming(paymentId, 'decline')) };
    expect(await store.applyCallback(incoming(paymentId))).toEqual({
      result: 'credited',
      paymentId,
      reviewReason: 'success after the payment was marked failed (decline)',
    });
    expect((await store.findAccount('acc'))?.balance).toBe(10000);
    expect(await leftBehind(paymentId)).toEqual({
      payment: { status: 'success', lastCallbackStatus: 'success' },
      callbacks: [
        { status: 'success', result: 'credited', reviewReason: 'success after the payment was marked failed (decline)' },
        { status: 'decline', result: 'failed', reviewReason: null },
      ],
      broken: [],
    });
  });

  it('a success whose account an operator closed meanwhile is credited step by step, kept for review', async () => {
    const opening = await deposit();
    if (!('opened' in opening)) throw new Error('not opened');
    const { paymentId } = opening.opened;
    stepByStep = 0;
    afterRead = { statement: '_callback_states', change: () => store.closeAccount('acc') };
    expect(await store.applyCallback(incoming(paymentId))).toEqual({
      result: 'credited',
      paymentId,
      reviewReason: HELD_ON_CLOSED,
    });
    expect(stepByStep).toBe(1);
    expect((await store.findAccount('acc'))?.balance).toBe(10000);
    expect(await leftBehind(paymentId)).toEqual({
      payment: { status: 'success', lastCallbackStatus: 'success' },
      callbacks: [
        {
          status: 'success',
          result: 'credited',
          reviewReason: HELD_ON_CLOSED,
        },
      ],
      broken: [],
    });
  });
});
