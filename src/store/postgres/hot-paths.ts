// The platform's three operations on PostgreSQL — verify's account read, check_deposit's payment,
// a callback's plan — as named prepared statements on the pg driver: parsed and planned once per
// connection, no query building per request, reads batched per event-loop turn (turn-batches.ts),
// and a write in one round trip. Each write reads, lets
// the ledger decide on what it read, then writes in one statement that holds only if what it read is
// still so (the row's version, `xmin`); if not, nothing of it stays, and the write is made step by
// step under locks instead (exact-paths.ts).
import type { StorePool } from './driver-boundary.js';
import { callbackPlan, predictPlan, type PlanState } from '../../ledger/callback-plan.js';
import { depositRefusal, openedPayment } from '../../ledger/deposit-rules.js';
import type { Account, CallbackOutcome } from '../../ledger/model.js';
import { bodySha256 } from '../body-digest.js';
import type { IncomingCallback, PaymentOpening, PaymentToOpen } from '../store.js';
import { toAccount, toPayment } from '../table-rows.js';
import { ACCOUNT_COLUMNS, callbackValues, PAYMENT_COLUMNS, statements } from './named-statements.js';
import { TurnBatches } from './turn-batches.js';
import { PLAN_STALE } from './callback-plan-executor.js';
import { applyCallbackExact, openPaymentExact } from './exact-paths.js';

const statement = statements('hot');

