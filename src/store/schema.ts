// Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC text on every backend so that rows
// compare and export the same way everywhere.
import type { Generated } from 'kysely';

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

export interface Database {
  accounts: AccountsTable;
  payments: PaymentsTable;
  callbacks: CallbacksTable;
  ledger_entries: LedgerEntriesTable;
  rejected_callbacks: RejectedCallbacksTable;
}
