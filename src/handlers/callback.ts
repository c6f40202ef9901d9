// POST /callback: store the payment result durably and apply it to the ledger; the answer (200)
// goes out only after both are committed.
import type { ProjectConfig } from '../config.js';
import { failure, success, type Failure, type Outcome } from '../protocol/outcome.js';
import type { Callback, CallbackAck } from '../protocol/types.js';
import { textRefusal } from '../store/storable-text.js';
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
  // The text the ledger keeps in its own columns: a store could not keep it as it is (PostgreSQL
  // refuses U+0000, SQLite keeps it), so it breaks the contract. Other fields are kept only in the
  // raw body, as JSON escapes: refusing a callback over them would hold its payment for 11 days.
  for (const [field, text] of [
    ['payment.id', body.payment.id],
    ['payment.status', body.payment.status],
  ] as const) {
    const refusal = textRefusal(text);
    if (refusal !== undefined) {
      return rejectCallback({ ...failure('contract_violation', `${field}: ${refusal}`), authenticated: true }, envelope, deps);
    }
  }
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
