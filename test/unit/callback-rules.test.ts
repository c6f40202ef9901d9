import { describe, expect, it } from 'vitest';
import { decideCallback, FINAL_STATUS_EFFECTS, statusEffect } from '../../src/ledger/callback-rules.js';
import type { CallbackFacts, Payment, PaymentStatus } from '../../src/ledger/model.js';

const payment = (status: PaymentStatus = 'pending', lastCallbackStatus: string | null = null): Payment => ({
  paymentId: 'p-1',
  projectId: 1234,
  customerId: 'acc-1',
  amount: 10000,
  currency: 'KZT',
  status,
  lastCallbackStatus,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
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
    expect(decideCallback(payment('success'), facts('decline'))).toMatchObject({ credit: false, recordStatus: false, result: 'flagged' });
  });

  it.each(['processing', 'awaiting customer', 'external processing', 'something new'])(
    'intermediate %j is recorded, payment stays pending',
    (status) => {
      expect(decideCallback(payment(), facts(status))).toEqual({ recordStatus: true, credit: false, result: 'recorded' });
    },
  );

  it('an intermediate status never moves a final payment back', () => {
    expect(decideCallback(payment('success'), facts('processing'))).toEqual({ recordStatus: false, credit: false, result: 'recorded' });
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
    expect(decideCallback(payment(), facts('success', { currency: 'USD' }))).toMatchObject({ result: 'flagged', credit: false });
    expect(decideCallback(payment(), facts('success', { projectId: 99 }))).toMatchObject({ result: 'flagged', credit: false });
  });
});
