// A payment as the ledger's pure rules see it, for tests of those rules.
import type { Payment } from '../../src/ledger/model.js';

/** A pending 100.00 KZT payment `p-1` of account `acc-1`, with what the test changes. */
export const aPayment = (overrides: Partial<Payment> = {}): Payment => ({
  paymentId: 'p-1',
  projectId: 1234,
  customerId: 'acc-1',
  amount: 10000,
  currency: 'KZT',
  status: 'pending',
  lastCallbackStatus: null,
  settledByAdjustment: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});
