// What the PostgreSQL hot paths share: the columns they read, names for their prepared statements
// (one namespace per connection: a name given twice with two texts is an error), and the values a
// stored callback is inserted with.
import type { IncomingCallback } from '../store.js';

export const ACCOUNT_COLUMNS = 'customer_id, currency, balance, status, additional_customer_id, created_at, updated_at';
export const PAYMENT_COLUMNS =
  'payment_id, project_id, customer_id, amount, currency, status, last_callback_status, settled_by_adjustment, created_at, updated_at';

/** A family of named statements: `k24_<family>_<name>`. */
export const statements =
  (family: string) =>
  (name: string, text: string): { name: string; text: string } => ({ name: `k24_${family}_${name}`, text });

/**
 * A callback's row as both ways of storing it take it: body digest, project, payment, status, raw
 * body, headers, received at, source — `$1` to `$8`.
 */
export const callbackValues = (callback: IncomingCallback, bodyKey: string, receivedAt: string): unknown[] => [
  bodyKey,
  callback.facts.projectId,
  callback.facts.paymentId,
  callback.facts.status,
  callback.rawBody,
  JSON.stringify(callback.headers),
  receivedAt,
  callback.source ?? 'callback',
];
