// Rows of the operators' tables (adjustments, audit_log) as either store writes and reads them
// (PostgreSQL hands a bigint as text).
import type { AuditEntry } from '../ledger/model.js';
import type { Adjustment, OperatorRefusal } from '../ledger/operator-rules.js';

export interface AdjustmentRow {
  id: number | string;
  idempotency_key: string;
  customer_id: string;
  amount: number | string;
  currency: string;
  reason: string;
  callback_id: number | string | null;
  payment_id: string | null;
  actor: string;
  created_at: string;
}

export const ADJUSTMENT_COLUMNS = 'id, idempotency_key, customer_id, amount, currency, reason, callback_id, payment_id, actor, created_at';

export const toAdjustment = (r: AdjustmentRow): Adjustment => ({
  id: Number(r.id),
  customerId: r.customer_id,
  amount: Number(r.amount),
  currency: r.currency,
  reason: r.reason,
  idempotencyKey: r.idempotency_key,
  callbackId: r.callback_id === null ? null : Number(r.callback_id),
  paymentId: r.payment_id,
  actor: r.actor,
  createdAt: r.created_at,
});

export interface AuditRow {
  id: number | string;
  actor: string;
  action: string;
  request: string;
  outcome: AuditEntry['outcome'];
  result: string;
  created_at: string;
}

export const AUDIT_COLUMNS = 'id, actor, action, request, outcome, result, created_at';

export const toAuditEntry = (r: AuditRow): AuditEntry => ({
  id: Number(r.id),
  actor: r.actor,
  action: r.action,
  request: JSON.parse(r.request) as unknown,
  outcome: r.outcome,
  result: JSON.parse(r.result) as unknown,
  createdAt: r.created_at,
});

/** The audit-log row of an action: what was asked, and what it came to (its effect or refusal). */
export function auditRow(actor: string, action: string, request: object, result: object | { refused: OperatorRefusal }) {
  return {
    actor,
    action,
    request: JSON.stringify(request),
    outcome: 'refused' in result ? ('refused' as const) : ('done' as const),
    result: JSON.stringify(result),
    created_at: new Date().toISOString(),
  };
}

/** The audit-log row of an operator's question to the Gate about a payment, when there was one. */
export function statusCheckAuditRow(check: {
  paymentId: string;
  operator?: { actor: string; answer: object };
}): ReturnType<typeof auditRow> | undefined {
  const { operator } = check;
  return (
    operator && auditRow(operator.actor, 'payments.status_check', { paymentId: check.paymentId, actor: operator.actor }, operator.answer)
  );
}
