// check_deposit: the customer is paying; commit a pending payment and answer its new, unique id.
import type { ProjectConfig } from '../config.js';
import { depositRefusal } from '../ledger/deposit-rules.js';
import { failure, success, type Outcome } from '../protocol/outcome.js';
import type { CheckDepositRequest, CheckDepositResponse } from '../protocol/types.js';
import type { HandlerDeps } from './deps.js';

export async function checkDeposit(
  body: CheckDepositRequest,
  project: ProjectConfig,
  deps: HandlerDeps,
): Promise<Outcome<CheckDepositResponse>> {
  const account = await deps.store.findAccount(body.customer_id);
  const refusal = depositRefusal(project, body.customer_id, account, body.amount, body.currency);
  if (refusal) return failure(refusal.reason, refusal.message);
  const payment = await deps.store.createPayment({
    paymentId: deps.newPaymentId(),
    projectId: project.id,
    customerId: body.customer_id,
    amount: body.amount,
    currency: body.currency,
  });
  return success({
    code: 0,
    payment_id: payment.paymentId,
    customer_id: payment.customerId,
    description: `Top-up of account ${payment.customerId}`,
  });
}
