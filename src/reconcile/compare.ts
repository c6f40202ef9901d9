// What one platform record says about the ledger. Pure: the platform's status means what a callback
// with that status would mean (callback-rules.ts).
import { statusEffect } from '../ledger/callback-rules.js';
import type { Payment } from '../ledger/model.js';
import type { PlatformRecord } from './records.js';

export const DISCREPANCY_KINDS = ['missing_here', 'missing_there', 'amount_mismatch', 'status_mismatch', 'unknown_payment'] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

// Operations that are a payment's result; refunds and the like are other matters.
const PAYMENT_OPERATION_TYPES = new Set(['sale', 'purchase', 'payment']);

/** Whether a record speaks of a payment's result (no type given: it does). */
export const isPaymentRecord = (record: PlatformRecord): boolean => record.type === undefined || PAYMENT_OPERATION_TYPES.has(record.type);

/**
 * - the platform names a payment never issued here: `unknown_payment`;
 * - successful there, not credited here: `missing_here`; credited for another amount: `amount_mismatch`;
 * - paid here (credited, or settled by an operator's adjustment), failed or still open there: `missing_there`;
 * - failed there, still pending here: `status_mismatch`.
 * A payment settled by hand and successful there is `missing_here` until the platform's success is
 * recorded on it; applying it records the status and credits nothing (callback-rules.ts).
 */
export function judgeRecord(record: PlatformRecord, payment: Payment | undefined): DiscrepancyKind | 'matching' {
  if (!payment) return 'unknown_payment';
  const there = statusEffect(record.status);
  if (there === 'credit') {
    if (payment.status !== 'success') return 'missing_here';
    return record.amount === payment.amount && record.currency === payment.currency ? 'matching' : 'amount_mismatch';
  }
  if (payment.status === 'success' || payment.settledByAdjustment !== null) return 'missing_there';
  if (there === 'fail' && payment.status === 'pending') return 'status_mismatch';
  return 'matching';
}
