// What a callback does to a payment. Pure: the store runs it inside the transaction that stores the
// callback, and a unique constraint on the ledger, not this code, makes a second credit impossible.
import type { CallbackFacts, CallbackResult, Payment, PaymentStatus } from './model.js';

export const SUCCESS_STATUS = 'success';
export const FAILURE_STATUSES: ReadonlySet<string> = new Set(['decline', 'error', 'cancelled']);

export interface CallbackDecision {
  /** New payment status; undefined leaves it as it is. */
  setStatus?: PaymentStatus;
  /** Record the callback's status on the payment. */
  recordStatus: boolean;
  /** Try to credit the account (at most once per payment, enforced by the store). */
  credit: boolean;
  result: Exclude<CallbackResult, 'duplicate'>;
  reviewReason?: string;
}

const money = (amount: number, currency: string): string => `${amount} ${currency}`;

export function decideCallback(payment: Payment | undefined, callback: CallbackFacts): CallbackDecision {
  const flag = (reviewReason: string): CallbackDecision => ({ recordStatus: false, credit: false, result: 'flagged', reviewReason });
  if (!payment) return flag(`unknown payment: ${callback.paymentId} was never issued by this service`);
  if (payment.projectId !== callback.projectId) {
    return flag(`project mismatch: callback for project ${callback.projectId}, deposit in project ${payment.projectId}`);
  }
  if (payment.amount !== callback.amount || payment.currency !== callback.currency) {
    return flag(`amount mismatch: callback ${money(callback.amount, callback.currency)}, deposit ${money(payment.amount, payment.currency)}`);
  }

  if (callback.status === SUCCESS_STATUS) {
    if (payment.status === 'success') return { recordStatus: true, credit: true, result: 'recorded' };
    return {
      setStatus: 'success',
      recordStatus: true,
      credit: true,
      result: 'credited',
      // The money was paid, so it is credited; an earlier failure or an expiry is worth a look.
      ...(payment.status === 'failed' && { reviewReason: `success after the payment was marked failed (${payment.lastCallbackStatus})` }),
      ...(payment.status === 'expired' && { reviewReason: 'success after the payment expired (pending beyond the 36-day threshold)' }),
    };
  }
  if (FAILURE_STATUSES.has(callback.status)) {
    if (payment.status === 'success') {
      return flag(`${callback.status} after the payment was credited: the credit stands, check with the platform`);
    }
    if (payment.status === 'failed') return { recordStatus: true, credit: false, result: 'recorded' };
    return { setStatus: 'failed', recordStatus: true, credit: false, result: 'failed' };
  }
  // Intermediate statuses never move a final payment back.
  return { recordStatus: payment.status === 'pending', credit: false, result: 'recorded' };
}
