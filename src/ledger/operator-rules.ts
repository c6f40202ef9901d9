// What an operator may do to the ledger: open, close and reopen accounts, adjust a balance with a
// signed entry of its own, and close the review of a flagged callback. Pure; the stores apply these
// inside the transaction that writes the effect and its audit-log row, so the account and callback
// judged are those written to.
import type { Account, AccountStatus, Payment } from './model.js';
import { currencyProblem } from './currency.js';
import { moneyText } from './money-text.js';

/** A correction of a balance in minor units, positive or negative; never an edit of a credit. */
export interface AdjustmentRequest {
  customerId: string;
  amount: number;
  reason: string;
  /** The same key again answers the first adjustment and writes nothing. */
  idempotencyKey: string;
  /** The stored callback the adjustment settles, if any. */
  callbackId?: number;
  /**
   * The payment the adjustment pays by hand: refused unless positive, of the same account, and the
   * payment neither credited nor paid by hand already — judged in the adjustment's transaction, so a
   * credit landing meanwhile is not paid twice.
   */
  paymentId?: string;
  /** Who asks: an operator's or a token's name. */
  actor: string;
}

export interface Adjustment {
  id: number;
  customerId: string;
  amount: number;
  currency: string;
  reason: string;
  idempotencyKey: string;
  callbackId: number | null;
  paymentId: string | null;
  actor: string;
  createdAt: string;
}

export interface ReviewRequest {
  callbackId: number;
  note: string;
  actor: string;
}

/** A stored callback as a review judges it. */
export interface ReviewedCallback {
  id: number;
  reviewReason: string | null;
  reviewedAt: string | null;
  reviewedBy: string | null;
}

export interface AccountCreateRequest {
  customerId: string;
  currency: string;
  additionalCustomerId?: string;
  actor: string;
}

/** Closing or reopening an account. */
export interface AccountStatusRequest {
  customerId: string;
  actor: string;
}

export type OperatorRefusal = {
  reason:
    | 'not_found'
    | 'invalid'
    | 'exists'
    | 'already_closed'
    | 'already_active'
    | 'already_paid'
    | 'negative_balance'
    | 'idempotency_conflict'
    | 'not_flagged'
    | 'already_reviewed';
  message: string;
  /** For `invalid`: the request field at fault. */
  field?: string;
};

export type AccountOutcome = { account: Account } | { refused: OperatorRefusal };

export type AdjustmentOutcome = { adjustment: Adjustment; balance: number; replayed: boolean } | { refused: OperatorRefusal };
export type ReviewOutcome = { reviewed: ReviewedCallback } | { refused: OperatorRefusal };

const sameRequest = (first: Adjustment, request: AdjustmentRequest): boolean =>
  first.customerId === request.customerId &&
  first.amount === request.amount &&
  first.reason === request.reason &&
  first.callbackId === (request.callbackId ?? null) &&
  first.paymentId === (request.paymentId ?? null);

/** The stored callback an adjustment names: its id and the payment id it reports. */
export interface NamedCallback {
  id: number;
  paymentId: string;
}

/** What the store read for an adjustment, in its transaction. */
export interface AdjustmentSubjects {
  /** The account adjusted. */
  account: Account | undefined;
  /** The adjustment already stored under the request's idempotency key. */
  earlier: Adjustment | undefined;
  /** The callback named, undefined when none is named or none is stored. */
  callback: NamedCallback | undefined;
  /**
   * The payment the adjustment concerns — the one named, else the named callback's — undefined when
   * neither names a payment this service opened.
   */
  payment: Payment | undefined;
}

/** Whether an adjustment may be written: the account it moves, or why not. */
export function judgeAdjustment(
  request: AdjustmentRequest,
  subjects: AdjustmentSubjects,
): { refused: OperatorRefusal } | { account: Account } {
  const refused = adjustmentRefusal(request, subjects);
  const { account } = subjects;
  return refused || !account
    ? { refused: refused ?? { reason: 'not_found', message: `account ${request.customerId} does not exist` } }
    : { account };
}

