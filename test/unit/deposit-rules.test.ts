import { describe, expect, it } from 'vitest';
import { depositRefusal, openedPayment } from '../../src/ledger/deposit-rules.js';
import type { Account } from '../../src/ledger/model.js';
import { aPayment } from '../support/payments.js';

const account = (status: Account['status'] = 'active'): Account => ({
  customerId: 'acc-1',
  currency: 'KZT',
  balance: 0,
  status,
  additionalCustomerId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const limits = { minAmount: 100, maxAmount: 1_000_000 };
const attempt = (customerId: string, amount: number, currency: string, terms: { minAmount?: number; maxAmount?: number } = limits) => ({
  projectId: 1234,
  customerId,
  amount,
  currency,
  ...terms,
});

describe('depositRefusal', () => {
  it('takes a deposit within the limits in the account currency', () => {
    expect(depositRefusal(attempt('acc-1', 100, 'KZT'), account())).toBeUndefined();
    expect(depositRefusal(attempt('acc-1', 1_000_000, 'KZT'), account())).toBeUndefined();
    expect(depositRefusal(attempt('acc-1', 1, 'KZT', {}), account())).toBeUndefined();
  });

  it('refuses unknown and closed accounts as "does not exist"', () => {
    expect(depositRefusal(attempt('x', 100, 'KZT'), undefined)).toEqual({ reason: 'account_not_found', message: 'Account does not exist' });
    expect(depositRefusal(attempt('acc-1', 100, 'KZT'), account('closed'))).toEqual({
      reason: 'account_not_found',
      message: 'Account does not exist: acc-1 is closed',
    });
  });

  it('refuses another currency and amounts outside the limits, naming them', () => {
    expect(depositRefusal(attempt('acc-1', 100, 'USD'), account())).toEqual({
      reason: 'currency_mismatch',
      message: "currency USD does not match the account's currency KZT",
    });
    expect(depositRefusal(attempt('acc-1', 99, 'KZT'), account())).toEqual({
      reason: 'amount_out_of_limits',
      message: 'amount 99 is below the minimum 100 for project 1234',
    });
    expect(depositRefusal(attempt('acc-1', 1_000_001, 'KZT'), account())).toEqual({
      reason: 'amount_out_of_limits',
      message: 'amount 1000001 is above the maximum 1000000 for project 1234',
    });
    // Each limit alone: a project may set only one.
    expect(depositRefusal(attempt('acc-1', 99, 'KZT', { minAmount: 100 }), account())?.reason).toBe('amount_out_of_limits');
    expect(depositRefusal(attempt('acc-1', 10 ** 9, 'KZT', { minAmount: 100 }), account())).toBeUndefined();
    expect(depositRefusal(attempt('acc-1', 501, 'KZT', { maxAmount: 500 }), account())?.reason).toBe('amount_out_of_limits');
    expect(depositRefusal(attempt('acc-1', 1, 'KZT', { maxAmount: 500 }), account())).toBeUndefined();
  });
});

describe('openedPayment', () => {
  it('opens the deposit asked for as a pending payment with no callback yet, the limits left behind', () => {
    const now = '2026-12-06T10:00:00.000Z';
    // aPayment: pending 100.00 KZT p-1 of acc-1 in project 1234, no callback, not settled by hand.
    expect(openedPayment({ ...attempt('acc-1', 10000, 'KZT'), paymentId: 'p-1' }, now)).toEqual(
      aPayment({ createdAt: now, updatedAt: now }),
    );
  });
});
