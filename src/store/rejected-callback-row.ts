// A rejected_callbacks row as either store reads it (PostgreSQL hands a bigserial id as text).
import type { StoredRejectedCallback } from '../ledger/model.js';

export interface RejectedCallbackRow {
  id: number | string;
  reason: string;
  deliveries: number | string;
  received_at: string;
  last_received_at: string;
  raw_body: string;
  headers: string;
}

export const REJECTED_CALLBACK_COLUMNS = 'id, reason, deliveries, received_at, last_received_at, raw_body, headers';

export const toStoredRejectedCallback = (r: RejectedCallbackRow): StoredRejectedCallback => ({
  id: Number(r.id),
  reason: r.reason,
  deliveries: Number(r.deliveries),
  receivedAt: r.received_at,
  lastReceivedAt: r.last_received_at,
  rawBody: r.raw_body,
  headers: JSON.parse(r.headers) as Record<string, string>,
});
