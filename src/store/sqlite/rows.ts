// Rows as SQLite returns them, and their domain shapes.
import type { Account, Payment, PaymentStatus, StoredCallback } from '../../ledger/model.js';

export interface AccountRow {
  customer_id: string;
  currency: string;
  balance: number;
  status: Account['status'];
  additional_customer_id: string | null;
  created_at: string;
}

export interface PaymentRow {
  payment_id: string;
  project_id: number;
  customer_id: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  last_callback_status: string | null;
  created_at: string;
  updated_at: string;
}

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
}

export const toAccount = (r: AccountRow): Account => ({
  customerId: r.customer_id,
  currency: r.currency,
  balance: r.balance,
  status: r.status,
  additionalCustomerId: r.additional_customer_id,
  createdAt: r.created_at,
});

export const toPayment = (r: PaymentRow): Payment => ({
  paymentId: r.payment_id,
  projectId: r.project_id,
  customerId: r.customer_id,
  amount: r.amount,
  currency: r.currency,
  status: r.status,
  lastCallbackStatus: r.last_callback_status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
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
});