function adjustmentRefusal(
  request: AdjustmentRequest,
  { account, earlier, callback, payment }: AdjustmentSubjects,
): OperatorRefusal | undefined {
  if (earlier && !sameRequest(earlier, request)) {
    return {
      reason: 'idempotency_conflict',
      message: `idempotency key ${request.idempotencyKey} was used for another adjustment (#${earlier.id}: ${moneyText(earlier.amount, earlier.currency)} to ${earlier.customerId}); use a new key`,
    };
  }
  if (!Number.isSafeInteger(request.amount) || request.amount === 0) {
    return { reason: 'invalid', field: 'amount', message: 'amount must be a non-zero whole number of minor units' };
  }
  if (request.reason.trim() === '') return { reason: 'invalid', field: 'reason', message: 'reason must say why the balance is corrected' };
  if (request.idempotencyKey.trim() === '')
    return { reason: 'invalid', field: 'idempotency_key', message: 'idempotency key must not be empty' };
  if (!account) return { reason: 'not_found', message: `account ${request.customerId} does not exist` };
  if (request.callbackId !== undefined && !callback)
    return { reason: 'not_found', message: `callback ${request.callbackId} does not exist` };
  const paying = request.paymentId;
  if (paying !== undefined && !payment) return { reason: 'not_found', message: `payment ${paying} does not exist` };
  if (callback && paying !== undefined && callback.paymentId !== paying) {
    return {
      reason: 'invalid',
      field: 'callback_id',
      message: `callback ${callback.id} is for payment ${callback.paymentId}, not for ${paying}: name the payment's own callback, or none`,
    };
  }
  // Naming a callback or a payment ties the adjustment to the payment (and may settle it): only in its own account.
  const owner = payment?.customerId;
  if (payment && owner !== request.customerId) {
    return paying === undefined
      ? {
          reason: 'invalid',
          field: 'callback_id',
          message: `callback ${callback?.id} is for payment ${payment.paymentId} of account ${owner}, not of ${request.customerId}: adjust ${owner}, or name no callback`,
        }
      : {
          reason: 'invalid',
          field: 'payment_id',
          message: `payment ${paying} is of account ${owner}, not of ${request.customerId}: adjust ${owner}, or name no payment`,
        };
  }
  if (paying !== undefined && request.amount < 0) {
    return {
      reason: 'invalid',
      field: 'payment_id',
      message: `a payment is paid by hand with a positive amount: to take ${moneyText(-request.amount, account.currency)} off, name no payment`,
    };
  }
  const paid = payment && paidAlready(payment);
  if (!earlier && paying !== undefined && paid) return { reason: 'already_paid', message: paid };
  if (!earlier && account.balance + request.amount < 0) {
    return {
      reason: 'negative_balance',
      message: `adjustment of ${moneyText(request.amount, account.currency)} would make the balance of ${request.customerId} negative: it is ${moneyText(account.balance, account.currency)}`,
    };
  }
  return undefined;
}

/** Why a payment takes no more money by hand: credited, or paid by hand already; undefined if neither. */
function paidAlready(payment: Payment): string | undefined {
  if (payment.settledByAdjustment !== null) {
    return `payment ${payment.paymentId} was paid by hand already (adjustment #${payment.settledByAdjustment}): paying it again would pay it twice`;
  }
  if (payment.status === 'success') {
    return `payment ${payment.paymentId} is credited (${moneyText(payment.amount, payment.currency)}, status success): paying it by hand would pay it twice; to correct the balance on top of the credit, name no payment`;
  }
  return undefined;
}

/**
 * The payment an adjustment pays by hand, if any: a positive adjustment that names a payment, or a
 * callback of a payment, the ledger has not credited. Marked on the payment in the adjustment's
 * transaction, so that a later success for it (a callback, the status sync, a reconciliation)
 * credits nothing more (callback-rules.ts). The first adjustment to settle a payment is the one it
 * keeps.
 */
export function paymentSettledBy(request: AdjustmentRequest, payment: Payment | undefined): string | undefined {
  if ((request.callbackId === undefined && request.paymentId === undefined) || request.amount <= 0 || !payment) return undefined;
  return paidAlready(payment) ? undefined : payment.paymentId;
}

/** Whether a callback's review may be closed: the callback, or why not. */
export function judgeReview(
  request: ReviewRequest,
  callback: ReviewedCallback | undefined,
): { refused: OperatorRefusal } | { callback: ReviewedCallback } {
  const refused = reviewRefusal(request, callback);
  return refused || !callback
    ? { refused: refused ?? { reason: 'not_found', message: `callback ${request.callbackId} does not exist` } }
    : { callback };
}

function reviewRefusal(request: ReviewRequest, callback: ReviewedCallback | undefined): OperatorRefusal | undefined {
  if (request.note.trim() === '') return { reason: 'invalid', field: 'note', message: 'note must say what was found' };
  if (!callback) return { reason: 'not_found', message: `callback ${request.callbackId} does not exist` };
  if (callback.reviewReason === null) return { reason: 'not_flagged', message: `callback ${request.callbackId} is not flagged for review` };
  if (callback.reviewedAt !== null) {
    return {
      reason: 'already_reviewed',
      message: `callback ${request.callbackId} was reviewed by ${callback.reviewedBy} at ${callback.reviewedAt}`,
    };
  }
  return undefined;
}

/** Whether an account may be opened; `existing` is the account already under its customer id. */
export function judgeAccountCreate(request: AccountCreateRequest, existing: Account | undefined): OperatorRefusal | undefined {
  if (request.customerId.trim() === '') return { reason: 'invalid', field: 'customer_id', message: 'customer id must not be empty' };
  const currency = currencyProblem(request.currency);
  if (currency) return { reason: 'invalid', field: 'currency', message: currency };
  if (existing) return { reason: 'exists', message: `account ${request.customerId} already exists (${existing.status})` };
  return undefined;
}

/** The audit-log action of each change of an account's status. */
export const ACCOUNT_STATUS_ACTIONS = { closed: 'accounts.close', active: 'accounts.reopen' } as const satisfies Record<
  AccountStatus,
  string
>;

/**
 * Whether an account may be closed (`closed`) or reopened (`active`): the account, or why not. A
 * reopened account keeps its balance and ledger, and verify and check_deposit find it again.
 */
export function judgeAccountStatusChange(
  request: AccountStatusRequest,
  status: AccountStatus,
  account: Account | undefined,
): { refused: OperatorRefusal } | { account: Account } {
  if (!account) return { refused: { reason: 'not_found', message: `account ${request.customerId} does not exist` } };
  if (account.status === status) {
    return status === 'closed'
      ? { refused: { reason: 'already_closed', message: `account ${request.customerId} is already closed` } }
      : { refused: { reason: 'already_active', message: `account ${request.customerId} is open: only a closed account is reopened` } };
  }
  return { account };
}
