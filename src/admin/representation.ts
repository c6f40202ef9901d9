// The ledger's records as the admin contract shows them: snake_case, typed by the generated
// schemas, so a field the contract requires cannot be forgotten here.
import type { JobRun } from '../store/job-runs.js';
import type { LedgerCheck } from '../store/ledger-check.js';
import type { components } from '../../generated/admin/openapi-types.js';
import type {
  Account,
  AuditEntry,
  LedgerEntry,
  LedgerSummary,
  ListedPayment,
  PeriodFigures,
  ReconciliationRun,
  StoredCallback,
  StoredFinding,
  StoredRejectedCallback,
} from '../ledger/model.js';
import type { Adjustment } from '../ledger/operator-rules.js';
import type { Page } from '../store/cursor.js';
import type { PaymentWithCallbacks, StatusCheckRecord } from '../store/operator-reads.js';

export type Schemas = components['schemas'];

export const accountJson = (a: Account): Schemas['Account'] => ({
  customer_id: a.customerId,
  additional_customer_id: a.additionalCustomerId,
  currency: a.currency,
  balance: a.balance,
  status: a.status,
  created_at: a.createdAt,
});

export const ledgerEntryJson = (e: LedgerEntry): Schemas['LedgerEntry'] => ({
  kind: e.kind,
  id: e.id,
  customer_id: e.customerId,
  amount: e.amount,
  currency: e.currency,
  created_at: e.createdAt,
  payment_id: e.paymentId,
  callback_id: e.callbackId,
  reason: e.reason,
  actor: e.actor,
});

export const paymentJson = (p: ListedPayment): Schemas['Payment'] => ({
  payment_id: p.paymentId,
  project_id: p.projectId,
  customer_id: p.customerId,
  amount: p.amount,
  currency: p.currency,
  status: p.status,
  last_callback_status: p.lastCallbackStatus,
  settled_by_adjustment: p.settledByAdjustment,
  flagged: p.flagged,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

export const statusCheckJson = (c: StatusCheckRecord | null): Schemas['StatusCheck'] =>
  c && {
    last_asked_at: c.lastAskedAt,
    asks: c.asks,
    last_outcome: c.lastOutcome,
    last_platform_status: c.lastPlatformStatus,
  };

export const callbackJson = (c: StoredCallback): Schemas['Callback'] => ({
  id: c.id,
  payment_id: c.paymentId,
  project_id: c.projectId,
  status: c.status,
  result: c.result,
  review_reason: c.reviewReason,
  deliveries: c.deliveries,
  received_at: c.receivedAt,
  last_received_at: c.lastReceivedAt,
  raw_body: c.rawBody,
  headers: c.headers,
  source: c.source,
  review: c.reviewedAt === null ? null : { reviewed_at: c.reviewedAt, reviewed_by: c.reviewedBy ?? '', note: c.reviewNote ?? '' },
});

export const paymentDetailJson = (d: PaymentWithCallbacks): Schemas['PaymentDetail'] => ({
  payment: paymentJson(d.payment),
  callbacks: d.callbacks.map(callbackJson),
  status_check: statusCheckJson(d.statusCheck),
});

export const rejectedCallbackJson = (c: StoredRejectedCallback): Schemas['RejectedCallback'] => ({
  id: c.id,
  reason: c.reason,
  deliveries: c.deliveries,
  received_at: c.receivedAt,
  last_received_at: c.lastReceivedAt,
  raw_body: c.rawBody,
  headers: c.headers,
});

export const adjustmentJson = (a: Adjustment): Schemas['Adjustment'] => ({
  id: a.id,
  customer_id: a.customerId,
  amount: a.amount,
  currency: a.currency,
  reason: a.reason,
  idempotency_key: a.idempotencyKey,
  callback_id: a.callbackId,
  payment_id: a.paymentId,
  actor: a.actor,
  created_at: a.createdAt,
});

const asObject = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };

export const auditEntryJson = (e: AuditEntry): Schemas['AuditEntry'] => ({
  id: e.id,
  actor: e.actor,
  action: e.action,
  outcome: e.outcome,
  request: asObject(e.request),
  result: asObject(e.result),
  created_at: e.createdAt,
});

const periodJson = (p: PeriodFigures): Schemas['Window'] => ({
  from: p.from,
  to: p.to,
  by_status: p.byStatus.map((s) => ({ status: s.status, count: s.count, amount: s.amount })),
  credited_amount: p.creditedAmount,
});

export const summaryJson = (s: LedgerSummary): Schemas['Summary'] => ({
  generated_at: s.generatedAt,
  currency: s.currency,
  currencies: s.currencies,
  last_24h: periodJson(s.last24h),
  last_30d: periodJson(s.last30d),
  days: s.days.map((d) => ({ date: d.date, payments: d.payments, credited_amount: d.creditedAmount })),
  open_review_items: s.openReviewItems,
  last_callback_received_at: s.lastCallbackReceivedAt,
});

export const jobRunJson = (r: JobRun): Schemas['JobRun'] => ({
  job: r.job,
  started_at: r.startedAt,
  finished_at: r.finishedAt,
  outcome: r.outcome,
  error: r.error,
  last_done_at: r.lastDoneAt,
});

export const runJson = (r: ReconciliationRun): Schemas['ReconciliationRun'] => ({
  id: r.id,
  started_at: r.startedAt,
  finished_at: r.finishedAt,
  source: r.source,
  period_from: r.periodFrom,
  period_to: r.periodTo,
  applied: r.applied,
  summary: r.summary,
  discrepancies: r.discrepancies,
  discrepancies_kept: r.discrepanciesKept,
});

export const findingJson = (f: StoredFinding): Schemas['Discrepancy'] => ({
  id: f.id,
  kind: f.kind as Schemas['Discrepancy']['kind'],
  payment_id: f.paymentId,
  platform: f.platform,
  ledger: f.ledger,
  applied: f.applied,
});

export const pageJson = <T, J>(page: Page<T>, map: (item: T) => J): { items: J[]; next_cursor: string | null } => ({
  items: page.items.map(map),
  next_cursor: page.nextCursor,
});

export const ledgerCheckJson = (c: LedgerCheck, checkedAt: Date): Schemas['LedgerCheck'] => ({
  checked_at: checkedAt.toISOString(),
  accounts: c.accounts,
  payments: c.payments,
  credits: c.credits,
  adjustments: c.adjustments,
  balances_total: c.balancesTotal,
  credited_total: c.creditedTotal,
  adjusted_total: c.adjustedTotal,
  by_currency: c.byCurrency.map((t) => ({
    currency: t.currency,
    accounts: t.accounts,
    balances_total: t.balancesTotal,
    credited_total: t.creditedTotal,
    adjusted_total: t.adjustedTotal,
  })),
  broken: c.broken.map((b) => ({ kind: b.kind, says: b.says, count: b.count, examples: b.examples })),
});
