// The ledger's rules, checked from the tables: they hold through every way money moves (credits,
// duplicates, failures, flags, adjustments, a payment settled by hand, expiry), and each rule a
// damaged ledger breaks is named with the rows that break it. Both stores run the same SQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallbackFacts } from '../../src/ledger/model.js';
import { checkLedger, LEDGER_RULE_KINDS, type CheckOptions, type LedgerCheck } from '../../src/store/ledger-check.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { backends, createTestDatabase, writePastTheStore, type TestDatabase } from '../support/databases.js';

describe.each(backends())('ledger check on %s', (backend) => {
  let database: TestDatabase;
  let store: Store;
  const check = async (options?: CheckOptions): Promise<LedgerCheck> => (await store.operatorReads()).ledgerCheck(options);
  const deposit = async (paymentId: string, amount: number, customerId = 'acc-1') => {
    const opening = await store.openPayment({ paymentId, projectId: 1234, customerId, amount, currency: 'KZT' });
    if ('refused' in opening) throw new Error(opening.refused.message);
  };
  const callback = (paymentId: string, amount: number, status = 'success', variant = '') => {
    const facts: CallbackFacts = { projectId: 1234, paymentId, status, amount, currency: 'KZT' };
    return store.applyCallback({ facts, rawBody: JSON.stringify({ ...facts, variant }), headers: {}, receivedAt: new Date() });
  };

  beforeEach(async () => {
    database = await createTestDatabase(backend);
    store = await openStore(database.url);
    await store.migrate();
    await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
    await store.addAccount({ customerId: 'acc-2', currency: 'KZT' });
    // Every way money moves, or is kept from moving.
    await deposit('paid', 10000);
    expect((await callback('paid', 10000)).result).toBe('credited');
    expect((await callback('paid', 10000)).result).toBe('duplicate');
    expect((await callback('paid', 10000, 'success', 'again')).result).toBe('recorded');
    await deposit('declined-then-paid', 2500, 'acc-2');
    expect((await callback('declined-then-paid', 2500, 'decline')).result).toBe('failed');
    expect((await callback('declined-then-paid', 2500)).result).toBe('credited');
    await deposit('paid-then-declined', 700, 'acc-2');
    expect((await callback('paid-then-declined', 700)).result).toBe('credited');
    expect((await callback('paid-then-declined', 700, 'decline')).result).toBe('flagged');
    await deposit('mismatch', 4000);
    const mismatch = await callback('mismatch', 5000);
    expect(mismatch.result).toBe('flagged');
    expect((await callback('never-issued', 100)).result).toBe('flagged');
    const [flagged] = await store.listCallbacks({ paymentId: 'mismatch' });
    const settling = await store.addAdjustment({
      customerId: 'acc-1',
      amount: 5000,
      reason: 'paid 50.00',
      idempotencyKey: 'settle',
      callbackId: flagged!.id,
      actor: 'anna',
    });
    expect('adjustment' in settling).toBe(true);
    await store.addAdjustment({ customerId: 'acc-2', amount: -200, reason: 'fee', idempotencyKey: 'fee', actor: 'anna' });
    await deposit('pending', 900);
    await deposit('expired', 800);
    await store.expirePendingPayments(new Date(Date.now() + 1000));
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  // A slice of one key puts every account and payment in a slice of its own, and a last slice
  // beyond them: each bound is read, the totals and examples gathered across slices.
  const slicings = [
    { slicing: 'in one slice', options: {} },
    { slicing: 'in slices of one key', options: { sliceKeys: 1 } },
  ];

  it.each(slicings)('holds through every way money moves, and adds the totals up, read $slicing', async ({ options }) => {
    expect(await check(options)).toEqual({
      accounts: 2,
      payments: 6,
      credits: 3,
      adjustments: 2,
      balancesTotal: 10000 + 2500 + 700 + 5000 - 200,
      creditedTotal: 10000 + 2500 + 700,
      adjustedTotal: 5000 - 200,
      byCurrency: [
        {
          currency: 'KZT',
          accounts: 2,
          balancesTotal: 10000 + 2500 + 700 + 5000 - 200,
          creditedTotal: 10000 + 2500 + 700,
          adjustedTotal: 5000 - 200,
        },
      ],
      broken: [],
    });
  });

  it.each(slicings)('names each rule a damaged ledger breaks, with the rows that break it, read $slicing', async ({ options }) => {
    await writePastTheStore(database, [
      "update accounts set balance = balance + 1 where customer_id = 'acc-2'",
      "update ledger_entries set amount = 9999 where payment_id = 'paid'",
      "update accounts set balance = balance - 1 where customer_id = 'acc-1'",
      "update payments set status = 'success' where payment_id = 'pending'",
      "update payments set settled_by_adjustment = (select min(id) from adjustments) where payment_id = 'declined-then-paid'",
      // What an adjustment naming another account's callback did before that was refused.
      "update payments set customer_id = 'acc-2' where payment_id = 'mismatch'",
    ]);
    const { broken } = await check(options);
    expect(broken.map(({ kind, count, examples }) => ({ kind, count, examples }))).toEqual([
      {
        kind: 'balance_off',
        count: 1,
        examples: [{ subject: 'acc-2', detail: 'balance 3001, credits and adjustments 3000' }],
      },
      {
        kind: 'credit_off_payment',
        count: 1,
        examples: [{ subject: 'paid', detail: 'credit of 9999 KZT to acc-1; payment: 10000 KZT to acc-1, success' }],
      },
      {
        kind: 'success_uncredited',
        count: 1,
        examples: [{ subject: 'pending', detail: 'success, 900 KZT to acc-1, no credit' }],
      },
      {
        kind: 'credited_and_settled',
        count: 1,
        examples: [
          { subject: 'declined-then-paid', detail: expect.stringMatching(/^credited, and settled by hand by adjustment #\d+$/) as unknown },
        ],
      },
      {
        // The payment damaged above is acc-2's, and the adjustment acc-1's: settled elsewhere too.
        kind: 'settled_elsewhere',
        count: 2,
        examples: ['declined-then-paid', 'mismatch'].map((subject) => ({
          subject,
          detail: expect.stringMatching(/^payment of acc-2, settled by adjustment #\d+ of acc-1$/) as unknown,
        })),
      },
    ]);
    expect(broken.every((b) => b.says.length > 0)).toBe(true);
  });

  it('gives the first examples in order of their subject, whichever slices they were found in', async () => {
    await writePastTheStore(database, [
      "update payments set settled_by_adjustment = (select min(id) from adjustments) where payment_id in ('declined-then-paid', 'paid-then-declined')",
      'update accounts set balance = balance + 1',
    ]);
    const { broken } = await check({ sliceKeys: 1, examples: 1 });
    expect(broken.map(({ kind, count, examples }) => ({ kind, count, subjects: examples.map((e) => e.subject) }))).toEqual([
      { kind: 'balance_off', count: 2, subjects: ['acc-1'] },
      { kind: 'credited_and_settled', count: 2, subjects: ['declined-then-paid'] },
      { kind: 'settled_elsewhere', count: 2, subjects: ['declined-then-paid'] },
    ]);
  });

  it('refuses a slice of no keys', async () => {
    await expect(check({ sliceKeys: 0 })).rejects.toThrow('sliceKeys must be a whole number above 0, not 0');
  });

  it('does not start when told to stop, and leaves nothing changed', async () => {
    const before = await check();
    const reads = await store.operatorReads();
    await expect(reads.ledgerCheck({ stop: AbortSignal.abort(new Error('the service is stopping')) })).rejects.toThrow(
      'the service is stopping',
    );
    expect(await check()).toEqual(before);
  });
});

describe('a ledger check told to stop', () => {
  /** A database of an empty ledger, whose third query is asked while a stop comes. */
  const stoppedAtTheThirdQuery = () => {
    const stop = new AbortController();
    const asked: string[] = [];
    const run = (query: string) => {
      asked.push(query);
      if (asked.length === 3) stop.abort(new Error('the service is stopping'));
      if (query.includes('as keys')) return Promise.resolve([{ keys: 0, up_to: null }]);
      return Promise.resolve(query.includes('as n from') ? [{ n: 0 }] : []);
    };
    return { stop: stop.signal, asked, run };
  };

  it('ends after the query in hand, rejecting with the reason it was given', async () => {
    const { stop, asked, run } = stoppedAtTheThirdQuery();
    await expect(checkLedger(run, { stop })).rejects.toThrow('the service is stopping');
    expect(asked).toHaveLength(3);
  });

  it('runs every query when no stop comes', async () => {
    const { asked, run } = stoppedAtTheThirdQuery();
    const check = await checkLedger(run);
    expect(check.broken).toEqual([]);
    // For the accounts and then the payments: the one slice cut, and a count of each rule over it
    // (none broken: no examples read), and the accounts' totals by currency.
    const accountRules = 1;
    expect(asked).toHaveLength(1 + 1 + accountRules + 1 + (LEDGER_RULE_KINDS.length - accountRules));
  });
});