const SQL = {
  // The deposits of a turn, each inserted only if its account is the version it was judged on;
  // FOR SHARE: nor can the account change before they commit.
  insertPayments: statement(
    'insert_payments',
    `insert into payments (payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at)
     select d.payment_id, d.project_id, d.customer_id, d.amount, d.currency, 'pending', null, d.created_at, d.created_at
       from unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::xid[])
            as d (payment_id, project_id, customer_id, amount, currency, created_at, version)
       join accounts a on a.customer_id = d.customer_id and a.xmin = d.version
        for share of a
     returning payment_id`,
  ),
  accounts: statement('accounts', `select ${ACCOUNT_COLUMNS}, xmin::text as version from accounts where customer_id = any($1::text[])`),
  // One row per (payment id, body digest) asked, whether or not the payment exists: what each
  // callback's plan is decided on.
  callbackStates: statement(
    'callback_states',
    `select k.payment_id as asked_payment_id, k.body_sha256 as asked_body_sha256,
       ${PAYMENT_COLUMNS.split(', ')
         .map((c) => `p.${c}`)
         .join(', ')}, p.xmin::text as version,
       exists (select 1 from callbacks c where c.payment_id = k.payment_id and c.body_sha256 = k.body_sha256) as callback_stored,
       exists (select 1 from ledger_entries l where l.payment_id = k.payment_id) as ledger_entered,
       coalesce((select a.status = 'active' from accounts a where a.customer_id = p.customer_id), false) as account_open
     from unnest($1::text[], $2::text[]) as k (payment_id, body_sha256) left join payments p on p.payment_id = k.payment_id`,
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
type PaymentRow = Parameters<typeof toPayment>[0];
type CallbackStateRow = { [K in keyof PaymentRow]: PaymentRow[K] | null } & {
  asked_payment_id: string;
  asked_body_sha256: string;
  version: string | null;
  callback_stored: boolean;
  ledger_entered: boolean;
  account_open: boolean;
};

/** An account as read, with its row version for a write that must find it unchanged. */
interface AccountRead {
  account: Account;
  version: string;
}

/** What a callback's plan is decided on, with the payment's row version (null: no such payment). */
type CallbackState = PlanState & { version: string | null };

/** A deposit judged on its account at `version`, with the time it is opened at. */
type Deposit = PaymentToOpen & { version: string; now: string };

const callbackKey = (paymentId: string, bodyKey: string): string => JSON.stringify([paymentId, bodyKey]);

/** The platform's operations on one pool; account reads batched per event-loop turn. */
export class HotPaths {
  private readonly accounts: TurnBatches<string, AccountRead>;
  private readonly deposits: TurnBatches<Deposit, true>;
  private readonly callbackStates: TurnBatches<[string, string], CallbackState>;

  constructor(private readonly pool: StorePool) {
    this.accounts = new TurnBatches(async (asked) => {
      const { rows } = await pool.query<AccountRow>({ ...SQL.accounts, values: [asked.map(([customerId]) => customerId)] });
      return new Map(rows.map((row) => [row.customer_id, { account: toAccount(row), version: row.version }]));
    });
    this.deposits = new TurnBatches(async (asked) => {
      const deposits = asked.map(([, deposit]) => deposit);
      const column = <K extends keyof Deposit>(key: K) => deposits.map((d) => d[key]);
      const { rows } = await pool.query<{ payment_id: string }>({
        ...SQL.insertPayments,
        values: [
          column('paymentId'),
          column('projectId'),
          column('customerId'),
          column('amount'),
          column('currency'),
          column('now'),
          column('version'),
        ],
      });
      return new Map(rows.map((row) => [row.payment_id, true as const]));
    });
    this.callbackStates = new TurnBatches(async (asked) => {
      const { rows } = await pool.query<CallbackStateRow>({
        ...SQL.callbackStates,
        values: [asked.map(([, [paymentId]]) => paymentId), asked.map(([, [, bodyKey]]) => bodyKey)],
      });
      return new Map(
        rows.map((row) => [
          callbackKey(row.asked_payment_id, row.asked_body_sha256),
          {
            callbackStored: row.callback_stored,
            payment: row.payment_id === null ? undefined : toPayment(row as PaymentRow),
            ledgerEntered: row.ledger_entered,
            accountOpen: row.account_open,
            version: row.version,
          },
        ]),
      );
    });
  }

  async findAccount(customerId: string): Promise<Account | undefined> {
    return (await this.accounts.ask(customerId, customerId))?.account;
  }

  openPayment(opening: PaymentToOpen): Promise<PaymentOpening> {
    return openPayment(this.pool, this.accounts, this.deposits, opening);
  }

  applyCallback(callback: IncomingCallback): Promise<CallbackOutcome> {
    return applyCallback(this.pool, this.callbackStates, callback);
  }
}

function openPayment(
  pool: StorePool,
  accounts: TurnBatches<string, AccountRead>,
  deposits: TurnBatches<Deposit, true>,
  opening: PaymentToOpen,
): Promise<PaymentOpening> {
  const fast = async (): Promise<PaymentOpening> => {
    const read = await accounts.ask(opening.customerId, opening.customerId);
    const refused = depositRefusal(opening, read?.account);
    if (refused) return { refused };
    if (!read) throw new Error('depositRefusal let a deposit to a missing account through');
    const now = new Date().toISOString();
    if (!(await deposits.ask(opening.paymentId, { ...opening, version: read.version, now }))) throw new ChangedSinceRead();
    // The row is what was just written: no RETURNING to read back.
    return { opened: openedPayment(opening, now) };
  };
  return fastUnlessChanged(fast, () => openPaymentExact(pool, opening));
}

function applyCallback(
  pool: StorePool,
  states: TurnBatches<[string, string], CallbackState>,
  callback: IncomingCallback,
): Promise<CallbackOutcome> {
  const { facts } = callback;
  const bodyKey = bodySha256(callback.rawBody);
  const now = callback.receivedAt.toISOString();
  const fast = async (): Promise<CallbackOutcome> => {
    const state = await states.ask(callbackKey(facts.paymentId, bodyKey), [facts.paymentId, bodyKey]);
    if (!state) throw new Error(`no state read for the callback of payment ${facts.paymentId}`);
    const { steps, outcome } = predictPlan(callbackPlan(facts, callback.reviewIfCredited), state);
    await pool.query({
      ...SQL.runPlan,
      values: [...callbackValues(callback, bodyKey, now), state.version, JSON.stringify(steps)],
    });
    return outcome;
  };
  return fastUnlessChanged(fast, () => applyCallbackExact(pool, callback));
}
