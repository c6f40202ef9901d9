import { describe, expect, it } from 'vitest';
import { decideCallback, FINAL_STATUS_EFFECTS, statusEffect } from '../../src/ledger/callback-rules.js';
import type { CallbackFacts, PaymentStatus } from '../../src/ledger/model.js';
import { aPayment } from '../support/payments.js';

const payment = (status: PaymentStatus = 'pending', lastCallbackStatus: string | null = null, settledByAdjustment: number | null = null) =>
  aPayment({ status, lastCallbackStatus, settledByAdjustment });
const facts = (status: string, overrides: Partial<CallbackFacts> = {}): CallbackFacts => ({
  projectId: 1234,
  paymentId: 'p-1',
  status,
  amount: 10000,
  currency: 'KZT',
  ...overrides,
});

describe('the status table', () => {
  it('credits on success, fails on every final failure either SDK names, and calls the rest intermediate', () => {
    expect(Object.fromEntries(FINAL_STATUS_EFFECTS)).toEqual({
      success: 'credit',
      decline: 'fail',
      error: 'fail',
      cancelled: 'fail',
      canceled: 'fail',
      expired: 'fail',
      'internal error': 'fail',
      'external error': 'fail',
    });
    for (const status of [
      'processing',
      'awaiting customer',
      'external processing',
      'awaiting 3ds result',
      'Success',
      'CANCELED',
      'refunded',
    ]) {
      expect(statusEffect(status), status).toBe('intermediate');
    }
  });
});

