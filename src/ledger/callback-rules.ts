// What a callback does to a payment. Pure: the store runs it inside the transaction that stores the
// callback, and a unique constraint on the ledger, not this code, makes a second credit impossible.
import type { CallbackFacts, CallbackResult, Payment, PaymentStatus } from './model.js';
import { moneyText } from './money-text.js';

/** What a payment status reported by a callback does to the payment. */
export type StatusEffect = 'credit' | 'fail' | 'intermediate';

/**
 * Every final status the platform's SDKs and plugins name. `canceled` is the PHP SDK's spelling
 * since 2025, `cancelled` the Python SDK's and the plugins'; both mean the same. Any status not
 * listed is intermediate: recorded, the payment left pending.
 */
export const FINAL_STATUS_EFFECTS: ReadonlyMap<string, Exclude<StatusEffect, 'intermediate'>> = new Map([
  ['success', 'credit'],
  ['decline', 'fail'],
  ['error', 'fail'],
  ['cancelled', 'fail'],
  ['canceled', 'fail'],
  ['expired', 'fail'],
  ['internal error', 'fail'],
  ['external error', 'fail'],
]);

export const statusEffect = (status: string): StatusEffect => FINAL_STATUS_EFFECTS.get(status) ?? 'intermediate';

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

export function decideCallback(payment: Payment | undefined, callback: CallbackFacts): CallbackDecision {
  const flag = (reviewReason: string): CallbackDecision => ({ recordStatus: false, credit: false, result: 'flagged', reviewReason });
  if (!payment) return flag(`unknown payment: ${callback.paymentId} was never issued by this service`);
  if (payment.projectId !== callback.projectId) {
    return flag(`project mismatch: callback for project ${callback.projectId}, deposit in project ${payment.projectId}`);
  }
  if (payment.amount !== callback.amount || payment.currency !== callback.currency) {
    return flag(
      `amount mismatch: callback ${moneyText(callback.amount, callback.currency)}, deposit ${moneyText(payment.amount, payment.currency)}`,
    );
  }

  const effect = statusEffect(callback.status);
  if (payment.settledByAdjustment !== null && effect !== 'intermediate') return afterSettledByHand(payment, callback, effect);
  if (effect === 'credit') {
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
  if (effect === 'fail') {
    if (payment.status === 'success') {
      return flag(`${callback.status} after the payment was credited: the credit stands, check with the platform`);
    }
    if (payment.status === 'failed') return { recordStatus: true, credit: false, result: 'recorded' };
    return { setStatus: 'failed', recordStatus: true, credit: false, result: 'failed' };
  }
  // Intermediate statuses never move a final payment back.
  return { recordStatus: payment.status === 'pending', credit: false, result: 'recorded' };
}

/**
 * A credit to an account an operator closed after the deposit was opened: the customer paid, so the
 * money is credited, and someone must decide whether to refund it or reopen the account.
 */
export const heldOnClosedAccount = (payment: Payment): string =>
  `credited to ${payment.customerId}, which is closed: ${moneyText(payment.amount, payment.currency)} is held on a closed account (refund the customer or reopen it)`;

/**
 * A final status for a payment an operator's adjustment already paid: the status is recorded, the
 * adjustment stands and nothing is credited; the first time the platform names a final status after
 * the adjustment, an operator is asked to compare the two.
 */
function afterSettledByHand(payment: Payment, callback: CallbackFacts, effect: 'credit' | 'fail'): CallbackDecision {
  const setStatus: PaymentStatus = effect === 'credit' ? 'success' : 'failed';
  if (payment.status === setStatus) return { recordStatus: true, credit: false, result: 'recorded' };
  const consequence =
    effect === 'credit' ? 'nothing credited, the adjustment stands' : 'the adjustment stands: check with the platform whether it was paid';
  return {
    setStatus,
    recordStatus: true,
    credit: false,
    result: 'flagged',
    reviewReason: `${callback.status} after the payment was settled by hand (adjustment #${payment.settledByAdjustment}): ${consequence}`,
  };
}
