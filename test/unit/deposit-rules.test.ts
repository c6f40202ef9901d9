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
const project = { id: 1234, secrets: ['s'], minAmount: 100, maxAmount: 1_000_000 };

describe('depositRefusal', () => {
  it('takes a deposit within the limits in the account currency', () => {
    expect(depositRefusal(project, 'acc-1', account(), 100, 'KZT')).toBeUndefined();
    expect(depositRefusal(project, 'acc-1', account(), 1_000_000, 'KZT')).toBeUndefined();
    expect(depositRefusal({ id: 1, secrets: ['s'] }, 'acc-1', account(), 1, 'KZT')).toBeUndefined();
  });

  it('refuses unknown and closed accounts as "does not exist"', () => {
    expect(depositRefusal(project, 'x', undefined, 100, 'KZT')).toEqual({ reason: 'account_not_found', message: 'Account does not exist' });
    expect(depositRefusal(project, 'acc-1', account('closed'), 100, 'KZT')?.reason).toBe('account_not_found');
  });

  it('refuses another currency and amounts outside the limits, naming them', () => {
    expect(depositRefusal(project, 'acc-1', account(), 100, 'USD')).toEqual({
      reason: 'currency_mismatch',
      message: "currency USD does not match the account's currency KZT",
    });
    expect(depositRefusal(project, 'acc-1', account(), 99, 'KZT')?.message).toBe('amount 99 is below the minimum 100 for project 1234');
    expect(depositRefusal(project, 'acc-1', account(), 1_000_001, 'KZT')?.message).toBe('amount 1000001 is above the maximum 1000000 for project 1234');
  });
});
