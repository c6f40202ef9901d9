// Table rows as Kysely reads them on either backend, and their domain shapes. PostgreSQL returns
// bigint columns as strings; amounts stay below 2^53 (the contracts' maximum).
import type { Selectable } from 'kysely';
import type { Account, Payment, StoredCallback } from '../ledger/model.js';
import type { AccountsTable, CallbacksTable, PaymentsTable } from './schema.js';

export const int = (value: number | string | bigint): number => Number(value);

export function toAccount(row: Selectable<AccountsTable>): Account {
  return {
    customerId: row.customer_id,
    currency: row.currency,
    balance: int(row.balance),
    status: row.status,
    additionalCustomerId: row.additional_customer_id,
    createdAt: row.created_at,
  };
}

export function toPayment(row: Selectable<PaymentsTable>): Payment {
  return {
    paymentId: row.payment_id,
    projectId: int(row.project_id),
    customerId: row.customer_id,
    amount: int(row.amount),
    currency: row.currency,
    status: row.status,
    lastCallbackStatus: row.last_callback_status,
    settledByAdjustment: row.settled_by_adjustment === null ? null : int(row.settled_by_adjustment),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toStoredCallback(row: Selectable<CallbacksTable>): StoredCallback {
  return {
    id: int(row.id),
    paymentId: row.payment_id,
    projectId: int(row.project_id),
    status: row.status,
    result: row.result as StoredCallback['result'],
    reviewReason: row.review_reason,
    deliveries: int(row.deliveries),
    receivedAt: row.received_at,
    lastReceivedAt: row.last_received_at,
    rawBody: row.raw_body,
    headers: JSON.parse(row.headers) as Record<string, string>,
    reviewedAt: row.reviewed_at,
    reviewedBy: row.reviewed_by,
    reviewNote: row.review_note,
    source: row.source,
  };
}
