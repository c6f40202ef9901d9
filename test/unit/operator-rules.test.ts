import { describe, expect, it } from 'vitest';
import type { Account } from '../../src/ledger/model.js';
import {
  ACCOUNT_STATUS_ACTIONS,
  judgeAccountCreate,
  judgeAccountStatusChange,
  judgeAdjustment,
  judgeReview,
  paymentSettledBy,
  type Adjustment,
  type AdjustmentSubjects,
} from '../../src/ledger/operator-rules.js';
import { aPayment } from '../support/payments.js';
import { decodeCursor, encodeCursor, InvalidCursorError, pageOf } from '../../src/store/cursor.js';

const account = (status: Account['status'] = 'active'): Account => ({
  customerId: 'acc-1',
  currency: 'KZT',
  balance: 0,
  status,
  additionalCustomerId: null,
  createdAt: '2026-12-01T00:00:00.000Z',
});

describe('account rules', () => {
  it('opens an account with a new id and an ISO currency only', () => {
    expect(judgeAccountCreate({ customerId: 'acc-2', currency: 'KZT', actor: 'a' }, undefined)).toBeUndefined();
    expect(judgeAccountCreate({ customerId: 'acc-1', currency: 'KZT', actor: 'a' }, account('closed'))).toEqual({
      reason: 'exists',
      message: 'account acc-1 already exists (closed)',
    });
    for (const code of ['kzt', 'KZTX', 'XKZT', 'KZ']) {
      expect(judgeAccountCreate({ customerId: 'acc-2', currency: code, actor: 'a' }, undefined), code).toEqual({
        reason: 'invalid',
        field: 'currency',
        message: `currency must be an ISO 4217 code such as KZT, got "${code}"`,
      });
    }
    // Three capitals that name no currency: a typo of KZT would make an account no deposit can reach.
    expect(judgeAccountCreate({ customerId: 'acc-2', currency: 'KTZ', actor: 'a' }, undefined)).toEqual({
      reason: 'invalid',
      field: 'currency',
      message: 'currency KTZ is not an ISO 4217 currency (this payment method pays in KZT)',
    });
    expect(judgeAccountCreate({ customerId: 'acc-2', currency: 'USD', actor: 'a' }, undefined)).toBeUndefined();
    expect(judgeAccountCreate({ customerId: ' ', currency: 'KZT', actor: 'a' }, undefined)).toEqual({
      reason: 'invalid',
      field: 'customer_id',
      message: 'customer id must not be empty',
    });
  });

  it('closes an active account only', () => {
    const request = { customerId: 'acc-1', actor: 'a' };
    expect(judgeAccountStatusChange(request, 'closed', account())).toEqual({ account: account() });
    expect(judgeAccountStatusChange(request, 'closed', account('closed'))).toEqual({
      refused: { reason: 'already_closed', message: 'account acc-1 is already closed' },
    });
    expect(judgeAccountStatusChange(request, 'closed', undefined)).toEqual({
      refused: { reason: 'not_found', message: 'account acc-1 does not exist' },
    });
  });

  it('reopens a closed account only', () => {
    const request = { customerId: 'acc-1', actor: 'a' };
    expect(judgeAccountStatusChange(request, 'active', account('closed'))).toEqual({ account: account('closed') });
    expect(judgeAccountStatusChange(request, 'active', account())).toEqual({
      refused: { reason: 'already_active', message: 'account acc-1 is open: only a closed account is reopened' },
    });
    expect(judgeAccountStatusChange(request, 'active', undefined)).toEqual({
      refused: { reason: 'not_found', message: 'account acc-1 does not exist' },
    });
    expect(ACCOUNT_STATUS_ACTIONS).toEqual({ closed: 'accounts.close', active: 'accounts.reopen' });
  });
});

