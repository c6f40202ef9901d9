// POST /callback: store the payment result durably and apply it to the ledger; the answer (200)
// goes out only after both are committed.
import type { ProjectConfig } from '../config.js';
import { success, type Failure, type Outcome } from '../protocol/outcome.js';
import type { Callback, CallbackAck } from '../protocol/types.js';
import type { HandlerDeps } from './deps.js';

export interface CallbackEnvelope {
  rawBody: string;
  headers: Record<string, string>;
  receivedAt: Date;
}

export async function callback(
  body: Callback,
  project: ProjectConfig,
  envelope: CallbackEnvelope,
  deps: HandlerDeps,
): Promise<Outcome<CallbackAck>> {
  const outcome = await deps.store.applyCallback({
    facts: {
      projectId: project.id,
      paymentId: body.payment.id,
      status: body.payment.status,
      amount: body.payment.sum.amount,
      currency: body.payment.sum.currency,
    },
    ...envelope,
  });
  return success({
    code: 0,
    result: outcome.result,
    payment_id: outcome.paymentId,
    ...(outcome.reviewReason !== undefined && { review_reason: outcome.reviewReason }),
  });
}

/**
 * A correctly signed callback that breaks the contract is kept for review before it is refused:
 * the refusal makes the platform deliver it again, so that it can be applied once the contract
 * question is settled. Unsigned bodies are not kept: anybody could send them.
 */
export async function rejectCallback(refusal: Failure, envelope: CallbackEnvelope, deps: HandlerDeps): Promise<Failure> {
  if (refusal.authenticated && refusal.reason === 'contract_violation') {
    await deps.store.keepRejectedCallback({ ...envelope, reason: refusal.message });
  }
  return refusal;
}
