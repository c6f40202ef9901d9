// Every statement the SQLite store runs, prepared once per connection. Prepared on first use:
// before migrations, the tables do not exist yet.
import type BetterSqlite3 from 'better-sqlite3';
import type { AccountRow, PaymentRow } from './rows.js';

function prepareAll(db: BetterSqlite3.Database) {
  const prepare = <T = unknown>(text: string) => db.prepare<unknown[], T>(text);
  return {
    account: prepare<AccountRow>('select * from accounts where customer_id = ?'),
    insertAccount: prepare(
      `insert into accounts (customer_id, currency, balance, status, additional_customer_id, created_at, updated_at)
       values (@customerId, @currency, 0, 'active', @additionalCustomerId, @now, @now)`,
    ),
    ensureAccount: prepare(
      `insert into accounts (customer_id, currency, balance, status, additional_customer_id, created_at, updated_at)
       values (@customerId, @currency, 0, 'active', @additionalCustomerId, @now, @now) on conflict (customer_id) do nothing`,
    ),
    closeAccount: prepare<AccountRow>(`update accounts set status = 'closed', updated_at = ? where customer_id = ? returning *`),
    credit: prepare('update accounts set balance = balance + ?, updated_at = ? where customer_id = ?'),
    insertPayment: prepare(
      `insert into payments (payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at)
       values (@paymentId, @projectId, @customerId, @amount, @currency, 'pending', null, @now, @now)`,
    ),
    payment: prepare<PaymentRow>('select * from payments where payment_id = ?'),
    updatePayment: prepare(
      `update payments set status = coalesce(@status, status), last_callback_status = coalesce(@lastCallbackStatus, last_callback_status),
       updated_at = @now where payment_id = @paymentId`,
    ),
    callbackByBody: prepare<{ id: number }>('select id from callbacks where payment_id = ? and body_sha256 = ?'),
    countDelivery: prepare('update callbacks set deliveries = deliveries + 1, last_received_at = ? where id = ?'),
    insertCallback: prepare(
      `insert into callbacks (body_sha256, project_id, payment_id, status, raw_body, headers, received_at, last_received_at, deliveries, result, review_reason)
       values (@sha, @projectId, @paymentId, @status, @rawBody, @headers, @now, @now, 1, @result, @reviewReason)`,
    ),
    setCallbackResult: prepare('update callbacks set result = ? where id = ?'),
    insertLedgerEntry: prepare(
      `insert into ledger_entries (payment_id, customer_id, amount, currency, callback_id, created_at)
       values (?, ?, ?, ?, ?, ?) on conflict (payment_id) do nothing`,
    ),
    keepRejected: prepare(
      `insert into rejected_callbacks (body_sha256, raw_body, headers, reason, received_at, last_received_at, deliveries)
       values (@sha, @rawBody, @headers, @reason, @now, @now, 1)
       on conflict (body_sha256) do update set deliveries = rejected_callbacks.deliveries + 1, last_received_at = @now`,
    ),
    expire: prepare(`update payments set status = 'expired', updated_at = ? where status = 'pending' and created_at < ?`),
    ping: prepare('select 1'),
  };
}

export type Statements = ReturnType<typeof prepareAll>;

/** A getter that prepares the connection's statements the first time it is called. */
export function statementsOf(db: BetterSqlite3.Database): () => Statements {
  let prepared: Statements | undefined;
  return () => (prepared ??= prepareAll(db));
}
