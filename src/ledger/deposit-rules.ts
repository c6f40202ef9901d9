// Whether an account may take a deposit. Pure; the answer names the reason in the protocol's terms.
import type { ProjectConfig } from '../config.js';
import type { Account } from './model.js';

export type DepositRefusal =
  | { reason: 'account_not_found'; message: string }
  | { reason: 'currency_mismatch'; message: string }
  | { reason: 'amount_out_of_limits'; message: string };

export function accountRefusal(customerId: string, account: Account | undefined): DepositRefusal | undefined {
  if (!account) return { reason: 'account_not_found', message: 'Account does not exist' };
  if (account.status !== 'active') return { reason: 'account_not_found', message: `Account does not exist: ${customerId} is closed` };
  return undefined;
}

export function depositRefusal(
  project: ProjectConfig,
  customerId: string,
  account: Account | undefined,
  amount: number,
  currency: string,
): DepositRefusal | undefined {
  const refusal = accountRefusal(customerId, account);
  if (refusal || !account) return refusal;
  if (currency !== account.currency) {
    return { reason: 'currency_mismatch', message: `currency ${currency} does not match the account's currency ${account.currency}` };
  }
  if (project.minAmount !== undefined && amount < project.minAmount) {
    return { reason: 'amount_out_of_limits', message: `amount ${amount} is below the minimum ${project.minAmount} for project ${project.id}` };
  }
  if (project.maxAmount !== undefined && amount > project.maxAmount) {
    return { reason: 'amount_out_of_limits', message: `amount ${amount} is above the maximum ${project.maxAmount} for project ${project.id}` };
  }
  return undefined;
}