describe('adjustment rules', () => {
  const request = { customerId: 'acc-1', amount: -6000, reason: 'paid twice', idempotencyKey: 'k-1', actor: 'anna' };
  const funded = { ...account(), balance: 5000 };
  const subjects = (over: Partial<AdjustmentSubjects> = {}): AdjustmentSubjects => ({
    account: funded,
    earlier: undefined,
    callback: undefined,
    payment: undefined,
    ...over,
  });

  it('refuses to make a balance negative, saying both amounts in KZT and in minor units', () => {
    expect(judgeAdjustment(request, subjects())).toEqual({
      refused: {
        reason: 'negative_balance',
        message:
          'adjustment of -60.00 KZT (-6000 minor units) would make the balance of acc-1 negative: it is 50.00 KZT (5000 minor units)',
      },
    });
    expect(judgeAdjustment({ ...request, amount: -5000 }, subjects())).toEqual({ account: funded });
  });

  it('refuses a key used for another adjustment, naming that one and its amount', () => {
    const earlier: Adjustment = {
      ...request,
      id: 7,
      amount: 500,
      currency: 'KZT',
      callbackId: null,
      paymentId: null,
      createdAt: '2026-12-01T00:00:00.000Z',
    };
    expect(judgeAdjustment(request, subjects({ earlier }))).toEqual({
      refused: {
        reason: 'idempotency_conflict',
        message: 'idempotency key k-1 was used for another adjustment (#7: 5.00 KZT (500 minor units) to acc-1); use a new key',
      },
    });
  });
  it('answers a retry under its key, and refuses the key for a request that differs in any field', () => {
    const first = { ...request, amount: 500 };
    const earlier: Adjustment = {
      ...first,
      id: 7,
      currency: 'KZT',
      callbackId: null,
      paymentId: null,
      createdAt: '2026-12-01T00:00:00.000Z',
    };
    expect(judgeAdjustment(first, subjects({ earlier }))).toEqual({ account: funded });
    for (const differs of [
      { customerId: 'acc-2' },
      { amount: 501 },
      { reason: 'paid three times' },
      { callbackId: 3 },
      { paymentId: 'p-1' },
    ]) {
      expect(judgeAdjustment({ ...first, ...differs }, subjects({ earlier })), JSON.stringify(differs)).toMatchObject({
        refused: { reason: 'idempotency_conflict' },
      });
    }
  });

  it('refuses a zero or fractional amount, a blank reason or key, and an account that does not exist', () => {
    const invalid = (field: string, message: string) => ({ refused: { reason: 'invalid', field, message } });
    const amount = invalid('amount', 'amount must be a non-zero whole number of minor units');
    for (const wrong of [0, 1.5, 2 ** 53, Number.NaN])
      expect(judgeAdjustment({ ...request, amount: wrong }, subjects()), String(wrong)).toEqual(amount);
    expect(judgeAdjustment({ ...request, reason: ' ' }, subjects())).toEqual(
      invalid('reason', 'reason must say why the balance is corrected'),
    );
    expect(judgeAdjustment({ ...request, idempotencyKey: ' ' }, subjects())).toEqual(
      invalid('idempotency_key', 'idempotency key must not be empty'),
    );
    expect(judgeAdjustment(request, subjects({ account: undefined }))).toEqual({
      refused: { reason: 'not_found', message: 'account acc-1 does not exist' },
    });
  });

  it("refuses an adjustment naming a callback of another account's payment, and one naming no stored callback", () => {
    const naming = { ...request, amount: 15000, callbackId: 3 };
    const paymentOfAcc2 = aPayment({ customerId: 'acc-2' });
    const callback = { id: 3, paymentId: 'p-1' };
    expect(judgeAdjustment(naming, subjects({ callback, payment: paymentOfAcc2 }))).toEqual({
      refused: {
        reason: 'invalid',
        field: 'callback_id',
        message: 'callback 3 is for payment p-1 of account acc-2, not of acc-1: adjust acc-2, or name no callback',
      },
    });
    expect(judgeAdjustment(naming, subjects({ callback, payment: aPayment() }))).toEqual({ account: funded });
    // A callback for a payment this service never opened belongs to no account: any may be adjusted.
    expect(judgeAdjustment(naming, subjects({ callback }))).toEqual({ account: funded });
    expect(judgeAdjustment(naming, subjects())).toEqual({
      refused: { reason: 'not_found', message: 'callback 3 does not exist' },
    });
  });
});

