// The platform's writes on PostgreSQL step by step, each step a round trip inside one transaction
// that locks as it goes: what hot-paths.ts falls back to when another writer changed a row between
// its read and its one-statement write, so that contention costs round trips, never a failure.
import type { StoreClient, StorePool } from './driver-boundary.js';
import { callbackPlan, runPlanAsync, type StepAnswer } from '../../ledger/callback-plan.js';
import { depositRefusal, openedPayment } from '../../ledger/deposit-rules.js';
import type { Account, CallbackOutcome, Payment } from '../../ledger/model.js';
import { bodySha256 } from '../body-digest.js';
import { StoreUnavailableError, type IncomingCallback, type PaymentOpening, type PaymentToOpen } from '../store.js';
import { toAccount, toPayment } from '../table-rows.js';
import { ACCOUNT_COLUMNS, callbackValues, PAYMENT_COLUMNS, statements } from './named-statements.js';

const statement = statements('exact');

const SQL = {
  // FOR SHARE: the account cannot be closed between the deposit's judgement and its insert.
  accountForShare: statement('account_for_share', `select ${ACCOUNT_COLUMNS} from accounts where customer_id = $1 for share`),
  insertPayment: statement(
    'insert_payment',
    `insert into payments (payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at)
     values ($1, $2, $3, $4, $5, 'pending', null, $6, $6)`,
  ),
  insertCallback: statement(
    'insert_callback',
    `insert into callbacks (body_sha256, project_id, payment_id, status, raw_body, headers, received_at, last_received_at, deliveries, result, review_reason, source)
     values ($1, $2, $3, $4, $5, $6, $7, $7, 1, 'pending', null, $8)
     on conflict (payment_id, body_sha256) do nothing returning id`,
  ),
  countDelivery: statement(
    'count_delivery',
    'update callbacks set deliveries = deliveries + 1, last_received_at = $1 where payment_id = $2 and body_sha256 = $3',
  ),
  lockPayment: statement('lock_payment', `select ${PAYMENT_COLUMNS} from payments where payment_id = $1 for update`),
  insertLedgerEntry: statement(
    'insert_ledger_entry',
    `insert into ledger_entries (payment_id, customer_id, amount, currency, callback_id, created_at)
     values ($1, $2, $3, $4, $5, $6) on conflict (payment_id) do nothing returning id`,
  ),
  credit: statement(
    'credit',
    `update accounts set balance = balance + $1, updated_at = $2 where customer_id = $3 returning status = 'active' as open`,
  ),
  updatePayment: statement(
    'update_payment',
    `update payments set status = coalesce($1, status), last_callback_status = coalesce($2, last_callback_status), updated_at = $3
     where payment_id = $4`,
  ),
  recordResult: statement('record_result', 'update callbacks set result = $1, review_reason = $2 where id = $3'),
};

/** Runs `work` in a transaction on one connection of the pool. */
async function inTransaction<T>(pool: StorePool, work: (client: StoreClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    // A connection that failed, or whose statement outwaited the pool's limit, is not asked to roll
    // back (its answer may never come): it is closed, and the server rolls the transaction back.
    if (error instanceof StoreUnavailableError) broken = true;
    else {
      try {
        await client.query('rollback');
      } catch {
        broken = true;
      }
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

type Row = Record<string, unknown>;
const account = (row: Row | undefined): Account | undefined => row && toAccount(row as Parameters<typeof toAccount>[0]);
const payment = (row: Row | undefined): Payment | undefined => row && toPayment(row as Parameters<typeof toPayment>[0]);

export function openPaymentExact(pool: StorePool, opening: PaymentToOpen): Promise<PaymentOpening> {
  const now = new Date().toISOString();
  return inTransaction(pool, async (client): Promise<PaymentOpening> => {
    const { rows } = await client.query<Row>({ ...SQL.accountForShare, values: [opening.customerId] });
    const refused = depositRefusal(opening, account(rows[0]));
    if (refused) return { refused };
    const { paymentId, projectId, customerId, amount, currency } = opening;
    await client.query({ ...SQL.insertPayment, values: [paymentId, projectId, customerId, amount, currency, now] });
    // The row is what was just written: no RETURNING to read back.
    return { opened: openedPayment(opening, now) };
  });
}

export function applyCallbackExact(pool: StorePool, callback: IncomingCallback): Promise<CallbackOutcome> {
  const { facts } = callback;
  const bodyKey = bodySha256(callback.rawBody);
  const now = callback.receivedAt.toISOString();
  return inTransaction(pool, (client) =>
    runPlanAsync(callbackPlan(facts, callback.reviewIfCredited), async (step): Promise<StepAnswer> => {
      switch (step.step) {
        case 'storeCallback': {
          const { rows } = await client.query<{ id: string }>({
            ...SQL.insertCallback,
            values: callbackValues(callback, bodyKey, now),
          });
          return rows[0] && Number(rows[0].id);
        }
        case 'countDelivery':
          await client.query({ ...SQL.countDelivery, values: [now, facts.paymentId, bodyKey] });
          return;
        case 'lockPayment': {
          const { rows } = await client.query<Row>({ ...SQL.lockPayment, values: [facts.paymentId] });
          return payment(rows[0]);
        }
        case 'insertLedgerEntry': {
          const { payment: p, callbackId } = step;
          const { rows } = await client.query({
            ...SQL.insertLedgerEntry,
            values: [p.paymentId, p.customerId, p.amount, p.currency, callbackId, now],
          });
          return rows.length === 1;
        }
        case 'creditBalance': {
          const { rows } = await client.query<{ open: boolean }>({
            ...SQL.credit,
            values: [step.payment.amount, now, step.payment.customerId],
          });
          return rows[0]?.open === true;
        }
        case 'updatePayment':
          await client.query({
            ...SQL.updatePayment,
            values: [step.setStatus ?? null, step.lastCallbackStatus ?? null, now, step.paymentId],
          });
          return;
        case 'recordResult':
          await client.query({ ...SQL.recordResult, values: [step.result, step.reviewReason ?? null, step.callbackId] });
          return;
      }
    }),
  );
}
