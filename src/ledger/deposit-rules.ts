// Whether an account may take a deposit. Pure; the answer names the reason in the protocol's terms.
// The store applies it inside the transaction that inserts the payment, so that the account it
// judged is the account the payment is booked against.
import type { Account, Payment } from './model.js';

export type DepositRefusal =
  | { reason: 'account_not_found'; message: string }
  | { reason: 'currency_mismatch'; message: string }
  | { reason: 'amount_out_of_limits'; message: string };

/** The account deposits into `customerId` go to, or why there is none: unknown or closed. */
export function depositAccount(customerId: string, account: Account | undefined): { account: Account } | { refusal: DepositRefusal } {
  if (!account) return { refusal: { reason: 'account_not_found', message: 'Account does not exist' } };
  if (account.status !== 'active')
    return { refusal: { reason: 'account_not_found', message: `Account does not exist: ${customerId} is closed` } };
  return { account };
}

/** A deposit as check_deposit asks for it, with the project's amount limits. */
export interface DepositAttempt {
  projectId: number;
  customerId: string;
  amount: number;
  currency: string;
  minAmount?: number;
  maxAmount?: number;
}

export function depositRefusal(attempt: DepositAttempt, account: Account | undefined): DepositRefusal | undefined {
  const { projectId, customerId, amount, currency, minAmount, maxAmount } = attempt;
  const found = depositAccount(customerId, account);
  if ('refusal' in found) return found.refusal;
  if (currency !== found.account.currency) {
    return { reason: 'currency_mismatch', message: `currency ${currency} does not match the account's currency ${found.account.currency}` };
  }
  if (minAmount !== undefined && amount < minAmount) {
    return { reason: 'amount_out_of_limits', message: `amount ${amount} is below the minimum ${minAmount} for project ${projectId}` };
  }
  if (maxAmount !== undefined && amount > maxAmount) {
    return { reason: 'amount_out_of_limits', message: `amount ${amount} is above the maximum ${maxAmount} for project ${projectId}` };
  }
  return undefined;
}

/** The payment a deposit opens: pending, no callback yet, created now. */
export function openedPayment(attempt: DepositAttempt & { paymentId: string }, now: string): Payment {
  const { paymentId, projectId, customerId, amount, currency } = attempt;
  return {
    paymentId,
    projectId,
    customerId,
    amount,
    currency,
    status: 'pending',
    lastCallbackStatus: null,
    settledByAdjustment: null,
    createdAt: now,
    updatedAt: now,
  };
}