describe('an adjustment naming the payment it pays by hand', () => {
  const paying = { customerId: 'acc-1', amount: 10000, reason: 'receipt shown', idempotencyKey: 'k-3', paymentId: 'p-1', actor: 'anna' };
  const funded = { ...account(), balance: 5000 };
  const subjects = (over: Partial<AdjustmentSubjects> = {}): AdjustmentSubjects => ({
    account: funded,
    earlier: undefined,
    callback: undefined,
    payment: aPayment(),
    ...over,
  });

  it('pays a payment of its account that neither a credit nor an earlier adjustment has paid', () => {
    for (const status of ['pending', 'failed', 'expired'] as const) {
      expect(judgeAdjustment(paying, subjects({ payment: aPayment({ status }) }))).toEqual({ account: funded });
      expect(paymentSettledBy(paying, aPayment({ status }))).toBe('p-1');
    }
  });

  it('is refused for a payment credited or paid by hand meanwhile, saying it would pay twice', () => {
    expect(judgeAdjustment(paying, subjects({ payment: aPayment({ status: 'success' }) }))).toEqual({
      refused: {
        reason: 'already_paid',
        message:
          'payment p-1 is credited (100.00 KZT (10000 minor units), status success): paying it by hand would pay it twice; to correct the balance on top of the credit, name no payment',
      },
    });
    expect(judgeAdjustment(paying, subjects({ payment: aPayment({ settledByAdjustment: 4 }) }))).toEqual({
      refused: {
        reason: 'already_paid',
        message: 'payment p-1 was paid by hand already (adjustment #4): paying it again would pay it twice',
      },
    });
  });

  it('answers its own retry with the first adjustment, the payment it paid notwithstanding', () => {
    const earlier: Adjustment = { ...paying, id: 4, currency: 'KZT', callbackId: null, createdAt: '2026-12-01T00:00:00.000Z' };
    const paid = aPayment({ settledByAdjustment: 4 });
    expect(judgeAdjustment(paying, subjects({ earlier, payment: paid }))).toEqual({ account: funded });
    expect(judgeAdjustment({ ...paying, paymentId: 'p-2' }, subjects({ earlier, payment: aPayment({ paymentId: 'p-2' }) }))).toMatchObject({
      refused: { reason: 'idempotency_conflict' },
    });
  });

  it("is refused for a payment of another account, a payment never opened, a negative amount, or another payment's callback", () => {
    expect(judgeAdjustment(paying, subjects({ payment: aPayment({ customerId: 'acc-2' }) }))).toEqual({
      refused: {
        reason: 'invalid',
        field: 'payment_id',
        message: 'payment p-1 is of account acc-2, not of acc-1: adjust acc-2, or name no payment',
      },
    });
    expect(judgeAdjustment(paying, subjects({ payment: undefined }))).toEqual({
      refused: { reason: 'not_found', message: 'payment p-1 does not exist' },
    });
    expect(judgeAdjustment({ ...paying, amount: -500 }, subjects())).toEqual({
      refused: {
        reason: 'invalid',
        field: 'payment_id',
        message: 'a payment is paid by hand with a positive amount: to take 5.00 KZT (500 minor units) off, name no payment',
      },
    });
    expect(judgeAdjustment({ ...paying, callbackId: 3 }, subjects({ callback: { id: 3, paymentId: 'p-9' } }))).toEqual({
      refused: {
        reason: 'invalid',
        field: 'callback_id',
        message: "callback 3 is for payment p-9, not for p-1: name the payment's own callback, or none",
      },
    });
    expect(judgeAdjustment({ ...paying, callbackId: 3 }, subjects({ callback: { id: 3, paymentId: 'p-1' } }))).toEqual({ account: funded });
  });
});

