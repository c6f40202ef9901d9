// The platform's three operations on PostgreSQL — verify's account read, check_deposit's payment,
// a callback's plan — as named prepared statements on the pg driver: parsed and planned once per
// connection, no query building per request, and a write in one round trip. Each write reads, lets
// the ledger decide on what it read, then writes in one statement that holds only if what it read is
// still so (the row's version, `xmin`); if not, nothing of it stays, and the write is made step by
// step under locks instead (exact-paths.ts).
import type pg from 'pg';
import { callbackPlan, predictPlan } from '../../ledger/callback-plan.js';
import { depositRefusal, openedPayment } from '../../ledger/deposit-rules.js';
import type { Account, CallbackOutcome, Payment } from '../../ledger/model.js';
import { bodySha256 } from '../body-digest.js';
import type { IncomingCallback, PaymentOpening, PaymentToOpen } from '../store.js';
import { toAccount, toPayment } from '../table-rows.js';
import { ACCOUNT_COLUMNS, callbackValues, PAYMENT_COLUMNS, statements } from './named-statements.js';
import { PLAN_STALE } from './callback-plan-executor.js';
import { applyCallbackExact, openPaymentExact } from './exact-paths.js';

const statement = statements('hot');

const SQL = {
  account: statement('account', `select ${ACCOUNT_COLUMNS}, xmin::text as version from accounts where customer_id = $1`),
  // FOR SHARE: the account cannot change between this insert and its commit; read at `version`.
  insertPayment: statement(
    'insert_payment',
    `insert into payments (payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at)
     select $1, $2, customer_id, $4, $5, 'pending', null, $6, $6 from accounts
      where customer_id = $3 and xmin = $7::xid for share`,
  ),
  // One row whether or not the payment exists: what the callback plan is decided on.
  callbackState: statement(
    'callback_state',
    `select ${PAYMENT_COLUMNS.split(', ')
      .map((c) => `p.${c}`)
      .join(', ')}, p.xmin::text as version,
       exists (select 1 from callbacks c where c.payment_id = $1 and c.body_sha256 = $2) as callback_stored,
       exists (select 1 from ledger_entries l where l.payment_id = $1) as ledger_entered
     from (select) as one left join payments p on p.payment_id = $1`,
  ),
  runPlan: statement('run_plan', 'select k24_run_callback_plan($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)'),
};

const isStale = (error: unknown): boolean => (error as { code?: unknown } | undefined)?.code === PLAN_STALE;

/** What a write finds when another writer changed the row it read: it is made step by step instead. */
class ChangedSinceRead extends Error {}

/** `fast`, or `exact` when what `fast` read changed before it wrote (nothing of `fast` stays then). */
async function fastUnlessChanged<T>(fast: () => Promise<T>, exact: () => Promise<T>): Promise<T> {
  try {
    return await fast();
  } catch (error) {
    if (error instanceof ChangedSinceRead || isStale(error)) return exact();
    throw error;
  }
}

type AccountRow = Parameters<typeof toAccount>[0] & { version: string };
type PaymentStateRow = { [K in keyof Parameters<typeof toPayment>[0]]: Parameters<typeof toPayment>[0][K] | null } & {
  version: string | null;
  callback_stored: boolean;
  ledger_entered: boolean;
};

async function readAccount(pool: pg.Pool, customerId: string): Promise<{ account: Account; version: string } | undefined> {
  const { rows } = await pool.query<AccountRow>({ ...SQL.account, values: [customerId] });
  const row = rows[0];
  return row && { account: toAccount(row), version: row.version };
}

export async function findAccountHot(pool: pg.Pool, customerId: string): Promise<Account | undefined> {
  return (await readAccount(pool, customerId))?.account;
}

export function openPaymentHot(pool: pg.Pool, opening: PaymentToOpen): Promise<PaymentOpening> {
  const fast = async (): Promise<PaymentOpening> => {
    const read = await readAccount(pool, opening.customerId);
    const refused = depositRefusal(opening, read?.account);
    if (refused) return { refused };
    if (!read) throw new Error('depositRefusal let a deposit to a missing account through');
    const now = new Date().toISOString();
    const { paymentId, projectId, customerId, amount, currency } = opening;
    const { rowCount } = await pool.query({
      ...SQL.insertPayment,
      values: [paymentId, projectId, customerId, amount, currency, now, read.version],
    });
    if (rowCount !== 1) throw new ChangedSinceRead();
    // The row is what was just written: no RETURNING to read back.
    return { opened: openedPayment(opening, now) };
  };
  return fastUnlessChanged(fast, () => openPaymentExact(pool, opening));
}

export function applyCallbackHot(pool: pg.Pool, callback: IncomingCallback): Promise<CallbackOutcome> {
  const { facts } = callback;
  const bodyKey = bodySha256(callback.rawBody);
  const now = callback.receivedAt.toISOString();
  const fast = async (): Promise<CallbackOutcome> => {
    const { rows } = await pool.query<PaymentStateRow>({ ...SQL.callbackState, values: [facts.paymentId, bodyKey] });
    const row = rows[0]!;
    const payment: Payment | undefined = row.payment_id === null ? undefined : toPayment(row as Parameters<typeof toPayment>[0]);
    const { steps, outcome } = predictPlan(callbackPlan(facts, callback.reviewIfCredited), {
      callbackStored: row.callback_stored,
      payment,
      ledgerEntered: row.ledger_entered,
    });
    await pool.query({
      ...SQL.runPlan,
      values: [...callbackValues(callback, bodyKey, now), row.version, JSON.stringify(steps)],
    });
    return outcome;
  };
  return fastUnlessChanged(fast, () => applyCallbackExact(pool, callback));
}