describe('decideCallback', () => {
  it('success on a pending payment credits it and marks it successful', () => {
    expect(decideCallback(payment(), facts('success'))).toEqual({
      setStatus: 'success',
      recordStatus: true,
      credit: true,
      result: 'credited',
    });
  });

  it('success on a successful payment records it; the store still refuses a second credit', () => {
    expect(decideCallback(payment('success'), facts('success'))).toEqual({ recordStatus: true, credit: true, result: 'recorded' });
  });

  it('success after a failure credits (the money was paid) and flags it for review', () => {
    const decision = decideCallback(payment('failed', 'decline'), facts('success'));
    expect(decision).toMatchObject({ setStatus: 'success', credit: true, result: 'credited' });
    expect(decision.reviewReason).toContain('decline');
  });

  it('success after expiry credits (the money was paid) and flags it', () => {
    const decision = decideCallback(payment('expired'), facts('success'));
    expect(decision).toMatchObject({ setStatus: 'success', credit: true, result: 'credited' });
    expect(decision.reviewReason).toMatch(/expired/);
  });

  it.each(['decline', 'error', 'cancelled', 'canceled', 'expired', 'internal error', 'external error'])(
    '%s marks a pending payment failed, credits nothing',
    (status) => {
      expect(decideCallback(payment(), facts(status))).toEqual({
        setStatus: 'failed',
        recordStatus: true,
        credit: false,
        result: 'failed',
      });
    },
  );

  it('a failure after success is flagged and changes nothing', () => {
    expect(decideCallback(payment('success'), facts('decline'))).toEqual({
      recordStatus: false,
      credit: false,
      result: 'flagged',
      reviewReason: 'decline after the payment was credited: the credit stands, check with the platform',
    });
  });

  it('a failure on a failed payment records its status and changes nothing else', () => {
    expect(decideCallback(payment('failed', 'decline'), facts('error'))).toEqual({ recordStatus: true, credit: false, result: 'recorded' });
  });

  it('a failure on an expired payment marks it failed: the platform has named the end the service presumed', () => {
    expect(decideCallback(payment('expired'), facts('decline'))).toEqual({
      setStatus: 'failed',
      recordStatus: true,
      credit: false,
      result: 'failed',
    });
  });

  it.each(['processing', 'awaiting customer', 'external processing', 'something new'])(
    'intermediate %j is recorded, payment stays pending',
    (status) => {
      expect(decideCallback(payment(), facts(status))).toEqual({ recordStatus: true, credit: false, result: 'recorded' });
    },
  );

  it.each(['success', 'failed', 'expired'] as const)('an intermediate status never moves a %s payment back', (status) => {
    expect(decideCallback(payment(status), facts('processing'))).toEqual({ recordStatus: false, credit: false, result: 'recorded' });
  });

  it('flags an unknown payment, a project, amount or currency mismatch, and credits nothing', () => {
    expect(decideCallback(undefined, facts('success'))).toMatchObject({
      result: 'flagged',
      credit: false,
      reviewReason: expect.stringContaining('unknown payment') as unknown,
    });
    expect(decideCallback(payment(), facts('success', { amount: 5000 }))).toMatchObject({
      result: 'flagged',
      credit: false,
      reviewReason: 'amount mismatch: callback 50.00 KZT (5000 minor units), deposit 100.00 KZT (10000 minor units)',
    });
    expect(decideCallback(payment(), facts('success', { currency: 'USD' }))).toEqual({
      recordStatus: false,
      credit: false,
      result: 'flagged',
      reviewReason: 'amount mismatch: callback 100.00 USD (10000 minor units), deposit 100.00 KZT (10000 minor units)',
    });
    expect(decideCallback(payment(), facts('success', { projectId: 99 }))).toEqual({
      recordStatus: false,
      credit: false,
      result: 'flagged',
      reviewReason: 'project mismatch: callback for project 99, deposit in project 1234',
    });
  });

  it('judges a mismatch before the status: a mismatched failure is flagged too, and changes nothing', () => {
    for (const status of ['pending', 'success', 'failed', 'expired'] as const) {
      expect(decideCallback(payment(status), facts('decline', { amount: 1 })), status).toMatchObject({
        recordStatus: false,
        credit: false,
        result: 'flagged',
      });
    }
  });

  describe('a payment an operator settled by hand (adjustment #7)', () => {
    it('a success records the status, credits nothing and is flagged once', () => {
      expect(decideCallback(payment('pending', null, 7), facts('success'))).toEqual({
        setStatus: 'success',
        recordStatus: true,
        credit: false,
        result: 'flagged',
        reviewReason: 'success after the payment was settled by hand (adjustment #7): nothing credited, the adjustment stands',
      });
      expect(decideCallback(payment('success', 'success', 7), facts('success'))).toEqual({
        recordStatus: true,
        credit: false,
        result: 'recorded',
      });
    });

    it.each(['failed', 'expired'] as const)('a success after the payment was %s credits nothing either', (status) => {
      expect(decideCallback(payment(status, 'decline', 7), facts('success'))).toMatchObject({
        setStatus: 'success',
        credit: false,
        result: 'flagged',
      });
    });

    it('a failure marks it failed and is flagged: the adjustment paid money the platform says it did not take', () => {
      expect(decideCallback(payment('pending', null, 7), facts('decline'))).toEqual({
        setStatus: 'failed',
        recordStatus: true,
        credit: false,
        result: 'flagged',
        reviewReason:
          'decline after the payment was settled by hand (adjustment #7): the adjustment stands: check with the platform whether it was paid',
      });
      expect(decideCallback(payment('success', 'success', 7), facts('decline'))).toMatchObject({ setStatus: 'failed', result: 'flagged' });
    });

    it('an intermediate status is recorded as for any pending payment', () => {
      expect(decideCallback(payment('pending', null, 7), facts('processing'))).toEqual({
        recordStatus: true,
        credit: false,
        result: 'recorded',
      });
    });

    it('mismatches are flagged as ever', () => {
      expect(decideCallback(payment('pending', null, 7), facts('success', { amount: 5000 }))).toMatchObject({
        result: 'flagged',
        reviewReason: expect.stringMatching(/^amount mismatch/) as unknown,
      });
    });
  });
});
