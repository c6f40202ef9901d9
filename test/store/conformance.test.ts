// What every store must do, specified once and run against each backend.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallbackFacts } from '../../src/ledger/model.js';
import { openStore } from '../../src/store/open-store.js';
import { AccountExistsError, type IncomingCallback, type Store } from '../../src/store/store.js';
import { backends, createTestDatabase, type TestDatabase } from '../support/databases.js';

describe.each(backends())('store conformance: %s', (backend) => {
  let database: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    database = await createTestDatabase(backend);
    store = await openStore(database.url, { poolSize: 10 });
    await store.migrate();
    await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  let sequence = 0;
  const open = (amount: number, customerId = 'acc-1', limits: { minAmount?: number; maxAmount?: number } = {}, currency = 'KZT') =>
    store.openPayment({ paymentId: `pay-${++sequence}-${Math.random()}`, projectId: 1234, customerId, amount, currency, ...limits });
  const deposit = async (amount: number, customerId = 'acc-1') => {
    const opening = await open(amount, customerId);
    if ('refused' in opening) throw new Error(`refused: ${opening.refused.message}`);
    return opening.opened;
  };
  const callback = (facts: Partial<CallbackFacts> & { paymentId: string }, variant = ''): IncomingCallback => {
    const full: CallbackFacts = { projectId: 1234, status: 'success', amount: 10000, currency: 'KZT', ...facts };
    return { facts: full, rawBody: JSON.stringify({ ...full, variant }), headers: { 'user-agent': 'test' }, receivedAt: new Date() };
  };
  const balance = async (customerId = 'acc-1') => (await store.findAccount(customerId))?.balance;

  describe('schema', () => {
    it('migrates idempotently and answers ping', async () => {
      expect(await store.pendingMigrations()).toEqual([]);
      await store.migrate();
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });

  describe('accounts', () => {
    it('adds, finds, refuses a duplicate, ensures and closes', async () => {
      const added = await store.addAccount({ customerId: 'acc-2', currency: 'KZT', additionalCustomerId: 'X' });
      expect(added).toMatchObject({ customerId: 'acc-2', currency: 'KZT', balance: 0, status: 'active', additionalCustomerId: 'X' });
      expect(await store.findAccount('acc-2')).toEqual(added);
      await expect(store.addAccount({ customerId: 'acc-2', currency: 'USD' })).rejects.toBeInstanceOf(AccountExistsError);
      await store.ensureAccount({ customerId: 'acc-2', currency: 'USD' });
      expect((await store.findAccount('acc-2'))?.currency).toBe('KZT');
      await store.ensureAccount({ customerId: 'acc-3', currency: 'USD' });
      expect((await store.findAccount('acc-3'))?.currency).toBe('USD');
      expect((await store.closeAccount('acc-2'))?.status).toBe('closed');
      expect(await store.closeAccount('nobody')).toBeUndefined();
      expect(await store.findAccount('nobody')).toBeUndefined();
    });

    it('keeps customer ids byte for byte, SQL and all', async () => {
      const id = "x'); drop table accounts; -- ЖЖ";
      await store.addAccount({ customerId: id, currency: 'KZT' });
      expect((await store.findAccount(id))?.customerId).toBe(id);
    });
  });

  describe('payments', () => {
    it('creates pending payments and lists them by customer and status, oldest first', async () => {
      await store.addAccount({ customerId: 'acc-2', currency: 'KZT' });
      const first = await deposit(100);
      const second = await deposit(200, 'acc-2');
      expect(first).toMatchObject({
        amount: 100,
        currency: 'KZT',
        status: 'pending',
        projectId: 1234,
        customerId: 'acc-1',
        lastCallbackStatus: null,
      });
      expect((await store.listPayments({})).map((p) => p.paymentId)).toEqual([first.paymentId, second.paymentId]);
      expect((await store.listPayments({ customerId: 'acc-2' })).map((p) => p.paymentId)).toEqual([second.paymentId]);
      expect(await store.listPayments({ status: 'success' })).toEqual([]);
    });

    it('opens no payment for an account that may not take it, and says why', async () => {
      await store.addAccount({ customerId: 'acc-usd', currency: 'USD' });
      await store.addAccount({ customerId: 'acc-closed', currency: 'KZT' });
      await store.closeAccount('acc-closed');
      expect(await open(100, 'nobody')).toEqual({ refused: { reason: 'account_not_found', message: 'Account does not exist' } });
      expect(await open(100, 'acc-closed')).toEqual({
        refused: { reason: 'account_not_found', message: 'Account does not exist: acc-closed is closed' },
      });
      expect(await open(100, 'acc-usd')).toEqual({
        refused: { reason: 'currency_mismatch', message: "currency KZT does not match the account's currency USD" },
      });
      expect(await open(99, 'acc-1', { minAmount: 100 })).toEqual({
        refused: { reason: 'amount_out_of_limits', message: 'amount 99 is below the minimum 100 for project 1234' },
      });
      expect(await open(501, 'acc-1', { maxAmount: 500 })).toEqual({
        refused: { reason: 'amount_out_of_limits', message: 'amount 501 is above the maximum 500 for project 1234' },
      });
      expect(await store.listPayments({})).toEqual([]);
      expect(await open(500, 'acc-1', { minAmount: 100, maxAmount: 500 })).toMatchObject({
        opened: { amount: 500, status: 'pending', customerId: 'acc-1' },
      });
    });

    it('expires pending payments created before the cutoff, and only those', async () => {
      const pending = await deposit(100);
      const settled = await deposit(200);
      await store.applyCallback(callback({ paymentId: settled.paymentId, amount: 200 }));
      expect(await store.expirePendingPayments(new Date(Date.now() - 60_000))).toBe(0);
      expect(await store.expirePendingPayments(new Date(Date.now() + 60_000))).toBe(1);
      expect((await store.listPayments({ status: 'expired' })).map((p) => p.paymentId)).toEqual([pending.paymentId]);
      expect((await store.listPayments({ status: 'success' })).map((p) => p.paymentId)).toEqual([settled.paymentId]);
      // A success arriving late still credits: the money was paid.
      const late = await store.applyCallback(callback({ paymentId: pending.paymentId, amount: 100 }));
      expect(late).toMatchObject({ result: 'credited', reviewReason: expect.stringMatching(/expired/) as unknown });
      expect(await balance()).toBe(300);
    });

    it('refuses a payment for an account that does not exist', async () => {
      await expect(deposit(100, 'nobody')).rejects.toThrow();
    });
  });

  describe('callbacks', () => {
    it('success credits once; the same body again is a duplicate; another body is recorded', async () => {
      const payment = await deposit(10000);
      const delivery = callback({ paymentId: payment.paymentId });
      expect(await store.applyCallback(delivery)).toEqual({ result: 'credited', paymentId: payment.paymentId });
      expect(await store.applyCallback(delivery)).toEqual({ result: 'duplicate', paymentId: payment.paymentId });
      expect(await store.applyCallback(callback({ paymentId: payment.paymentId }, 'redelivered'))).toEqual({
        result: 'recorded',
        paymentId: payment.paymentId,
      });
      expect(await balance()).toBe(10000);
      const [stored] = await store.listPayments({ status: 'success' });
      expect(stored).toMatchObject({ paymentId: payment.paymentId, lastCallbackStatus: 'success' });
      const callbacks = await store.listCallbacks({ paymentId: payment.paymentId });
      expect(callbacks.map((c) => [c.result, c.deliveries])).toEqual([
        ['credited', 2],
        ['recorded', 1],
      ]);
      expect(callbacks[0]).toMatchObject({ rawBody: delivery.rawBody, headers: { 'user-agent': 'test' }, status: 'success' });
    });

    it('decline fails the payment; a later success still credits, flagged', async () => {
      const payment = await deposit(10000);
      expect((await store.applyCallback(callback({ paymentId: payment.paymentId, status: 'decline' }))).result).toBe('failed');
      expect(await balance()).toBe(0);
      const late = await store.applyCallback(callback({ paymentId: payment.paymentId }));
      expect(late.result).toBe('credited');
      expect(late.reviewReason).toMatch(/after the payment was marked failed/);
      expect(await balance()).toBe(10000);
    });

    it('keeps unknown payments and mismatched amounts flagged, credits nothing', async () => {
      const payment = await deposit(10000);
      expect((await store.applyCallback(callback({ paymentId: 'never-issued' }))).result).toBe('flagged');
      expect((await store.applyCallback(callback({ paymentId: payment.paymentId, amount: 1 }))).result).toBe('flagged');
      expect(await balance()).toBe(0);
      const flagged = await store.listCallbacks({ flagged: true });
      expect(flagged.map((c) => c.paymentId).sort()).toEqual(['never-issued', payment.paymentId].sort());
      expect((await store.listPayments({}))[0]?.status).toBe('pending');
    });

    it('credits once under 50 concurrent deliveries of one callback', async () => {
      const payment = await deposit(10000);
      const delivery = callback({ paymentId: payment.paymentId });
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => store.applyCallback(delivery)));
      expect(outcomes.filter((o) => o.result === 'credited')).toHaveLength(1);
      expect(outcomes.filter((o) => o.result === 'duplicate')).toHaveLength(49);
      expect(await balance()).toBe(10000);
      expect((await store.listCallbacks({}))[0]?.deliveries).toBe(50);
    });

    it('credits once when different bodies for one payment race', async () => {
      const payment = await deposit(10000);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.applyCallback(callback({ paymentId: payment.paymentId }, `v${i}`))),
      );
      expect(outcomes.filter((o) => o.result === 'credited')).toHaveLength(1);
      expect(await balance()).toBe(10000);
    });

    it('adds up concurrent payments into one account exactly', async () => {
      const amounts = Array.from({ length: 30 }, (_, i) => 100 + i);
      const payments = await Promise.all(amounts.map((amount) => deposit(amount)));
      await Promise.all(payments.map((p) => store.applyCallback(callback({ paymentId: p.paymentId, amount: p.amount }))));
      expect(await balance()).toBe(amounts.reduce((a, b) => a + b, 0));
    });

    it('keeps a rejected callback once, counting deliveries', async () => {
      const rejected = { rawBody: '{"payment":{}}', headers: {}, receivedAt: new Date(), reason: 'payment.id: required field is missing' };
      await store.keepRejectedCallback(rejected);
      await store.keepRejectedCallback({ ...rejected, receivedAt: new Date(rejected.receivedAt.getTime() + 1000) });
      expect(await store.listCallbacks({})).toEqual([]);
      expect(await store.listRejectedCallbacks()).toEqual([
        {
          id: expect.any(Number) as unknown,
          reason: rejected.reason,
          deliveries: 2,
          receivedAt: rejected.receivedAt.toISOString(),
          lastReceivedAt: expect.any(String) as unknown,
          rawBody: rejected.rawBody,
          headers: {},
        },
      ]);
    });
  });
});
