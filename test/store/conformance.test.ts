// What every store must do, specified once and run against each backend.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallbackFacts, Payment } from '../../src/ledger/model.js';
import { openStore } from '../../src/store/open-store.js';
import { InvalidCursorError, type Page } from '../../src/store/cursor.js';
import { FEED_START, type FeedPosition } from '../../src/store/ledger-feed.js';
import type { LedgerKey, PaymentQuery } from '../../src/store/operator-reads.js';
import { readInSlices } from '../../src/store/read-in-slices.js';
import {
  AccountExistsError,
  StoreUnavailableError,
  type IncomingCallback,
  type ListSlice,
  type PaymentKey,
  type Store,
} from '../../src/store/store.js';
import { backends, createTestDatabase, writePastTheStore, type TestDatabase } from '../support/databases.js';
import { untilFeedGives } from '../support/ledger-feed.js';

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

    it('answers what was asked of it before it was closed', async () => {
      // A service stopping closes its store while the last requests' reads and writes are queued.
      for (const url of backend === 'sqlite' ? [database.url, 'sqlite::memory:'] : [database.url]) {
        const closing = await openStore(url);
        await closing.migrate();
        const written = closing.ensureAccount({ customerId: 'acc-9', currency: 'KZT' });
        const read = closing.findAccount('acc-1');
        const pinged = closing.ping();
        await closing.close();
        await expect(written).resolves.toBeUndefined();
        await expect(pinged).resolves.toBeUndefined();
        expect(await read).toEqual(url === database.url ? await store.findAccount('acc-1') : undefined);
        await expect(closing.findAccount('acc-1')).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(closing.ensureAccount({ customerId: 'acc-10', currency: 'KZT' })).rejects.toBeInstanceOf(StoreUnavailableError);
      }
      expect(await store.findAccount('acc-10')).toBeUndefined();
      expect(await store.findAccount('acc-9')).toMatchObject({ customerId: 'acc-9', currency: 'KZT' });
    });
  });

  describe('accounts', () => {
    it('adds, finds, refuses a duplicate, ensures and closes', async () => {
      const before = new Date().toISOString();
      const added = await store.addAccount({ customerId: 'acc-2', currency: 'KZT', additionalCustomerId: 'X' });
      expect(added).toMatchObject({ customerId: 'acc-2', currency: 'KZT', balance: 0, status: 'active', additionalCustomerId: 'X' });
      expect(before <= added.createdAt && added.createdAt <= new Date().toISOString()).toBe(true);
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
      const declined = await deposit(300);
      await store.applyCallback(callback({ paymentId: settled.paymentId, amount: 200 }));
      await store.applyCallback(callback({ paymentId: declined.paymentId, amount: 300, status: 'decline' }));
      expect(await store.expirePendingPayments(new Date(Date.now() - 60_000))).toBe(0);
      expect(await store.expirePendingPayments(new Date(Date.now() + 60_000))).toBe(1);
      expect((await store.listPayments({ status: 'expired' })).map((p) => p.paymentId)).toEqual([pending.paymentId]);
      expect((await store.listPayments({ status: 'success' })).map((p) => p.paymentId)).toEqual([settled.paymentId]);
      expect((await store.listPayments({ status: 'failed' })).map((p) => p.paymentId)).toEqual([declined.paymentId]);
      // A success arriving late still credits: the money was paid.
      const late = await store.applyCallback(callback({ paymentId: pending.paymentId, amount: 100 }));
      expect(late).toMatchObject({ result: 'credited', reviewReason: expect.stringMatching(/expired/) as unknown });
      expect(await balance()).toBe(300);
    });

    it('expires a backlog a batch a transaction, the longest pending first; a failure keeps the batches before it', async () => {
      const opened: Payment[] = [];
      for (const amount of [100, 200, 300, 400, 500]) {
        opened.push(await deposit(amount));
        // Apart in time: creation order is the order written.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const last = opened.at(-1)!.paymentId;
      // A rule of the merchant's own refuses to expire the last payment opened.
      await writePastTheStore(
        database,
        backend === 'sqlite'
          ? [
              `create trigger refuse_expiry before update on payments when new.payment_id = '${last}' and new.status = 'expired'
               begin select raise(abort, 'kept pending by the merchant''s rule'); end`,
            ]
          : [
              `create function refuse_expiry() returns trigger language plpgsql as $$
               begin
                 if new.payment_id = '${last}' and new.status = 'expired' then raise exception 'kept pending by the merchant''s rule'; end if;
                 return new;
               end $$`,
              'create trigger refuse_expiry before update on payments for each row execute function refuse_expiry()',
            ],
      );
      const future = new Date(Date.now() + 60_000);
      await expect(store.expirePendingPayments(future, { batch: 2 })).rejects.toThrow("kept pending by the merchant's rule");
      // Two batches of two committed; the third, the last payment alone, refused whole.
      const statuses = async () => (await store.listPayments({})).map((p) => [p.amount, p.status]);
      expect(await statuses()).toEqual([
        [100, 'expired'],
        [200, 'expired'],
        [300, 'expired'],
        [400, 'expired'],
        [500, 'pending'],
      ]);

      await writePastTheStore(database, ['drop trigger refuse_expiry' + (backend === 'sqlite' ? '' : ' on payments')]);
      expect(await store.expirePendingPayments(future, { batch: 2 })).toBe(1);
      expect(await store.expirePendingPayments(future, { batch: 2 })).toBe(0);
      expect((await statuses()).every(([, status]) => status === 'expired')).toBe(true);
      // A backlog of exactly whole batches ends with an empty one.
      for (const amount of [600, 700, 800, 900]) await deposit(amount);
      expect(await store.expirePendingPayments(future, { batch: 2 })).toBe(4);
    });

    it('offers pending payments to ask the Gate about: never asked first, then asked longest ago, oldest first', async () => {
      const opened = [];
      for (const amount of [100, 200, 300, 400]) {
        opened.push(await deposit(amount));
        // Apart in time: creation order is the order written.
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      const [a, b, c, settled] = opened.map((p) => p.paymentId) as [string, string, string, string];
      await store.applyCallback(callback({ paymentId: settled, amount: 400 }));
      const toAsk = async (createdBefore = new Date(Date.now() + 60_000), limit = 10) =>
        (await (await store.operatorReads()).pendingPaymentsToAsk(createdBefore, limit)).map((p) => p.payment.paymentId);

      expect(await toAsk()).toEqual([a, b, c]);
      expect(await toAsk(new Date(opened[2]!.createdAt))).toEqual([a, b]);
      expect(await toAsk(undefined, 2)).toEqual([a, b]);

      await store.recordStatusCheck({
        paymentId: a,
        askedAt: new Date('2026-12-01T10:00:01.000Z'),
        outcome: 'still_pending',
        platformStatus: 'processing',
      });
      await store.recordStatusCheck({ paymentId: b, askedAt: new Date('2026-12-01T10:00:00.000Z'), outcome: 'refused' });
      expect(await toAsk()).toEqual([c, b, a]);
      const lastOutcomes = (await (await store.operatorReads()).pendingPaymentsToAsk(new Date(Date.now() + 60_000), 10)).map(
        (p) => p.lastOutcome,
      );
      expect(lastOutcomes).toEqual([null, 'refused', 'still_pending']);
      // Asked again: its turn moves to the back.
      await store.recordStatusCheck({ paymentId: b, askedAt: new Date('2026-12-01T10:00:02.000Z'), outcome: 'not_answered' });
      expect(await toAsk()).toEqual([c, a, b]);
    });

    it('refuses a payment for an account that does not exist', async () => {
      await expect(deposit(100, 'nobody')).rejects.toThrow();
    });
  });

  describe('callbacks', () => {
    it('success credits once; the same body again is a duplicate; another body is recorded', async () => {
      const payment = await deposit(10000);
      const delivery = callback({ paymentId: payment.paymentId });
      const later = (seconds: number) => ({ ...delivery, receivedAt: new Date(delivery.receivedAt.getTime() + seconds * 1000) });
      expect(await store.applyCallback(delivery)).toEqual({ result: 'credited', paymentId: payment.paymentId });
      expect(await store.applyCallback(later(1))).toEqual({ result: 'duplicate', paymentId: payment.paymentId });
      const another = callback({ paymentId: payment.paymentId }, 'redelivered');
      expect(await store.applyCallback(another)).toEqual({
        result: 'recorded',
        paymentId: payment.paymentId,
      });
      // A redelivery once another body is stored is counted on its own body only.
      expect(await store.applyCallback(later(2))).toEqual({ result: 'duplicate', paymentId: payment.paymentId });
      expect(await balance()).toBe(10000);
      const [stored] = await store.listPayments({ status: 'success' });
      expect(stored).toMatchObject({
        paymentId: payment.paymentId,
        lastCallbackStatus: 'success',
        createdAt: payment.createdAt,
        // Moved by the last body stored for it, not by a duplicate's delivery.
        updatedAt: another.receivedAt.toISOString(),
      });
      const callbacks = await store.listCallbacks({ paymentId: payment.paymentId });
      expect(callbacks.map((c) => [c.result, c.deliveries])).toEqual([
        ['credited', 3],
        ['recorded', 1],
      ]);
      expect(callbacks[0]).toMatchObject({
        rawBody: delivery.rawBody,
        headers: { 'user-agent': 'test' },
        status: 'success',
        projectId: 1234,
        receivedAt: delivery.receivedAt.toISOString(),
        lastReceivedAt: later(2).receivedAt.toISOString(),
      });
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
          lastReceivedAt: new Date(rejected.receivedAt.getTime() + 1000).toISOString(),
          rawBody: rejected.rawBody,
          headers: {},
        },
      ]);
    });
  });

  describe('operators: adjustments and reviews, audited', () => {
    const flaggedCallback = async () => {
      const payment = await deposit(10000);
      expect((await store.applyCallback(callback({ paymentId: payment.paymentId, amount: 5000 }))).result).toBe('flagged');
      return (await store.listCallbacks({ paymentId: payment.paymentId }))[0]!;
    };

    it('adds an adjustment as an entry of its own, moves the balance, and audits it', async () => {
      const flagged = await flaggedCallback();
      const request = {
        customerId: 'acc-1',
        amount: 5000,
        reason: 'paid 50.00 at the terminal',
        idempotencyKey: 'adj-1',
        callbackId: flagged.id,
        actor: 'anna',
      };
      const outcome = await store.addAdjustment(request);
      expect(outcome).toEqual({
        adjustment: {
          id: expect.any(Number) as unknown,
          customerId: 'acc-1',
          amount: 5000,
          currency: 'KZT',
          reason: 'paid 50.00 at the terminal',
          idempotencyKey: 'adj-1',
          callbackId: flagged.id,
          paymentId: null,
          actor: 'anna',
          createdAt: expect.any(String) as unknown,
        },
        balance: 5000,
        replayed: false,
      });
      expect(await balance()).toBe(5000);
      // In the ledger as an entry naming its callback; the flagged callback itself credited nothing.
      if (!('adjustment' in outcome)) throw new Error(outcome.refused.message);
      expect((await (await store.operatorReads()).ledger('acc-1', { limit: 10 }))!.items).toEqual([
        {
          kind: 'adjustment',
          id: outcome.adjustment.id,
          customerId: 'acc-1',
          amount: 5000,
          currency: 'KZT',
          createdAt: outcome.adjustment.createdAt,
          paymentId: null,
          callbackId: flagged.id,
          reason: 'paid 50.00 at the terminal',
          actor: 'anna',
        },
      ]);
      expect(await store.listAuditLog()).toEqual([
        {
          id: expect.any(Number) as unknown,
          actor: 'anna',
          action: 'adjustments.add',
          request,
          outcome: 'done',
          result: JSON.parse(JSON.stringify(outcome)) as unknown,
          createdAt: expect.any(String) as unknown,
        },
      ]);
    });

    it('settles by hand the payment of the callback an adjustment names: a later success from any source credits nothing', async () => {
      const flagged = await flaggedCallback();
      const outcome = await store.addAdjustment({
        customerId: 'acc-1',
        amount: 5000,
        reason: 'paid 50.00 at the terminal',
        idempotencyKey: 'adj-settles',
        callbackId: flagged.id,
        actor: 'anna',
      });
      if (!('adjustment' in outcome)) throw new Error(outcome.refused.message);
      const id = outcome.adjustment.id;
      const [settled] = await store.listPayments({});
      expect(settled).toMatchObject({ paymentId: flagged.paymentId, status: 'pending', settledByAdjustment: id });

      // The platform then reports the deposit's own amount, as a callback and as the status sync's answer.
      expect(await store.applyCallback(callback({ paymentId: flagged.paymentId }))).toEqual({
        result: 'flagged',
        paymentId: flagged.paymentId,
        reviewReason: `success after the payment was settled by hand (adjustment #${id}): nothing credited, the adjustment stands`,
      });
      expect(await store.applyCallback({ ...callback({ paymentId: flagged.paymentId }, 'sync'), source: 'status_request' })).toMatchObject({
        result: 'recorded',
      });
      expect(await balance()).toBe(5000);
      expect(await store.listPayments({})).toEqual([expect.objectContaining({ status: 'success', settledByAdjustment: id })]);
      const reads = await store.operatorReads();
      expect((await reads.ledger('acc-1', { limit: 10 }))!.items.map((e) => e.kind)).toEqual(['adjustment']);
    });

    it("refuses an adjustment of one account naming a callback of another account's payment, which still credits later", async () => {
      const flagged = await flaggedCallback();
      await store.addAccount({ customerId: 'acc-2', currency: 'KZT' });
      const request = {
        customerId: 'acc-2',
        amount: 5000,
        reason: 'paid 50.00 at the terminal',
        idempotencyKey: 'adj-elsewhere',
        callbackId: flagged.id,
        actor: 'anna',
      };
      const message = `callback ${flagged.id} is for payment ${flagged.paymentId} of account acc-1, not of acc-2: adjust acc-1, or name no callback`;
      expect(await store.addAdjustment(request)).toEqual({ refused: { reason: 'invalid', field: 'callback_id', message } });
      expect(await balance('acc-2')).toBe(0);
      expect(await store.listPayments({})).toEqual([expect.objectContaining({ paymentId: flagged.paymentId, settledByAdjustment: null })]);
      expect((await store.listAuditLog()).map((e) => [e.action, e.outcome])).toEqual([['adjustments.add', 'refused']]);
      // The payment is not settled by hand: its own success credits its own account.
      expect((await store.applyCallback(callback({ paymentId: flagged.paymentId }))).result).toBe('credited');
      expect(await balance()).toBe(10000);
    });

    it('leaves a payment the ledger credited unsettled: an adjustment on top of it is a correction', async () => {
      const payment = await deposit(10000);
      await store.applyCallback(callback({ paymentId: payment.paymentId }));
      await store.applyCallback(callback({ paymentId: payment.paymentId, status: 'decline' }));
      const [flagged] = await store.listCallbacks({ flagged: true });
      await store.addAdjustment({
        customerId: 'acc-1',
        amount: 100,
        reason: 'x',
        idempotencyKey: 'adj-on-top',
        callbackId: flagged!.id,
        actor: 'anna',
      });
      expect(await store.listPayments({})).toEqual([expect.objectContaining({ status: 'success', settledByAdjustment: null })]);
      expect(await balance()).toBe(10100);
    });

    it('pays each payment once or, if its success landed first, both, never in between, when adjustments and successes race', async () => {
      const flagged = await Promise.all(Array.from({ length: 12 }, () => flaggedCallback()));
      const raced = await Promise.all(
        flagged.map(async (c, i) => {
          const adjust = store.addAdjustment({
            customerId: 'acc-1',
            amount: 5000,
            reason: 'x',
            idempotencyKey: `race-${i}`,
            callbackId: c.id,
            actor: 'anna',
          });
          const [adjusted, outcome] = await Promise.all([adjust, store.applyCallback(callback({ paymentId: c.paymentId }))]);
          if (!('adjustment' in adjusted)) throw new Error(adjusted.refused.message);
          return { paymentId: c.paymentId, adjustmentId: adjusted.adjustment.id, result: outcome.result };
        }),
      );
      const payments = new Map((await store.listPayments({})).map((p) => [p.paymentId, p]));
      for (const { paymentId, adjustmentId, result } of raced) {
        const settledBy = payments.get(paymentId)?.settledByAdjustment;
        expect({ result, settledBy }).toEqual(
          result === 'credited' ? { result, settledBy: null } : { result: 'flagged', settledBy: adjustmentId },
        );
      }
      const credited = raced.filter((r) => r.result === 'credited').length;
      expect(await balance()).toBe(raced.length * 5000 + credited * 10000);
      expect((await (await store.operatorReads()).ledgerCheck()).broken).toEqual([]);
    });

    it('pays by hand the pending payment it names, once: a later success credits nothing, a second payment is refused', async () => {
      const payment = await deposit(10000);
      const paying = {
        customerId: 'acc-1',
        amount: 10000,
        reason: 'receipt 4411',
        idempotencyKey: 'adj-pay',
        paymentId: payment.paymentId,
        actor: 'anna',
      };
      const outcome = await store.addAdjustment(paying);
      if (!('adjustment' in outcome)) throw new Error(outcome.refused.message);
      const id = outcome.adjustment.id;
      expect(outcome).toMatchObject({ adjustment: { paymentId: payment.paymentId, callbackId: null }, balance: 10000, replayed: false });
      expect(await store.addAdjustment(paying)).toEqual({ ...outcome, replayed: true });
      expect(await store.listPayments({})).toEqual([expect.objectContaining({ status: 'pending', settledByAdjustment: id })]);

      const again = await store.addAdjustment({ ...paying, idempotencyKey: 'adj-pay-again' });
      expect(again).toEqual({
        refused: {
          reason: 'already_paid',
          message: `payment ${payment.paymentId} was paid by hand already (adjustment #${id}): paying it again would pay it twice`,
        },
      });
      expect((await store.applyCallback(callback({ paymentId: payment.paymentId }))).result).toBe('flagged');
      expect(await balance()).toBe(10000);
      const reads = await store.operatorReads();
      expect((await reads.ledger('acc-1', { limit: 10 }))!.items).toEqual([
        expect.objectContaining({ kind: 'adjustment', paymentId: payment.paymentId, callbackId: null }),
      ]);
      expect((await store.listAuditLog()).map((e) => [e.action, e.outcome])).toEqual([
        ['adjustments.add', 'done'],
        ['adjustments.add', 'refused'],
      ]);
      expect((await reads.ledgerCheck()).broken).toEqual([]);
    });

    it('refuses to pay by hand a payment credited, of another account, or never opened, writing nothing', async () => {
      const credited = await deposit(10000);
      await store.applyCallback(callback({ paymentId: credited.paymentId }));
      await store.addAccount({ customerId: 'acc-2', currency: 'KZT' });
      const paying = (paymentId: string, customerId = 'acc-1') =>
        store.addAdjustment({
          customerId,
          amount: 10000,
          reason: 'receipt',
          idempotencyKey: `k-${paymentId}-${customerId}`,
          paymentId,
          actor: 'anna',
        });
      expect(await paying(credited.paymentId)).toMatchObject({ refused: { reason: 'already_paid' } });
      expect(await paying(credited.paymentId, 'acc-2')).toMatchObject({ refused: { reason: 'invalid', field: 'payment_id' } });
      expect(await paying('pay-never')).toEqual({ refused: { reason: 'not_found', message: 'payment pay-never does not exist' } });
      expect([await balance(), await balance('acc-2')]).toEqual([10000, 0]);
      expect(await store.listPayments({})).toEqual([expect.objectContaining({ status: 'success', settledByAdjustment: null })]);
    });

    it('pays each payment exactly once when adjustments naming it race its success: the credit or the adjustment, never both', async () => {
      const payments = await Promise.all(Array.from({ length: 12 }, () => deposit(10000)));
      const raced = await Promise.all(
        payments.map(async (p, i) => {
          const [adjusted, credited] = await Promise.all([
            store.addAdjustment({
              customerId: 'acc-1',
              amount: 10000,
              reason: 'receipt',
              idempotencyKey: `pay-race-${i}`,
              paymentId: p.paymentId,
              actor: 'anna',
            }),
            store.applyCallback(callback({ paymentId: p.paymentId })),
          ]);
          const paidByHand = 'adjustment' in adjusted;
          expect(paidByHand ? credited.result : adjusted.refused.reason).toBe(paidByHand ? 'flagged' : 'already_paid');
          return paidByHand;
        }),
      );
      expect(await balance()).toBe(payments.length * 10000);
      const byHand = (await store.listPayments({})).filter((p) => p.settledByAdjustment !== null).length;
      expect(byHand).toBe(raced.filter(Boolean).length);
      expect((await (await store.operatorReads()).ledgerCheck()).broken).toEqual([]);
    });

    it('answers the same idempotency key with the first adjustment and writes nothing', async () => {
      const request = { customerId: 'acc-1', amount: 700, reason: 'goodwill', idempotencyKey: 'adj-2', actor: 'anna' };
      const first = await store.addAdjustment(request);
      const again = await Promise.all([store.addAdjustment(request), store.addAdjustment(request)]);
      expect(again).toEqual([
        { ...first, replayed: true },
        { ...first, replayed: true },
      ]);
      expect(await balance()).toBe(700);
      expect(await store.listAuditLog()).toHaveLength(1);
    });

    it('refuses, and audits the refusal, a balance made negative, a reused key, an unknown account or callback', async () => {
      await store.addAdjustment({ customerId: 'acc-1', amount: 300, reason: 'goodwill', idempotencyKey: 'adj-3', actor: 'anna' });
      const refusals = [
        await store.addAdjustment({ customerId: 'acc-1', amount: -301, reason: 'reversal', idempotencyKey: 'adj-4', actor: 'anna' }),
        await store.addAdjustment({ customerId: 'acc-1', amount: 1, reason: 'other', idempotencyKey: 'adj-3', actor: 'anna' }),
        await store.addAdjustment({ customerId: 'nobody', amount: 1, reason: 'x', idempotencyKey: 'adj-5', actor: 'anna' }),
        await store.addAdjustment({
          customerId: 'acc-1',
          amount: 1,
          reason: 'x',
          idempotencyKey: 'adj-6',
          callbackId: 999_999,
          actor: 'anna',
        }),
        await store.addAdjustment({ customerId: 'acc-1', amount: 0, reason: 'x', idempotencyKey: 'adj-7', actor: 'anna' }),
      ];
      expect(refusals.map((r) => ('refused' in r ? r.refused.reason : 'written'))).toEqual([
        'negative_balance',
        'idempotency_conflict',
        'not_found',
        'not_found',
        'invalid',
      ]);
      expect(await balance()).toBe(300);
      const audit = await store.listAuditLog();
      expect(audit.map((e) => e.outcome)).toEqual(['done', 'refused', 'refused', 'refused', 'refused', 'refused']);
      // A negative adjustment within the balance is fine.
      expect(
        await store.addAdjustment({ customerId: 'acc-1', amount: -300, reason: 'reversal', idempotencyKey: 'adj-8', actor: 'anna' }),
      ).toMatchObject({ balance: 0 });
    });

    it('closes the review of a flagged callback once, with who, when and a note; refuses the rest', async () => {
      const flagged = await flaggedCallback();
      const reviewed = await store.reviewCallback({ callbackId: flagged.id, note: 'customer paid 50.00; adjusted', actor: 'anna' });
      expect(reviewed).toEqual({
        reviewed: { id: flagged.id, reviewReason: flagged.reviewReason, reviewedAt: expect.any(String) as unknown, reviewedBy: 'anna' },
      });
      const [stored] = await store.listCallbacks({ paymentId: flagged.paymentId });
      expect(stored).toMatchObject({
        reviewedBy: 'anna',
        reviewNote: 'customer paid 50.00; adjusted',
        reviewedAt: expect.any(String) as unknown,
      });

      const payment = await deposit(100);
      await store.applyCallback(callback({ paymentId: payment.paymentId, amount: 100 }));
      const [credited] = await store.listCallbacks({ paymentId: payment.paymentId });
      const refusals = [
        await store.reviewCallback({ callbackId: flagged.id, note: 'again', actor: 'ben' }),
        await store.reviewCallback({ callbackId: credited!.id, note: 'x', actor: 'ben' }),
        await store.reviewCallback({ callbackId: 999_999, note: 'x', actor: 'ben' }),
        await store.reviewCallback({ callbackId: flagged.id, note: ' ', actor: 'ben' }),
      ];
      expect(refusals.map((r) => ('refused' in r ? r.refused.reason : 'reviewed'))).toEqual([
        'already_reviewed',
        'not_flagged',
        'not_found',
        'invalid',
      ]);
      expect((await store.listCallbacks({ paymentId: flagged.paymentId }))[0]).toMatchObject({ reviewedBy: 'anna' });
      expect((await store.listAuditLog()).map((e) => `${e.action} ${e.outcome}`)).toEqual([
        'callbacks.review done',
        'callbacks.review refused',
        'callbacks.review refused',
        'callbacks.review refused',
        'callbacks.review refused',
      ]);
    });
  });

  describe('operators: accounts, audited', () => {
    it('opens and closes accounts for an operator, refusing what the rules refuse, every attempt audited', async () => {
      const opened = await store.createAccountAsOperator({
        customerId: 'op-1',
        currency: 'KZT',
        additionalCustomerId: 'C-1',
        actor: 'anna',
      });
      expect(opened).toEqual({
        account: expect.objectContaining({ customerId: 'op-1', status: 'active', balance: 0, additionalCustomerId: 'C-1' }) as unknown,
      });
      const refusedCreates = [
        await store.createAccountAsOperator({ customerId: 'op-1', currency: 'KZT', actor: 'anna' }),
        await store.createAccountAsOperator({ customerId: 'op-2', currency: 'kzt', actor: 'anna' }),
      ];
      expect(refusedCreates.map((r) => ('refused' in r ? r.refused.reason : 'opened'))).toEqual(['exists', 'invalid']);
      expect(await store.findAccount('op-2')).toBeUndefined();
      expect(await store.closeAccountAsOperator({ customerId: 'op-1', actor: 'ben' })).toEqual({
        account: expect.objectContaining({ status: 'closed' }) as unknown,
      });
      const refusedCloses = [
        await store.closeAccountAsOperator({ customerId: 'op-1', actor: 'ben' }),
        await store.closeAccountAsOperator({ customerId: 'nobody', actor: 'ben' }),
      ];
      expect(refusedCloses.map((r) => ('refused' in r ? r.refused.reason : 'closed'))).toEqual(['already_closed', 'not_found']);
      expect((await store.listAuditLog()).map((e) => `${e.actor} ${e.action} ${e.outcome}`)).toEqual([
        'anna accounts.create done',
        'anna accounts.create refused',
        'anna accounts.create refused',
        'ben accounts.close done',
        'ben accounts.close refused',
        'ben accounts.close refused',
      ]);
    });

    it('reopens a closed account with its balance and ledger, refusing an open one, every attempt audited', async () => {
      const credited = await deposit(10000);
      await store.applyCallback(callback({ paymentId: credited.paymentId }));
      const opened = await deposit(2500);
      await store.closeAccountAsOperator({ customerId: 'acc-1', actor: 'ben' });
      // A payment opened before the close still settles while the account is closed: the customer
      // paid. It is credited, and kept for an operator to refund or reopen.
      const reviewReason =
        'credited to acc-1, which is closed: 25.00 KZT (2500 minor units) is held on a closed account (refund the customer or reopen it)';
      expect(await store.applyCallback(callback({ paymentId: opened.paymentId, amount: 2500 }))).toEqual({
        result: 'credited',
        paymentId: opened.paymentId,
        reviewReason,
      });
      const [kept] = await store.listCallbacks({ paymentId: opened.paymentId });
      expect(kept).toMatchObject({ result: 'credited', reviewReason, reviewedAt: null });
      // Its redelivery changes nothing and asks nothing more.
      expect((await store.applyCallback(callback({ paymentId: opened.paymentId, amount: 2500 }))).result).toBe('duplicate');
      expect(await open(100)).toMatchObject({ refused: { reason: 'account_not_found' } });

      const reopened = await store.reopenAccountAsOperator({ customerId: 'acc-1', actor: 'anna' });
      expect(reopened).toEqual({ account: { ...(await store.findAccount('acc-1'))!, status: 'active', balance: 12500 } });
      expect(await open(100)).toMatchObject({ opened: { customerId: 'acc-1', status: 'pending' } });
      const refused = [
        await store.reopenAccountAsOperator({ customerId: 'acc-1', actor: 'anna' }),
        await store.reopenAccountAsOperator({ customerId: 'nobody', actor: 'anna' }),
      ];
      expect(refused).toEqual([
        { refused: { reason: 'already_active', message: 'account acc-1 is open: only a closed account is reopened' } },
        { refused: { reason: 'not_found', message: 'account nobody does not exist' } },
      ]);
      expect((await store.findAccount('acc-1'))?.balance).toBe(12500);
      expect(await (await store.operatorReads()).ledgerCheck()).toMatchObject({ broken: [] });
      expect((await store.listAuditLog()).map((e) => `${e.actor} ${e.action} ${e.outcome} ${JSON.stringify(e.request)}`)).toEqual([
        'ben accounts.close done {"customerId":"acc-1","actor":"ben"}',
        'anna accounts.reopen done {"customerId":"acc-1","actor":"anna"}',
        'anna accounts.reopen refused {"customerId":"acc-1","actor":"anna"}',
        'anna accounts.reopen refused {"customerId":"nobody","actor":"anna"}',
      ]);
    });
  });

  describe('lists read in slices', () => {
    /** A list read slice by slice, two items at a time, the way the CLI reads it. */
    async function sliced<T, K>(read: (slice: ListSlice<K>) => Promise<T[]>, keyOf: (item: T) => K): Promise<T[]> {
      const items: T[] = [];
      for await (const item of readInSlices(read, keyOf, 2)) items.push(item);
      return items;
    }
    const paymentKey = (p: Payment): PaymentKey => ({ createdAt: p.createdAt, paymentId: p.paymentId });
    const idOf = (item: { id: number }) => item.id;

    it('reads payments slice by slice as whole, oldest first, ties in creation time ordered by id', async () => {
      await store.addAccount({ customerId: 'acc-2', currency: 'KZT' });
      // Opened together, several share a creation instant: the slices must neither skip nor repeat them.
      const opened = await Promise.all(Array.from({ length: 9 }, (_, i) => deposit(100 + i, i % 3 === 0 ? 'acc-2' : 'acc-1')));
      await Promise.all(opened.slice(0, 4).map((p) => store.applyCallback(callback({ paymentId: p.paymentId, amount: p.amount }))));

      const whole = await store.listPayments({});
      expect(whole.map(paymentKey)).toEqual(
        opened.map(paymentKey).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.paymentId.localeCompare(b.paymentId)),
      );
      const filters = [{}, { customerId: 'acc-2' }, { status: 'success' as const }, { status: 'pending' as const }];
      const counts = [];
      for (const filter of filters) {
        const all = await store.listPayments(filter);
        expect(await sliced((slice) => store.listPayments(filter, slice), paymentKey)).toEqual(all);
        counts.push(all.length);
      }
      expect(counts).toEqual([9, 3, 4, 5]);
      expect(await store.listPayments({}, { limit: 4 })).toEqual(whole.slice(0, 4));
      expect(await store.listPayments({}, { after: paymentKey(whole[3]!), limit: 4 })).toEqual(whole.slice(4, 8));
    });

    it("reads a period's ledger entries of every account slice by slice, oldest first, a credit and an adjustment of one instant in kind order", async () => {
      await store.addAccount({ customerId: 'acc-2', currency: 'KZT' });
      const paid = [await deposit(100), await deposit(200, 'acc-2'), await deposit(300)];
      for (const p of paid) await store.applyCallback(callback({ paymentId: p.paymentId, amount: p.amount }));
      for (const [n, amount] of [
        [1, 50],
        [2, -25],
      ] as const) {
        await store.addAdjustment({ customerId: 'acc-1', amount, reason: `r, "${n}"`, idempotencyKey: `k-${n}`, actor: 'anna' });
      }
      // Times set past the store: a credit and an adjustment share an instant; a credit is after the period.
      const at = (t: string) => `2026-11-0${t}`;
      await writePastTheStore(database, [
        `update ledger_entries set created_at = '${at('2T10:00:00.000Z')}' where payment_id = '${paid[0]!.paymentId}'`,
        `update ledger_entries set created_at = '${at('3T10:00:00.000Z')}' where payment_id = '${paid[1]!.paymentId}'`,
        `update ledger_entries set created_at = '${at('4T00:00:00.000Z')}' where payment_id = '${paid[2]!.paymentId}'`,
        `update adjustments set created_at = '${at('2T10:00:00.000Z')}' where idempotency_key = 'k-1'`,
        `update adjustments set created_at = '${at('2T05:00:00.000Z')}' where idempotency_key = 'k-2'`,
      ]);
      const reads = await store.operatorReads();
      const period = { from: at('2T00:00:00.000Z'), to: at('4T00:00:00.000Z') };
      const entries = await sliced(
        (slice: ListSlice<LedgerKey>) => reads.ledgerInPeriod(period, slice),
        (e) => ({ createdAt: e.createdAt, kind: e.kind, id: e.id }),
      );
      // Two at a time: a slice ends between the adjustment and the credit of one instant.
      expect(entries.map((e) => `${e.createdAt} ${e.kind} ${e.customerId} ${e.amount}`)).toEqual([
        '2026-11-02T05:00:00.000Z adjustment acc-1 -25',
        '2026-11-02T10:00:00.000Z adjustment acc-1 50',
        '2026-11-02T10:00:00.000Z credit acc-1 100',
        '2026-11-03T10:00:00.000Z credit acc-2 200',
      ]);
      expect(entries[1]).toMatchObject({ reason: 'r, "1"', actor: 'anna', paymentId: null });
      expect(entries[2]).toMatchObject({ paymentId: paid[0]!.paymentId, reason: null, actor: null, currency: 'KZT' });
      expect(await reads.ledgerInPeriod(period, { limit: 10 })).toEqual(entries);
      expect(await reads.ledgerInPeriod({ from: at('4T00:00:00.000Z'), to: at('5T00:00:00.000Z') }, { limit: 10 })).toMatchObject([
        { kind: 'credit', amount: 300 },
      ]);
    });

    it('reads callbacks, rejected callbacks and the audit log slice by slice as whole, in id order', async () => {
      const payments = await Promise.all([deposit(100), deposit(200), deposit(300)]);
      for (const p of payments) await store.applyCallback(callback({ paymentId: p.paymentId, amount: p.amount }));
      await store.applyCallback(callback({ paymentId: 'never-issued' }));
      await store.applyCallback(callback({ paymentId: 'never-issued-either' }));
      for (const n of [1, 2, 3]) {
        await store.keepRejectedCallback({
          rawBody: `{"n":${n}}`,
          headers: {},
          receivedAt: new Date(),
          reason: 'payment.id: required field is missing',
        });
        await store.createAccountAsOperator({ customerId: `op-${n}`, currency: 'KZT', actor: 'anna' });
      }
      await store.createAccountAsOperator({ customerId: 'op-1', currency: 'KZT', actor: 'anna' });

      for (const filter of [{}, { flagged: true }, { paymentId: payments[1].paymentId }]) {
        expect(await sliced((slice) => store.listCallbacks(filter, slice), idOf)).toEqual(await store.listCallbacks(filter));
      }
      const callbacks = await store.listCallbacks({});
      expect(callbacks).toHaveLength(5);
      expect(callbacks.map(idOf)).toEqual(callbacks.map(idOf).sort((a, b) => a - b));
      expect((await store.listCallbacks({ flagged: true })).map((c) => c.paymentId)).toEqual(['never-issued', 'never-issued-either']);

      const rejected = await store.listRejectedCallbacks();
      expect(rejected.map((r) => r.rawBody)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
      expect(await sliced((slice) => store.listRejectedCallbacks(slice), idOf)).toEqual(rejected);

      const audit = await store.listAuditLog();
      expect(audit.map((e) => e.outcome)).toEqual(['done', 'done', 'done', 'refused']);
      expect(await sliced((slice) => store.listAuditLog(slice), idOf)).toEqual(audit);
    });
  });

  describe('operator reads', () => {
    // Lists sort by creation time: a tick apart, the order written is the order read.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 3));
    /** Every item of a list, page by page. */
    async function everyPage<T>(read: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[][]> {
      const pages: T[][] = [];
      let cursor: string | undefined;
      do {
        const page = await read(cursor);
        pages.push(page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return pages;
    }

    it('finds accounts by part of either id, any case, newest first, page by page', async () => {
      for (const [customerId, additional] of [
        ['Anna-1', 'X-100'],
        ['bob_2', 'anna%'],
        ['carl', null],
      ] as const) {
        await tick();
        await store.addAccount({ customerId, currency: 'KZT', ...(additional && { additionalCustomerId: additional }) });
      }
      const reads = await store.operatorReads();
      const ids = async (query: string) => (await reads.accounts({ query }, { limit: 10 })).items.map((a) => a.customerId);
      expect(await ids('ANNA')).toEqual(['bob_2', 'Anna-1']);
      // LIKE's own characters are taken literally.
      expect(await ids('a%')).toEqual(['bob_2']);
      expect(await ids('_')).toEqual(['bob_2']);
      expect(await ids('x-1')).toEqual(['Anna-1']);
      const pages = await everyPage((cursor) => reads.accounts({}, { limit: 2, ...(cursor && { cursor }) }));
      expect(pages.map((p) => p.length)).toEqual([2, 2]);
      expect(pages.flat().map((a) => a.customerId)).toEqual(['carl', 'bob_2', 'Anna-1', 'acc-1']);
      await expect(reads.accounts({}, { limit: 2, cursor: 'WzFd' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('lists an account ledger, credits and adjustments merged newest first, summing to the balance', async () => {
      const reads = await store.operatorReads();
      for (let i = 0; i < 3; i++) {
        const payment = await deposit(1000 + i);
        await store.applyCallback(callback({ paymentId: payment.paymentId, amount: 1000 + i }));
        await tick();
        await store.addAdjustment({ customerId: 'acc-1', amount: -(10 + i), reason: 'fee', idempotencyKey: `fee-${i}`, actor: 'anna' });
        await tick();
      }
      const pages = await everyPage((cursor) => reads.ledger('acc-1', { limit: 4, ...(cursor && { cursor }) }).then((p) => p!));
      const entries = pages.flat();
      expect(pages.map((p) => p.length)).toEqual([4, 2]);
      expect(entries.map((e) => `${e.kind} ${e.amount}`)).toEqual([
        'adjustment -12',
        'credit 1002',
        'adjustment -11',
        'credit 1001',
        'adjustment -10',
        'credit 1000',
      ]);
      expect(entries.reduce((sum, e) => sum + e.amount, 0)).toBe(await balance());
      expect(entries[1]).toMatchObject({
        paymentId: expect.any(String) as unknown,
        callbackId: expect.any(Number) as unknown,
        reason: null,
      });
      expect(await reads.ledger('nobody', { limit: 4 })).toBeUndefined();
    });

    it('feeds every entry once, oldest first, from position to position, whatever its date says', async () => {
      const reads = await store.operatorReads();
      const written: string[] = [];
      const credit = async (amount: number) => {
        const payment = await deposit(amount);
        await store.applyCallback(callback({ paymentId: payment.paymentId, amount }));
        written.push(`credit ${amount}`);
      };
      const fee = async (n: number) => {
        await store.addAdjustment({ customerId: 'acc-1', amount: -n, reason: 'fee', idempotencyKey: `fee-${n}`, actor: 'anna' });
        written.push(`adjustment ${-n}`);
      };
      /** Every entry past `from`, `limit` a read, and the position reached. */
      const follow = async (from: FeedPosition, limit: number) => {
        const read: string[][] = [];
        let position = from;
        for (;;) {
          const feed = await reads.ledgerFeed(position, limit);
          read.push(feed.entries.map((e) => `${e.kind} ${e.amount}`));
          position = feed.position;
          if (!feed.more) return { entries: read.flat(), pages: read.map((r) => r.length), position };
        }
      };
      for (const n of [1, 2, 3]) {
        await credit(1000 + n);
        await tick();
        await fee(n);
        await tick();
      }
      await untilFeedGives(reads, written.length);
      for (const limit of [1, 2, 4, 6, 7]) {
        const { entries, pages } = await follow(FEED_START, limit);
        expect(entries, `${limit} a read`).toEqual(written);
        expect(
          pages.slice(0, -1).every((n) => n === limit),
          `${limit} a read`,
        ).toBe(true);
      }
      const { position } = await follow(FEED_START, 4);
      // At the end: nothing more, and the position stays where it is.
      expect(await reads.ledgerFeed(position, 4)).toEqual({ entries: [], position, more: false });
      // Past the newest entry: another store's position, or one from before a restore, is refused.
      for (const kind of ['credit', 'adjustment'] as const) {
        const past = { ...position, [kind]: { ...position[kind], id: position[kind].id + 1 } };
        await expect(reads.ledgerFeed(past, 4)).rejects.toMatchObject({ name: 'InvalidCursorError', field: 'after' });
      }

      // Dated before everything read so far — as a credit committed late is — and still read next.
      await credit(2000);
      await writePastTheStore(database, [`update ledger_entries set created_at = '2020-01-01T00:00:00.000Z' where amount = 2000`]);
      await fee(4);
      await untilFeedGives(reads, written.length);
      const next = await follow(position, 10);
      expect(next.entries).toEqual(['credit 2000', 'adjustment -4']);
      // From the start, each kind still in the order written; between kinds, an entry's date can
      // only tell SQLite (which has no transaction ids) where the backdated credit goes.
      const again = (await follow(FEED_START, 3)).entries;
      for (const kind of ['credit', 'adjustment'])
        expect(again.filter((e) => e.startsWith(kind))).toEqual(written.filter((e) => e.startsWith(kind)));
      expect(again).toHaveLength(8);
      expect((await reads.ledgerFeed(FEED_START, 100)).entries.reduce((sum, e) => sum + e.amount, 0)).toBe(await balance());
    });

    it('starts a reader at the end: only what is written after it, the history left out', async () => {
      const reads = await store.operatorReads();
      // An empty ledger's end is its start.
      expect(await reads.ledgerFeed(await reads.ledgerFeedEnd(), 10)).toEqual({ entries: [], position: FEED_START, more: false });
      const credit = async (amount: number) => {
        const payment = await deposit(amount);
        await store.applyCallback(callback({ paymentId: payment.paymentId, amount }));
      };
      const fee = (n: number) =>
        store.addAdjustment({ customerId: 'acc-1', amount: -n, reason: 'fee', idempotencyKey: `fee-${n}`, actor: 'anna' });
      await credit(1001);
      await fee(1);
      await untilFeedGives(reads, 2);

      const end = await reads.ledgerFeedEnd();
      // Where a reader of the whole history stands once it has read everything.
      const history = await reads.ledgerFeed(FEED_START, 10);
      expect(history.entries).toHaveLength(2);
      expect(end).toEqual(history.position);
      expect(await reads.ledgerFeed(end, 10)).toEqual({ entries: [], position: end, more: false });

      await fee(2);
      await credit(1002);
      await untilFeedGives(reads, 4);
      const next = await reads.ledgerFeed(end, 10);
      expect(next.entries.map((e) => `${e.kind} ${e.amount}`).sort()).toEqual(['adjustment -2', 'credit 1002']);
      expect(next.more).toBe(false);
    });

    it('feeds each credit once to a reader following it while callbacks commit concurrently', async () => {
      const reads = await store.operatorReads();
      const payments = await Promise.all(Array.from({ length: 120 }, (_, i) => deposit(100 + i)));
      const seen: number[] = [];
      let position = FEED_START;
      let writing = true;
      const reader = (async () => {
        // Reads until the writes are done and a read after them found nothing more.
        for (let last = false; !last;) {
          last = !writing;
          for (let more = true; more;) {
            const feed = await reads.ledgerFeed(position, 7);
            seen.push(...feed.entries.map((e) => e.id));
            position = feed.position;
            more = feed.more;
          }
        }
      })();
      // In waves of concurrent callbacks, so that commits interleave with the reader's reads.
      for (let start = 0; start < payments.length; start += 20) {
        await Promise.all(
          payments.slice(start, start + 20).map((p) => store.applyCallback(callback({ paymentId: p.paymentId, amount: p.amount }))),
        );
      }
      await untilFeedGives(reads, payments.length);
      writing = false;
      await reader;
      expect(seen).toHaveLength(payments.length);
      expect(new Set(seen).size).toBe(payments.length);
      expect(await balance()).toBe(payments.reduce((sum, p) => sum + p.amount, 0));
    });

    it("pages an account's ledger and a period's ledger newest first through entries sharing an instant", async () => {
      const paid = [await deposit(100), await deposit(200), await deposit(300)];
      for (const p of paid) await store.applyCallback(callback({ paymentId: p.paymentId, amount: p.amount }));
      for (const n of [1, 2, 3]) {
        await store.addAdjustment({ customerId: 'acc-1', amount: -n, reason: 'fee', idempotencyKey: `fee-${n}`, actor: 'anna' });
      }
      // Set past the store: at one instant a credit and two adjustments, at another a credit and an adjustment.
      const [t0, t1, t2] = ['2026-11-02T00:00:00.000Z', '2026-11-02T10:00:00.000Z', '2026-11-02T11:00:00.000Z'];
      await writePastTheStore(database, [
        `update ledger_entries set created_at = '${t1}' where payment_id = '${paid[0]!.paymentId}'`,
        `update ledger_entries set created_at = '${t2}' where payment_id = '${paid[1]!.paymentId}'`,
        `update ledger_entries set created_at = '${t0}' where payment_id = '${paid[2]!.paymentId}'`,
        `update adjustments set created_at = '${t1}' where idempotency_key in ('fee-1', 'fee-2')`,
        `update adjustments set created_at = '${t2}' where idempotency_key = 'fee-3'`,
      ]);
      // Newest first; at one instant credits before adjustments, and within a kind the later id first.
      const newestFirst = [
        `${t2} credit 200`,
        `${t2} adjustment -3`,
        `${t1} credit 100`,
        `${t1} adjustment -2`,
        `${t1} adjustment -1`,
        `${t0} credit 300`,
      ];
      const reads = await store.operatorReads();
      const read = (limit: number, list: 'account' | 'period') =>
        everyPage((cursor) =>
          list === 'account'
            ? reads.ledger('acc-1', { limit, ...(cursor && { cursor }) }).then((p) => p!)
            : reads.ledgerOfPeriod({ from: t1, to: '2026-11-03T00:00:00.000Z' }, { limit, ...(cursor && { cursor }) }),
        );
      // The period starts at t1: the credit of t0 is the account's, not the period's.
      for (const [list, expected] of [
        ['account', newestFirst],
        ['period', newestFirst.slice(0, 5)],
      ] as const) {
        for (const limit of [1, 2, 3, 4, 6]) {
          const pages = await read(limit, list);
          const says = `${list}, ${limit} a page`;
          expect(
            pages.flat().map((e) => `${e.createdAt} ${e.kind} ${e.amount}`),
            says,
          ).toEqual(expected);
          expect(
            pages.slice(0, -1).every((p) => p.length === limit),
            says,
          ).toBe(true);
        }
      }
      // A period's bounds: from included, to excluded.
      const period = await reads.ledgerOfPeriod({ from: t1, to: t2 }, { limit: 10 });
      expect(period.items.map((e) => `${e.createdAt} ${e.kind} ${e.amount}`)).toEqual(newestFirst.slice(2, 5));
      expect(period.nextCursor).toBeNull();
    });

    it("never carries a page of payments past its period's end, whatever cursor it is given", async () => {
      const opened = [await deposit(100), await deposit(200), await deposit(300), await deposit(400)];
      // Set past the store: three opened at the instant the period ends, one before it.
      const [before, end] = ['2026-11-02T09:00:00.000Z', '2026-11-02T10:00:00.000Z'];
      await writePastTheStore(database, [
        `update payments set created_at = '${end}' where payment_id <> '${opened[0]!.paymentId}'`,
        `update payments set created_at = '${before}' where payment_id = '${opened[0]!.paymentId}'`,
      ]);
      const reads = await store.operatorReads();
      // A cursor of the list without an end, continued with one: [from, to) still holds.
      const { nextCursor } = await reads.payments({}, { limit: 1 });
      const page = await reads.payments({ to: end }, { limit: 10, cursor: nextCursor! });
      expect(page.items.map((p) => p.paymentId)).toEqual([opened[0]!.paymentId]);
    });

    it('lists payments by filters with their flag, and one payment with its callbacks in order', async () => {
      const reads = await store.operatorReads();
      const credited = await deposit(100);
      await store.applyCallback(callback({ paymentId: credited.paymentId, amount: 100 }));
      await tick();
      const flagged = await deposit(200);
      await store.applyCallback(callback({ paymentId: flagged.paymentId, amount: 999 }));
      await store.applyCallback(callback({ paymentId: flagged.paymentId, amount: 999, status: 'decline' }));
      await tick();
      const pending = await deposit(300);
      const ids = async (query: PaymentQuery) => (await reads.payments(query, { limit: 10 })).items.map((p) => p.paymentId);
      expect(await ids({})).toEqual([pending.paymentId, flagged.paymentId, credited.paymentId]);
      expect(await ids({ flagged: true })).toEqual([flagged.paymentId]);
      expect(await ids({ flagged: false, status: 'pending' })).toEqual([pending.paymentId]);
      expect(await ids({ customerId: 'acc-1', status: 'success' })).toEqual([credited.paymentId]);
      expect(await ids({ from: pending.createdAt })).toEqual([pending.paymentId]);
      expect(await ids({ to: flagged.createdAt })).toEqual([credited.paymentId]);
      const pages = await everyPage((cursor) => reads.payments({}, { limit: 1, ...(cursor && { cursor }) }));
      expect(pages.flat().map((p) => p.paymentId)).toEqual(await ids({}));

      const found = await reads.payment(flagged.paymentId);
      expect(found?.payment).toMatchObject({ paymentId: flagged.paymentId, flagged: true, status: 'pending' });
      expect(found?.callbacks.map((c) => c.status)).toEqual(['success', 'decline']);
      expect(await reads.payment('nothing')).toBeUndefined();
    });

    it('lists callbacks as a review queue and rejected callbacks, newest first', async () => {
      const reads = await store.operatorReads();
      const one = await deposit(100);
      await store.applyCallback(callback({ paymentId: one.paymentId, amount: 1 }));
      await store.applyCallback(callback({ paymentId: 'never-issued', amount: 1 }));
      const two = await deposit(100);
      await store.applyCallback(callback({ paymentId: two.paymentId, amount: 100 }));
      const queue = await reads.callbacks({ flagged: true, reviewed: false }, { limit: 10 });
      expect(queue.items.map((c) => c.paymentId)).toEqual(['never-issued', one.paymentId]);
      await store.reviewCallback({ callbackId: queue.items[1]!.id, note: 'ok', actor: 'anna' });
      expect((await reads.callbacks({ flagged: true, reviewed: false }, { limit: 10 })).items.map((c) => c.paymentId)).toEqual([
        'never-issued',
      ]);
      expect((await reads.callbacks({ reviewed: true }, { limit: 10 })).items.map((c) => c.reviewNote)).toEqual(['ok']);
      expect((await reads.callbacks({ flagged: false }, { limit: 10 })).items.map((c) => c.paymentId)).toEqual([two.paymentId]);
      expect((await reads.callback(queue.items[1]!.id))?.reviewedBy).toBe('anna');
      // Unfiltered, reviewed or not, a page at a time.
      const every = await everyPage((cursor) => reads.callbacks({}, { limit: 1, ...(cursor && { cursor }) }));
      expect(every.map((page) => page.map((c) => c.paymentId))).toEqual([[two.paymentId], ['never-issued'], [one.paymentId]]);

      for (const reason of ['first', 'second', 'third']) {
        await store.keepRejectedCallback({ rawBody: `{"n":"${reason}"}`, headers: {}, receivedAt: new Date(), reason });
      }
      const rejected = await everyPage((cursor) => reads.rejectedCallbacks({ limit: 2, ...(cursor && { cursor }) }));
      expect(rejected.flat().map((r) => r.reason)).toEqual(['third', 'second', 'first']);
      for (const customerId of ['op-1', 'op-2']) await store.createAccountAsOperator({ customerId, currency: 'KZT', actor: 'anna' });
      const audit = await everyPage((cursor) => reads.auditLog({ limit: 2, ...(cursor && { cursor }) }));
      expect(audit.map((page) => page.map((e) => e.action))).toEqual([['accounts.create', 'accounts.create'], ['callbacks.review']]);
      expect(audit[0]!.map((e) => (e.request as { customerId: string }).customerId)).toEqual(['op-2', 'op-1']);
    });

    it('sums payments by status over 24 hours and 30 days, and credits per day', async () => {
      const reads = await store.operatorReads();
      const empty = await reads.summary(new Date(), 'KZT');
      expect(empty).toMatchObject({ openReviewItems: 0, lastCallbackReceivedAt: null, last24h: { byStatus: [], creditedAmount: 0 } });
      const credited = await deposit(700);
      await store.applyCallback(callback({ paymentId: credited.paymentId, amount: 700 }));
      const failed = await deposit(50);
      await store.applyCallback(callback({ paymentId: failed.paymentId, amount: 50, status: 'decline' }));
      await deposit(20);
      await deposit(30);
      // The newest callback received, whichever was stored last.
      const newest = new Date(Date.now() + 1000);
      await store.applyCallback({ ...callback({ paymentId: 'never-issued', amount: 5 }), receivedAt: newest });
      await store.applyCallback({
        ...callback({ paymentId: 'never-issued-either', amount: 5 }),
        receivedAt: new Date(Date.now() - 60_000),
      });
      const now = new Date();
      const summary = await reads.summary(now, 'KZT');
      expect(summary.last24h.byStatus).toEqual([
        { status: 'pending', count: 2, amount: 50 },
        { status: 'failed', count: 1, amount: 50 },
        { status: 'success', count: 1, amount: 700 },
      ]);
      expect(summary.last30d).toMatchObject({ byStatus: summary.last24h.byStatus, creditedAmount: 700 });
      expect(summary.last24h.creditedAmount).toBe(700);
      expect(summary.openReviewItems).toBe(2);
      expect(summary.lastCallbackReceivedAt).toBe(newest.toISOString());
      expect(summary.days).toHaveLength(30);
      expect(summary.days.at(-1)).toEqual({ date: now.toISOString().slice(0, 10), payments: 4, creditedAmount: 700 });
      expect(summary.days.slice(0, -1).every((d) => d.payments === 0 && d.creditedAmount === 0)).toBe(true);
      // A day later, nothing is within the last 24 hours; all of it still is within 30 days.
      const tomorrow = await reads.summary(new Date(now.getTime() + 86_400_000 + 1000), 'KZT');
      expect(tomorrow.last24h.byStatus).toEqual([]);
      expect(tomorrow.last30d.creditedAmount).toBe(700);
      expect(tomorrow.days.at(-2)).toEqual({ date: now.toISOString().slice(0, 10), payments: 4, creditedAmount: 700 });
    });

    it("counts each currency's payments and credits in its own summary, never adding one to another", async () => {
      await store.addAccount({ customerId: 'acc-yen', currency: 'JPY' });
      const tenge = await deposit(700);
      await store.applyCallback(callback({ paymentId: tenge.paymentId, amount: 700 }));
      const yen = await open(1500, 'acc-yen', {}, 'JPY');
      if ('refused' in yen) throw new Error(yen.refused.message);
      await store.applyCallback(callback({ paymentId: yen.opened.paymentId, amount: 1500, currency: 'JPY' }));
      await open(300, 'acc-yen', {}, 'JPY');
      const reads = await store.operatorReads();
      const now = new Date();
      const inTenge = await reads.summary(now, 'KZT');
      expect(inTenge).toMatchObject({ currency: 'KZT', currencies: ['JPY', 'KZT'] });
      expect(inTenge.last24h).toMatchObject({ byStatus: [{ status: 'success', count: 1, amount: 700 }], creditedAmount: 700 });
      expect(inTenge.days.at(-1)).toEqual({ date: now.toISOString().slice(0, 10), payments: 1, creditedAmount: 700 });
      const inYen = await reads.summary(now, 'JPY');
      expect(inYen.last30d).toMatchObject({
        byStatus: [
          { status: 'pending', count: 1, amount: 300 },
          { status: 'success', count: 1, amount: 1500 },
        ],
        creditedAmount: 1500,
      });
      expect(inYen.days.at(-1)).toEqual({ date: now.toISOString().slice(0, 10), payments: 2, creditedAmount: 1500 });
      // A currency of no payment has a summary of nothing, and is listed with the others.
      const inDollars = await reads.summary(now, 'USD');
      expect(inDollars).toMatchObject({ currencies: ['JPY', 'KZT', 'USD'], last30d: { byStatus: [], creditedAmount: 0 } });

      const check = await reads.ledgerCheck();
      expect(check.byCurrency).toEqual([
        { currency: 'JPY', accounts: 1, balancesTotal: 1500, creditedTotal: 1500, adjustedTotal: 0 },
        { currency: 'KZT', accounts: 1, balancesTotal: 700, creditedTotal: 700, adjustedTotal: 0 },
      ]);
      expect(check).toMatchObject({ accounts: 2, balancesTotal: 2200, broken: [] });
    });

    it('counts a payment and a credit in the last 30 days from the instant each was made, and in the chart by UTC day', async () => {
      const payment = await deposit(700);
      await store.applyCallback(callback({ paymentId: payment.paymentId, amount: 700 }));
      const reads = await store.operatorReads();
      const opened = Date.parse((await reads.payment(payment.paymentId))!.payment.createdAt);
      const credited = Date.parse((await reads.ledger('acc-1', { limit: 1 }))!.items[0]!.createdAt);
      const at = (ms: number) => reads.summary(new Date(ms), 'KZT');
      const DAY = 86_400_000;
      const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const paid = [{ status: 'success', count: 1, amount: 700 }];

      // A period holds its last instant (the summary's own), not its first.
      expect((await at(opened - 1)).last30d.byStatus).toEqual([]);
      expect((await at(opened)).last30d.byStatus).toEqual(paid);
      expect((await at(opened + 30 * DAY - 1)).last30d.byStatus).toEqual(paid);
      expect((await at(opened + 30 * DAY)).last30d.byStatus).toEqual([]);
      expect((await at(credited - 1)).last30d.creditedAmount).toBe(0);
      expect((await at(credited)).last30d.creditedAmount).toBe(700);
      expect((await at(credited + 30 * DAY - 1)).last30d.creditedAmount).toBe(700);
      expect((await at(credited + 30 * DAY)).last30d.creditedAmount).toBe(0);

      // The chart's 30 UTC days end with today's, up to now; the oldest is 29 days back.
      const chartOf = async (ms: number) => (await at(ms)).days;
      expect((await chartOf(opened - 1)).at(-1)).toMatchObject({ date: dateOf(opened - 1), payments: 0 });
      expect((await chartOf(opened)).at(-1)).toMatchObject({ date: dateOf(opened), payments: 1 });
      expect((await chartOf(opened + 29 * DAY))[0]).toMatchObject({ date: dateOf(opened), payments: 1 });
      expect((await chartOf(credited + 29 * DAY))[0]).toMatchObject({ date: dateOf(credited), creditedAmount: 700 });
      // Thirty days on, the payment's day has left the chart.
      const monthOn = await chartOf(opened + 30 * DAY);
      expect(monthOn[0]!.date).toBe(dateOf(opened + DAY));
      expect(monthOn.every((d) => d.payments === 0)).toBe(true);
    });
  });

  describe('reconciliation runs', () => {
    it('stores a run with the findings it keeps in one go, and reads runs newest first and findings in order, page by page', async () => {
      const reads = await store.operatorReads();
      const run = (source: string, discrepancies: number) => ({
        startedAt: '2026-12-01T06:00:00.000Z',
        finishedAt: '2026-12-01T06:00:02.000Z',
        source,
        periodFrom: '2026-11-30T00:00:00.000Z',
        periodTo: '2026-12-01T00:00:00.000Z',
        applied: true,
        summary: { compared: 4, matching: 0, missing_here: 2, unknown_payment: 2 },
        discrepancies,
      });
      const findings = [
        {
          kind: 'missing_here',
          paymentId: 'p-1',
          platform: { status: 'success', amount: 100 },
          ledger: { status: 'pending' },
          applied: 'credited',
        },
        {
          kind: 'missing_here',
          paymentId: 'p-2',
          platform: { status: 'success', amount: 200 },
          ledger: { status: 'pending' },
          applied: 'flagged',
        },
        { kind: 'unknown_payment', paymentId: 'p-3', platform: { status: 'success' }, ledger: null, applied: null },
      ];
      // Four found, the second unknown payment not kept.
      const first = await store.recordReconciliation(run('file:a.csv', 4), findings);
      const second = await store.recordReconciliation(run('file:b.csv', 0), []);
      expect(first).toMatchObject({
        source: 'file:a.csv',
        applied: true,
        discrepancies: 4,
        discrepanciesKept: 3,
        summary: { missing_here: 2 },
      });
      // Keeping more than were found is a caller's mistake: refused, nothing of it stored.
      await expect(store.recordReconciliation(run('file:c.csv', 2), findings)).rejects.toThrow('cannot keep 3 findings of 2 found');
      expect((await reads.reconciliations({ limit: 10 })).items.map((r) => r.source)).toEqual(['file:b.csv', 'file:a.csv']);
      const detail = await reads.reconciliation(first.id, { limit: 2 });
      expect(detail?.run).toEqual(first);
      expect(detail?.findings.items.map((f) => [f.paymentId, f.applied])).toEqual([
        ['p-1', 'credited'],
        ['p-2', 'flagged'],
      ]);
      const rest = await reads.reconciliation(first.id, { limit: 2, cursor: detail!.findings.nextCursor! });
      expect(rest?.findings).toMatchObject({
        items: [{ paymentId: 'p-3', ledger: null, platform: { status: 'success' } }],
        nextCursor: null,
      });
      expect((await reads.reconciliation(second.id, { limit: 2 }))?.findings.items).toEqual([]);
      expect(await reads.reconciliation(999_999, { limit: 2 })).toBeUndefined();
    });

    it('tells which periods runs of a source compared from a time on, each once, earliest first', async () => {
      const reads = await store.operatorReads();
      const run = (source: string, periodFrom: string | null, periodTo: string | null) =>
        store.recordReconciliation(
          {
            startedAt: '2026-12-08T06:00:00.000Z',
            finishedAt: '2026-12-08T06:00:01.000Z',
            source,
            periodFrom,
            periodTo,
            applied: false,
            summary: { compared: 0 },
            discrepancies: 0,
          },
          [],
        );
      await run('data-api', '2026-12-05T00:00:00.000Z', '2026-12-06T00:00:00.000Z');
      await run('data-api', '2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z'); // before the time
      await run('data-api', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z');
      await run('data-api', '2026-12-05T00:00:00.000Z', '2026-12-06T00:00:00.000Z'); // compared again
      await run('data-api', '2026-12-01T00:00:00.000Z', '2026-12-01T06:00:00.000Z');
      await run('file:report.csv', '2026-12-03T00:00:00.000Z', '2026-12-04T00:00:00.000Z');
      await run('file:report.csv', null, null); // a report of no stated period
      expect(await reads.reconciledPeriods('data-api', '2026-12-01T00:00:00.000Z')).toEqual([
        { from: '2026-12-01T00:00:00.000Z', to: '2026-12-01T06:00:00.000Z' },
        { from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z' },
        { from: '2026-12-05T00:00:00.000Z', to: '2026-12-06T00:00:00.000Z' },
      ]);
      expect(await reads.reconciledPeriods('file:report.csv', '2026-11-01T00:00:00.000Z')).toEqual([
        { from: '2026-12-03T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z' },
      ]);
      expect(await reads.reconciledPeriods('data-api', '2026-12-06T00:00:00.000Z')).toEqual([]);
    });
  });

  describe('jobs', () => {
    it("keeps each job's last run, and when a run of it was last done, one row a job", async () => {
      const reads = await store.operatorReads();
      const run = (job: string, at: string, outcome: 'done' | 'failed', error: string | null = null) =>
        store.recordJobRun({ job, startedAt: `2026-12-08T${at}:00.000Z`, finishedAt: `2026-12-08T${at}:01.000Z`, outcome, error });
      expect(await reads.jobRuns()).toEqual([]);
      await run('kassa24-bvu:reconcile', '01:00', 'failed', 'the Data API answered 403 at offset 0');
      await run('kassa24-bvu:payments-sync', '01:00', 'done');
      expect(await reads.jobRuns()).toEqual([
        {
          job: 'kassa24-bvu:payments-sync',
          startedAt: '2026-12-08T01:00:00.000Z',
          finishedAt: '2026-12-08T01:00:01.000Z',
          outcome: 'done',
          error: null,
          lastDoneAt: '2026-12-08T01:00:01.000Z',
        },
        {
          job: 'kassa24-bvu:reconcile',
          startedAt: '2026-12-08T01:00:00.000Z',
          finishedAt: '2026-12-08T01:00:01.000Z',
          outcome: 'failed',
          error: 'the Data API answered 403 at offset 0',
          lastDoneAt: null,
        },
      ]);
      await run('kassa24-bvu:reconcile', '02:00', 'done');
      await run('kassa24-bvu:reconcile', '03:00', 'failed', 'x'.repeat(5000));
      expect((await reads.jobRuns())[1]).toEqual({
        job: 'kassa24-bvu:reconcile',
        startedAt: '2026-12-08T03:00:00.000Z',
        finishedAt: '2026-12-08T03:00:01.000Z',
        outcome: 'failed',
        // What failed it, its first thousand characters; the failure keeps the last done run's end.
        error: 'x'.repeat(1000),
        lastDoneAt: '2026-12-08T02:00:01.000Z',
      });
    });

    it('runs a job in one place at a time, other jobs freely, and again once it is done', async () => {
      // PostgreSQL: a second instance on the same database; SQLite: one instance by design.
      const other = backend === 'postgres' ? await openStore(database.url) : store;
      try {
        let release!: (value: string) => void;
        let started!: () => void;
        const running = new Promise<void>((resolve) => (started = resolve));
        const held = store.runExclusively('payments-sync', () => {
          started();
          return new Promise<string>((resolve) => (release = resolve));
        });
        await running;
        expect(await other.runExclusively('payments-sync', () => Promise.resolve('second'))).toBeUndefined();
        expect(await other.runExclusively('another-job', () => Promise.resolve('other'))).toBe('other');
        release('first');
        expect(await held).toBe('first');
        expect(await other.runExclusively('payments-sync', () => Promise.resolve('after'))).toBe('after');
      } finally {
        if (other !== store) await other.close();
      }
    });
  });
});
