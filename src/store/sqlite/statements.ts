// Every statement the SQLite store runs, prepared once per connection. Prepared on first use:
// before migrations, the tables do not exist yet. The statements of the hot writes take their
// parameters by position (named in a comment): binding by name looks every name up on the
// argument object, a seventh of a callback's time on the writer thread.
import type BetterSqlite3 from 'better-sqlite3';
import { ADJUSTMENT_COLUMNS, type AdjustmentRow } from '../operator-rows.js';
import { ACCOUNT_COLUMNS, PAYMENT_COLUMNS, type AccountRow, type PaymentRow } from './rows.js';

/**
 * The condition of the index of unsettled payments (migration 0007). SQLite reads a partial index
 * only for a query whose WHERE carries this term as written, even where another term implies it.
 */
export const UNSETTLED = "status <> 'success'";

function prepareAll(db: BetterSqlite3.Database) {
  const prepare = <T = unknown>(text: string) => db.prepare<unknown[], T>(text);
  return {
    account: prepare<AccountRow>(`select ${ACCOUNT_COLUMNS} from accounts where customer_id = ?`).raw(true),
    insertAccount: prepare(
      `insert into accounts (customer_id, currency, balance, status, additional_customer_id, created_at, updated_at)
       values (@customerId, @currency, 0, 'active', @additionalCustomerId, @now, @now)`,
    ),
    ensureAccount: prepare(
      `insert into accounts (customer_id, currency, balance, status, additional_customer_id, created_at, updated_at)
       values (@customerId, @currency, 0, 'active', @additionalCustomerId, @now, @now) on conflict (customer_id) do nothing`,
    ),
    // status, now, customerId
    setAccountStatus: prepare<AccountRow>(
      `update accounts set status = ?, updated_at = ? where customer_id = ? returning ${ACCOUNT_COLUMNS}`,
    ).raw(true),
    credit: prepare<{ open: number }>(
      "update accounts set balance = balance + ?, updated_at = ? where customer_id = ? returning status = 'active' as open",
    ),
    // paymentId, projectId, customerId, amount, currency, now (created), now (updated)
    insertPayment: prepare(
      `insert into payments (payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at)
       values (?, ?, ?, ?, ?, 'pending', null, ?, ?)`,
    ),
    payment: prepare<PaymentRow>(`select ${PAYMENT_COLUMNS} from payments where payment_id = ?`).raw(true),
    // status or null (kept), lastCallbackStatus or null (kept), now, paymentId
    updatePayment: prepare(
      `update payments set status = coalesce(?, status), last_callback_status = coalesce(?, last_callback_status),
       updated_at = ? where payment_id = ?`,
    ),
    countDelivery: prepare(
      'update callbacks set deliveries = deliveries + 1, last_received_at = ? where payment_id = ? and body_sha256 = ?',
    ),
    // sha, projectId, paymentId, status, rawBody, headers, now (received), now (last received), source
    insertCallback: prepare(
      `insert into callbacks (body_sha256, project_id, payment_id, status, raw_body, headers, received_at, last_received_at, deliveries, result, review_reason, source)
       values (?, ?, ?, ?, ?, ?, ?, ?, 1, 'pending', null, ?)
       on conflict (payment_id, body_sha256) do nothing`,
    ),
    // result, reviewReason or null, id
    recordCallbackResult: prepare('update callbacks set result = ?, review_reason = ? where id = ?'),
    insertLedgerEntry: prepare(
      `insert into ledger_entries (payment_id, customer_id, amount, currency, callback_id, created_at)
       values (?, ?, ?, ?, ?, ?) on conflict (payment_id) do nothing`,
    ),
    keepRejected: prepare(
      `insert into rejected_callbacks (body_sha256, raw_body, headers, reason, received_at, last_received_at, deliveries)
       values (@sha, @rawBody, @headers, @reason, @now, @now, 1)
       on conflict (body_sha256) do update set deliveries = rejected_callbacks.deliveries + 1, last_received_at = @now`,
    ),
    // now, cutoff, limit
    expire: prepare(
      `update payments set status = 'expired', updated_at = ? where payment_id in (
         select payment_id from payments where status = 'pending' and ${UNSETTLED} and created_at < ? order by created_at limit ?)`,
    ),
    recordJobRun: prepare(
      `insert into job_runs (job, started_at, finished_at, outcome, error, last_done_at)
       values (@job, @started_at, @finished_at, @outcome, @error, @last_done_at)
       on conflict (job) do update set started_at = excluded.started_at, finished_at = excluded.finished_at,
       outcome = excluded.outcome, error = excluded.error, last_done_at = coalesce(excluded.last_done_at, job_runs.last_done_at)`,
    ),
    // paymentId, askedAt, outcome, platformStatus or null
    recordStatusCheck: prepare(
      `insert into status_checks (payment_id, last_asked_at, asks, last_outcome, last_platform_status) values (?, ?, 1, ?, ?)
       on conflict (payment_id) do update set last_asked_at = excluded.last_asked_at, asks = status_checks.asks + 1,
       last_outcome = excluded.last_outcome, last_platform_status = excluded.last_platform_status`,
    ),
    adjustmentByKey: prepare<AdjustmentRow>(`select ${ADJUSTMENT_COLUMNS} from adjustments where idempotency_key = ?`),
    insertAdjustment: prepare<AdjustmentRow>(
      `insert into adjustments (idempotency_key, customer_id, amount, currency, reason, callback_id, payment_id, actor, created_at)
       values (@idempotencyKey, @customerId, @amount, @currency, @reason, @callbackId, @paymentId, @actor, @now) returning ${ADJUSTMENT_COLUMNS}`,
    ),
    callbackReview: prepare<{
      id: number;
      payment_id: string;
      review_reason: string | null;
      reviewed_at: string | null;
      reviewed_by: string | null;
    }>('select id, payment_id, review_reason, reviewed_at, reviewed_by from callbacks where id = ?'),
    // adjustment id, now, payment id
    settleByHand: prepare('update payments set settled_by_adjustment = ?, updated_at = ? where payment_id = ?'),
    // now, actor, note, id
    setReview: prepare('update callbacks set reviewed_at = ?, reviewed_by = ?, review_note = ? where id = ?'),
    insertAudit: prepare(
      `insert into audit_log (actor, action, request, outcome, result, created_at)
       values (@actor, @action, @request, @outcome, @result, @created_at)`,
    ),
    insertRun: prepare<{ id: number }>(
      `insert into reconciliation_runs (started_at, finished_at, source, period_from, period_to, applied, summary, discrepancies, discrepancies_kept)
       values (@started_at, @finished_at, @source, @period_from, @period_to, @applied, @summary, @discrepancies, @discrepancies_kept) returning id`,
    ),
    insertFinding: prepare(
      `insert into reconciliation_discrepancies (run_id, kind, payment_id, platform, ledger, applied)
       values (@run_id, @kind, @payment_id, @platform, @ledger, @applied)`,
    ),
    ping: prepare('select 1'),
  };
}

export type Statements = ReturnType<typeof prepareAll>;

/**
 * Makes the connection read the schema again if another connection changed it. SQLite compiles a
 * statement against the schema the connection last read, and for some errors (an upsert whose
 * conflict target matches no unique constraint) does not check whether that copy is stale. The
 * writer thread opens its connection while the main thread migrates: it may have read a schema
 * halfway through the migrations. Running a statement checks the schema's version, and reloads it.
 */
function refreshSchema(db: BetterSqlite3.Database): void {
  db.prepare('select 1 from sqlite_schema limit 1').get();
}

/** A getter that prepares the connection's statements the first time it is called. */
export function statementsOf(db: BetterSqlite3.Database): () => Statements {
  let prepared: Statements | undefined;
  return () => {
    if (prepared === undefined) {
      refreshSchema(db);
      prepared = prepareAll(db);
    }
    return prepared;
  };
}
