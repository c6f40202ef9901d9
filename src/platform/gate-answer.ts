// What the Gate's answer to a payment-status question means for one payment: a final status and
// the sum to apply through the exactly-once path, an intermediate one that leaves it pending, or
// the reason nothing can be taken from it. Pure; status-sync.ts asks and applies.
import { statusEffect } from '../ledger/callback-rules.js';
import type { Payment } from '../ledger/model.js';
import type { GateResult } from './gate-client.js';
import type { SyncLine } from './status-sync.js';

/** What the Gate's answer about `payment` comes to: a final status to apply, or why nothing is. */
export function readGateAnswer(
  payment: Payment,
  result: GateResult,
): Omit<SyncLine, 'result'> & { apply?: { status: string; amount: number; currency: string } } {
  if ('failed' in result) {
    return { payment_id: payment.paymentId, outcome: result.failed === 'transient' ? 'not_answered' : 'refused', detail: result.detail };
  }
  const platformPayment = result.answer.payment;
  if (!platformPayment) {
    const errors = (result.answer.errors ?? []).map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ');
    return {
      payment_id: payment.paymentId,
      outcome: 'refused',
      detail: `the Gate named no payment (HTTP ${result.status}${errors ? `: ${errors}` : ''})`,
    };
  }
  // What is applied must be the answer about this payment: a Gate (or a cache before it) answering
  // about another one would otherwise pay this one with that one's status.
  const answeredProject = result.answer.project_id;
  if (platformPayment.id !== payment.paymentId || (answeredProject !== undefined && answeredProject !== payment.projectId)) {
    return {
      payment_id: payment.paymentId,
      outcome: 'refused',
      detail: `the Gate answered about payment ${platformPayment.id} of project ${answeredProject ?? '(not named)'}, not about payment ${payment.paymentId} of project ${payment.projectId}: nothing applied`,
    };
  }
  const status = platformPayment.status;
  if (statusEffect(status) === 'intermediate') return { payment_id: payment.paymentId, outcome: 'still_pending', platform_status: status };
  if (!platformPayment.sum) {
    return {
      payment_id: payment.paymentId,
      outcome: 'refused',
      platform_status: status,
      detail: 'the Gate named a final status without payment.sum',
    };
  }
  return {
    payment_id: payment.paymentId,
    outcome: 'applied',
    platform_status: status,
    apply: { status, amount: platformPayment.sum.amount, currency: platformPayment.sum.currency },
  };
}
