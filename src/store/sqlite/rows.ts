// Rows as SQLite returns them, and their domain shapes.
import type { Account, Payment, PaymentStatus, StoredCallback } from '../../ledger/model.js';

// Accounts and payments are read on every request, so their rows come as arrays (better-sqlite3's
// raw mode): a row object is built property by property through V8's generic API, at several times
// the cost of the read itself.
export const ACCOUNT_COLUMNS = 'customer_id, currency, balance, status, additional_customer_id, created_at';

export type AccountRow = [
  customerId: string,
  currency: string,
  balance: number,
  status: Account['status'],
  additionalCustomerId: string | null,
  createdAt: string,
];

export const PAYMENT_COLUMNS =
  'payment_id, project_id, customer_id, amount, currency, status, last_callback_status, settled_by_adjustment, created_at, updated_at';

export type PaymentRow = [
  paymentId: string,
  projectId: number,
  customerId: string,
  amount: number,
  currency: string,
  status: PaymentStatus,
  lastCallbackStatus: string | null,
  settledByAdjustment: number | null,
  createdAt: string,
  updatedAt: string,
];

export interface CallbackRow {
  id: number;
  payment_id: string;
  project_id: number;
  status: string;
  result: StoredCallback['result'];
  review_reason: string | null;
  deliveries: number;
  received_at: string;
  last_received_at: string;
  raw_body: string;
  headers: string;
  reviewed_at: string | null;
  reviewed_by: string | null;
  review_note: string | null;
  source: StoredCallback['source'];
}

export const toAccount = (r: AccountRow): Account => ({
  customerId: r[0],
  currency: r[1],
  balance: r[2],
  status: r[3],
  additionalCustomerId: r[4],
  createdAt: r[5],
});

export const toPayment = (r: PaymentRow): Payment => ({
  paymentId: r[0],
  projectId: r[1],
  customerId: r[2],
  amount: r[3],
  currency: r[4],
  status: r[5],
  lastCallbackStatus: r[6],
  settledByAdjustment: r[7],
  createdAt: r[8],
  updatedAt: r[9],
});

export const toStoredCallback = (r: CallbackRow): StoredCallback => ({
  id: r.id,
  paymentId: r.payment_id,
  projectId: r.project_id,
  status: r.status,
  result: r.result,
  reviewReason: r.review_reason,
  deliveries: r.deliveries,
  receivedAt: r.received_at,
  lastReceivedAt: r.last_received_at,
  rawBody: r.raw_body,
  headers: JSON.parse(r.headers) as Record<string, string>,
  reviewedAt: r.reviewed_at,
  reviewedBy: r.reviewed_by,
  reviewNote: r.review_note,
  source: r.source,
});