describe('an adjustment that settles a payment by hand', () => {
  const payment = aPayment;
  const paying = {
    customerId: 'acc-1',
    amount: 15000,
    reason: 'paid 150 at the terminal',
    idempotencyKey: 'k-2',
    callbackId: 3,
    actor: 'anna',
  };

  it('is a positive adjustment naming a callback of a payment the ledger has not credited', () => {
    for (const status of ['pending', 'failed', 'expired'] as const) expect(paymentSettledBy(paying, payment({ status }))).toBe('p-1');
  });

  it('is not one that names no callback, takes money back, or names a callback of no payment', () => {
    const { callbackId: _callbackId, ...unlinked } = paying;
    expect(paymentSettledBy(unlinked, payment())).toBeUndefined();
    expect(paymentSettledBy({ ...paying, amount: -500 }, payment())).toBeUndefined();
    expect(paymentSettledBy(paying, undefined)).toBeUndefined();
  });

  it('may name the callback of a payment credited meanwhile: a correction on top of the credit, settling nothing', () => {
    const credited = payment({ status: 'success', lastCallbackStatus: 'success' });
    const subjects: AdjustmentSubjects = {
      account: account(),
      earlier: undefined,
      callback: { id: 3, paymentId: 'p-1' },
      payment: credited,
    };
    expect(judgeAdjustment(paying, subjects)).toEqual({ account: account() });
    expect(paymentSettledBy(paying, credited)).toBeUndefined();
  });

  it('leaves a payment credited by the ledger, or settled by an earlier adjustment, as it is', () => {
    expect(paymentSettledBy(paying, payment({ status: 'success' }))).toBeUndefined();
    expect(paymentSettledBy(paying, payment({ settledByAdjustment: 2 }))).toBeUndefined();
  });
});

describe('review rules', () => {
  const flagged = { id: 5, reviewReason: 'unknown payment: p-9 was never issued by this service', reviewedAt: null, reviewedBy: null };
  const request = { callbackId: 5, note: 'asked the platform: a test payment', actor: 'anna' };

  it('closes the review of a flagged callback not yet reviewed', () => {
    expect(judgeReview(request, flagged)).toEqual({ callback: flagged });
  });

  it('refuses a blank note, a callback not stored, not flagged, or reviewed already, saying by whom', () => {
    expect(judgeReview({ ...request, note: '  ' }, flagged)).toEqual({
      refused: { reason: 'invalid', field: 'note', message: 'note must say what was found' },
    });
    expect(judgeReview(request, undefined)).toEqual({ refused: { reason: 'not_found', message: 'callback 5 does not exist' } });
    expect(judgeReview(request, { ...flagged, reviewReason: null })).toEqual({
      refused: { reason: 'not_flagged', message: 'callback 5 is not flagged for review' },
    });
    expect(judgeReview(request, { ...flagged, reviewedAt: '2026-12-02T09:00:00.000Z', reviewedBy: 'boris' })).toEqual({
      refused: { reason: 'already_reviewed', message: 'callback 5 was reviewed by boris at 2026-12-02T09:00:00.000Z' },
    });
  });
});

describe('cursors', () => {
  it('round-trips a key and refuses anything it did not make', () => {
    expect(decodeCursor(encodeCursor(['2026-12-01T00:00:00.000Z', 'acc-1']), ['string', 'string'])).toEqual([
      '2026-12-01T00:00:00.000Z',
      'acc-1',
    ]);
    for (const bad of ['!!!', encodeCursor([1]), encodeCursor(['a', 2]), Buffer.from('{"a":1}').toString('base64url')]) {
      expect(() => decodeCursor(bad, ['string', 'string'])).toThrow(InvalidCursorError);
    }
  });

  it('keeps a page to its limit and points after its last item only when there is more', () => {
    expect(pageOf([1, 2, 3], 2, (n) => [n], String)).toEqual({ items: ['1', '2'], nextCursor: encodeCursor([2]) });
    expect(pageOf([1, 2], 2, (n) => [n], String)).toEqual({ items: ['1', '2'], nextCursor: null });
  });
});
