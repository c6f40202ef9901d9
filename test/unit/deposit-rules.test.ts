import { describe, expect, it } from 'vitest';
import { depositRefusal } from '../../src/ledger/deposit-rules.js';
import type { Account } from '../../src/ledger/model.js';

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
    expect(depositRefusal(attempt('acc-1', 100, 'KZT'), account('closed'))?.reason).toBe('account_not_found');
  });

  it('refuses another currency and amounts outside the limits, naming them', () => {
    expect(depositRefusal(attempt('acc-1', 100, 'USD'), account())).toEqual({
      reason: 'currency_mismatch',
      message: "currency USD does not match the account's currency KZT",
    });
    expect(depositRefusal(attempt('acc-1', 99, 'KZT'), account())?.message).toBe('amount 99 is below the minimum 100 for project 1234');
    expect(depositRefusal(attempt('acc-1', 1_000_001, 'KZT'), account())?.message).toBe(
      'amount 1000001 is above the maximum 1000000 for project 1234',
    );
  });
});
