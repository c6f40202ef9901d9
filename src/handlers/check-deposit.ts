// check_deposit: the customer is paying; commit a pending payment and answer its new, unique id.
// The account is judged by the store in the transaction that inserts the payment.
import type { ProjectConfig } from '../config.js';
import { failure, success, type Outcome } from '../protocol/outcome.js';
import type { CheckDepositRequest, CheckDepositResponse } from '../protocol/types.js';
import type { HandlerDeps } from './deps.js';

export async function checkDeposit(
  body: CheckDepositRequest,
  project: ProjectConfig,
  deps: HandlerDeps,
): Promise<Outcome<CheckDepositResponse>> {
  const opening = await deps.store.openPayment({
    paymentId: deps.newPaymentId(),
    projectId: project.id,
    customerId: body.customer_id,
    amount: body.amount,
    currency: body.currency,
    // The limits only: the project's secrets stay where they are.
    ...(project.minAmount !== undefined && { minAmount: project.minAmount }),
    ...(project.maxAmount !== undefined && { maxAmount: project.maxAmount }),
  });
  if ('refused' in opening) return failure(opening.refused.reason, opening.refused.message);
  const payment = opening.opened;
  return success({
    code: 0,
    payment_id: payment.paymentId,
    customer_id: payment.customerId,
    description: `Top-up of account ${payment.customerId}`,
  });
}
