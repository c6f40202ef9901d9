// Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC text on every backend so that rows
// compare and export the same way everywhere.
import type { Generated } from 'kysely';
import type { CallbackSource, StatusCheckOutcome } from '../ledger/model.js';

export interface AccountsTable {
  customer_id: string;
  currency: string;
  balance: Generated<number>;
  status: 'active' | 'closed';
  additional_customer_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface PaymentsTable {
  payment_id: string;
  project_id: number;
  customer_id: string;
  amount: number;
  currency: string;
  status: 'pending' | 'success' | 'failed' | 'expired';
  last_callback_status: string | null;
  settled_by_adjustment: number | null;
  created_at: string;
  updated_at: string;
}

export interface CallbacksTable {
  id: Generated<number>;
  body_sha256: string;
  project_id: number;
  payment_id: string;
  status: string;
  raw_body: string;
  headers: string;
  received_at: string;
  last_received_at: string;
  deliveries: number;
  result: string;
  review_reason: string | null;
  reviewed_at: string | null;
  reviewed_by: string | null;
  review_note: string | null;
  source: CallbackSource;
}

/** Operators' signed corrections of a balance: ledger entries of their own. */
export interface AdjustmentsTable {
  id: Generated<number>;
  idempotency_key: string;
  customer_id: string;
  amount: number;
  currency: string;
  reason: string;
  callback_id: number | null;
  /** The payment the request asked it to pay by hand. */
  payment_id: string | null;
  actor: string;
  created_at: string;
}

/** Every operator action, refused ones too. `request` and `result` are JSON. */
export interface AuditLogTable {
  id: Generated<number>;
  actor: string;
  action: string;
  request: string;
  outcome: 'done' | 'refused';
  result: string;
  created_at: string;
}

/** Signed callbacks that broke the contract: kept for review, never applied. */
export interface RejectedCallbacksTable {
  id: Generated<number>;
  body_sha256: string;
  raw_body: string;
  headers: string;
  reason: string;
  received_at: string;
  last_received_at: string;
  deliveries: number;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  payment_id: string;
  customer_id: string;
  amount: number;
  currency: string;
  callback_id: number;
  created_at: string;
}

/** A reconciliation run: `summary` is JSON (its counts), `applied` 1 when --apply was given. */
export interface ReconciliationRunsTable {
  id: Generated<number>;
  started_at: string;
  finished_at: string;
  source: string;
  period_from: string | null;
  period_to: string | null;
  applied: number;
  summary: string;
  discrepancies: number;
  discrepancies_kept: number;
}

/** One discrepancy of a run; `platform` and `ledger` are JSON. */
export interface ReconciliationDiscrepanciesTable {
  id: Generated<number>;
  run_id: number;
  kind: string;
  payment_id: string;
  platform: string | null;
  ledger: string | null;
  applied: string | null;
}

/** The last run of each job the service runs by itself (job-runs.ts). */
export interface JobRunsTable {
  job: string;
  started_at: string;
  finished_at: string;
  outcome: string;
  error: string | null;
  last_done_at: string | null;
}

export interface Database {
  accounts: AccountsTable;
  payments: PaymentsTable;
  callbacks: CallbacksTable;
  ledger_entries: LedgerEntriesTable;
  rejected_callbacks: RejectedCallbacksTable;
  adjustments: AdjustmentsTable;
  audit_log: AuditLogTable;
  reconciliation_runs: ReconciliationRunsTable;
  reconciliation_discrepancies: ReconciliationDiscrepanciesTable;
  status_checks: StatusChecksTable;
  job_runs: JobRunsTable;
}

/** The last time a status sync asked the Gate about a payment, and how often it has. */
export interface StatusChecksTable {
  payment_id: string;
  last_asked_at: string;
  asks: number;
  last_outcome: StatusCheckOutcome;
  last_platform_status: string | null;
}
