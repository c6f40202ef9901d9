// What operators read of the ledger, written once in Kysely and run by both stores: lists newest
// first with keyset pagination (a page costs the same however deep), a payment with its
// callbacks, and the figures of an overview. Nothing here is on the platform's request path.
import { toJobRun, type JobRun } from './job-runs.js';
import {
  sql,
  type Expression,
  type RawBuilder,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely';
import type {
  Account,
  AccountStatus,
  AuditEntry,
  DayFigures,
  LedgerEntry,
  LedgerSummary,
  ListedPayment,
  Payment,
  PaymentStatus,
  PeriodFigures,
  ReconciliationRun,
  StatusCheckOutcome,
  StoredCallback,
  StoredFinding,
  StoredRejectedCallback,
} from '../ledger/model.js';
import { decodeCursor, pageOf, type Page, type PageRequest } from './cursor.js';
import { checkLedger, type CheckOptions, type LedgerCheck } from './ledger-check.js';
import {
  checkFeedIds,
  checkFeedTransactions,
  FEED_HELD_BACK_COUNTED,
  mergeFeed,
  type FeedHeldBack,
  type FeedPosition,
  type LedgerFeed,
  type StreamPosition,
} from './ledger-feed.js';
import { toAuditEntry } from './operator-rows.js';
import { toFinding, toRun } from './reconciliation-rows.js';
import { toStoredRejectedCallback } from './rejected-callback-row.js';
import type { Database } from './schema.js';
import type { ListSlice } from './store.js';
import { int, toAccount, toPayment, toStoredCallback } from './table-rows.js';

export interface AccountQuery {
  /** Part of the customer id or the additional customer id, any case. */
  query?: string;
  status?: AccountStatus;
}

export interface PaymentQuery {
  customerId?: string;
  status?: PaymentStatus;
  /** Opened at or after (ISO 8601). */
  from?: string;
  /** Opened before (ISO 8601). */
  to?: string;
  flagged?: boolean;
}

export interface CallbackQuery {
  flagged?: boolean;
  reviewed?: boolean;
  paymentId?: string;
}

/** What a status sync last heard when it asked the Gate about a payment, and how often it asked. */
export interface StatusCheckRecord {
  lastAskedAt: string;
  asks: number;
  lastOutcome: StatusCheckOutcome;
  lastPlatformStatus: string | null;
}

/** A pending payment a status sync may ask about, and what came of the last time it did. */
export interface PaymentToAsk {
  payment: Payment;
  lastOutcome: StatusCheckOutcome | null;
}

export interface PaymentWithCallbacks {
  payment: ListedPayment;
  /** Oldest first. */
  callbacks: StoredCallback[];
  /** Null when no status sync has asked about the payment. */
  statusCheck: StatusCheckRecord | null;
}

export interface OperatorReads {
  accounts(query: AccountQuery, page: PageRequest): Promise<Page<Account>>;
  /** Undefined when the account does not exist. */
  ledger(customerId: string, page: PageRequest): Promise<Page<LedgerEntry> | undefined>;
  /**
   * The ledger's entries of every account — credits and adjustments — made in [from, to), oldest
   * first, beyond `slice.after`: a period's export, read a slice at a time.
   */
  ledgerInPeriod(period: { from: string; to: string }, slice: ListSlice<LedgerKey>): Promise<LedgerEntry[]>;
  /** The same entries newest first, a page at a time (the admin API's); a bound left out is open. */
  ledgerOfPeriod(period: { from?: string; to?: string }, page: PageRequest): Promise<Page<LedgerEntry>>;
  /**
   * Up to `limit` entries — credits and adjustments — past `after`, in the order they became
   * readable: followed from position to position, every entry is read once (ledger-feed.ts).
   */
  ledgerFeed(after: FeedPosition, limit: number): Promise<LedgerFeed>;
  /**
   * The entries committed but not yet in the feed: on PostgreSQL those of transactions begun at or
   * after the oldest one still open on the server, whichever database it writes; none on SQLite.
   */
  feedHeldBack(): Promise<FeedHeldBack>;
  /**
   * The feed's position past every entry readable now: read from, it gives only entries that
   * become readable later, including those whose transactions are open now.
   */
  ledgerFeedEnd(): Promise<FeedPosition>;
  payments(query: PaymentQuery, page: PageRequest): Promise<Page<ListedPayment>>;
  /** The ids of the payments opened in [from, to) and credited, in the payments list's order. */
  creditedPaymentIds(period: { from: string; to: string }, page: PageRequest): Promise<Page<string>>;
  payment(paymentId: string): Promise<PaymentWithCallbacks | undefined>;
  /** The payments of these ids that exist, by id. */
  paymentsByIds(paymentIds: readonly string[]): Promise<Map<string, Payment>>;
  /**
   * At most `limit` pending payments opened before `createdBefore`, for a status sync to ask the
   * Gate about: those never asked first, then those asked longest ago, each group oldest first;
   * each with what came of the last question (null: never asked).
   */
  pendingPaymentsToAsk(createdBefore: Date, limit: number): Promise<PaymentToAsk[]>;
  callbacks(query: CallbackQuery, page: PageRequest): Promise<Page<StoredCallback>>;
  callback(id: number): Promise<StoredCallback | undefined>;
  rejectedCallbacks(page: PageRequest): Promise<Page<StoredRejectedCallback>>;
  auditLog(page: PageRequest): Promise<Page<AuditEntry>>;
  reconciliations(page: PageRequest): Promise<Page<ReconciliationRun>>;
  /** The last run of each job the service has run by itself, by job name. */
  jobRuns(): Promise<JobRun[]>;
  /** Each period runs of `source` compared that starts at or after `since`, once, earliest first. */
  reconciledPeriods(source: string, since: string): Promise<Array<{ from: string; to: string }>>;
  /** A run and a page of its findings, in the order found; undefined when there is no such run. */
  reconciliation(id: number, page: PageRequest): Promise<{ run: ReconciliationRun; findings: Page<StoredFinding> } | undefined>;
  /** The overview's figures of `currency`'s payments and credits. */
  summary(now: Date, currency: string): Promise<LedgerSummary>;
  /** Flagged callbacks whose review is not closed. */
  openReviewItems(): Promise<number>;
  /**
   * The ledger's rules (ledger-check.ts) checked over every table, a slice of keys at a time; takes
   * seconds at a million rows. Once `options.stop` is aborted the check ends after the query in
   * hand, rejecting with its reason.
   */
  ledgerCheck(options?: CheckOptions): Promise<LedgerCheck>;
}

type CreditRow = Selectable<Database['ledger_entries']>;
type AdjustmentRow = Selectable<Database['adjustments']>;

const creditEntry = (r: CreditRow): LedgerEntry => ({
  kind: 'credit',
  id: int(r.id),
  customerId: r.customer_id,
  amount: int(r.amount),
  currency: r.currency,
  createdAt: r.created_at,
  paymentId: r.payment_id,
  callbackId: int(r.callback_id),
  reason: null,
  actor: null,
});

const adjustmentEntry = (r: AdjustmentRow): LedgerEntry => ({
  kind: 'adjustment',
  id: int(r.id),
  customerId: r.customer_id,
  amount: int(r.amount),
  currency: r.currency,
  createdAt: r.created_at,
  paymentId: r.payment_id,
  callbackId: r.callback_id === null ? null : int(r.callback_id),
  reason: r.reason,
  actor: r.actor,
});

/** Where an entry stands in the ledger's order: by time, then kind, then id within the kind. */
export interface LedgerKey {
  createdAt: string;
  kind: LedgerEntry['kind'];
  id: number;
}

const ledgerOrder = (a: LedgerEntry, b: LedgerEntry) =>
  a.createdAt.localeCompare(b.createdAt) || a.kind.localeCompare(b.kind) || a.id - b.id;

/** The rows of a kind of entry that come after `key` in the ledger's order, read one way or the other. */
const beyond =
  (key: LedgerKey | undefined, kind: LedgerEntry['kind'], direction: 'asc' | 'desc') =>
  (eb: ExpressionBuilder<Database, 'ledger_entries' | 'adjustments'>) => {
    if (!key) return sql<SqlBool>`1 = 1`;
    const [past, reached] = direction === 'asc' ? (['>', '>='] as const) : (['<', '<='] as const);
    if (kind === key.kind) return eb(eb.refTuple('created_at', 'id'), past, eb.tuple(key.createdAt, key.id));
    // At the key's instant, the other kind's entries are all past the key or all before it.
    const kindPast = direction === 'asc' ? kind > key.kind : kind < key.kind;
    return eb(eb.ref('created_at') as Expression<string>, kindPast ? reached : past, key.createdAt);
  };

const DAY_MS = 86_400_000;
const SUMMARY_DAYS = 30;

/** `%text%` for LIKE, with LIKE's own characters taken literally (escape character `\`). */
const containing = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Whether any callback of the payment in the outer query was kept for review. */
const flaggedOf = (eb: ExpressionBuilder<Database, 'payments'>) =>
  eb.exists(
    eb
      .selectFrom('callbacks')
      .select(sql.lit(1).as('one'))
      .whereRef('callbacks.payment_id', '=', 'payments.payment_id')
      .where('callbacks.review_reason', 'is not', null),
  );

/**
 * A page of the payments opened in [from, to), newest first, after the cursor's (created_at,
 * payment_id). `sortFound`: read the rows the filters find and sort them, instead of walking the
 * creation index (SQLite's unary `+` keeps a term off any index).
 */
async function newestFirst<O extends { created_at: string; payment_id: string }, T>(
  select: SelectQueryBuilder<Database, 'payments', O>,
  { from, to }: { from?: string; to?: string },
  page: PageRequest,
  map: (row: O) => T,
  sortFound = false,
): Promise<Page<T>> {
  const createdAt = sortFound ? sql<string>`+created_at` : sql.ref<string>('created_at');
  if (from !== undefined) select = select.where(createdAt, '>=', new Date(from).toISOString());
  const before = to === undefined ? undefined : new Date(to).toISOString();
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, ['string', 'string']);
  // One upper bound, the tighter: given both, a planner may seek from `to` and walk every row
  // between it and the cursor, page after page.
  if (after !== undefined && (before === undefined || after[0] < before)) {
    const [at, paymentId] = after;
    select = select.where(sql<SqlBool>`(${createdAt}, payment_id) < (${at}, ${paymentId})`);
  } else if (before !== undefined) select = select.where(createdAt, '<', before);
  const rows = await select
    .orderBy(createdAt, 'desc')
    .orderBy('payment_id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return pageOf(rows, page.limit, (r) => [r.created_at, r.payment_id], map);
}

/** Runs a read; `guard` turns driver failures into the store's errors. */
export type ReadGuard = <T>(work: () => Promise<T>) => Promise<T>;

export interface OperatorReadsOptions {
  /**
   * Whether payments are indexed by customer (PostgreSQL). SQLite keeps no such index (migration
   * 0004): a customer's payments are then found by one read of the table and sorted, which costs
   * far less than walking the creation index and looking up every payment.
   */
  paymentsByCustomerIndex: boolean;
  /**
   * How the ledger feed tells the order entries became readable in: by `ids` where one writer
   * commits in id order (SQLite); by `transactions` where ids are handed out before commits in any
   * order (PostgreSQL: each entry's writing transaction, read only below the oldest one still open).
   */
  feedOrder: 'ids' | 'transactions';
}

export class KyselyOperatorReads implements OperatorReads {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly guard: ReadGuard,
    private readonly options: OperatorReadsOptions,
  ) {}

  accounts(query: AccountQuery, page: PageRequest): Promise<Page<Account>> {
    return this.guard(async () => {
      let select = this.db.selectFrom('accounts').selectAll();
      if (query.query !== undefined) {
        const pattern = containing(query.query);
        select = select.where((eb) =>
          eb.or([
            sql<SqlBool>`lower(customer_id) like ${pattern} escape '\\'`,
            sql<SqlBool>`lower(additional_customer_id) like ${pattern} escape '\\'`,
          ]),
        );
      }
      if (query.status !== undefined) select = select.where('status', '=', query.status);
      if (page.cursor !== undefined) {
        const [createdAt, customerId] = decodeCursor(page.cursor, ['string', 'string']);
        select = select.where((eb) => eb(eb.refTuple('created_at', 'customer_id'), '<', eb.tuple(createdAt, customerId)));
      }
      const rows = await select
        .orderBy('created_at', 'desc')
        .orderBy('customer_id', 'desc')
        .limit(page.limit + 1)
        .execute();
      return pageOf(rows, page.limit, (r) => [r.created_at, r.customer_id], toAccount);
    });
  }

  ledger(customerId: string, page: PageRequest): Promise<Page<LedgerEntry> | undefined> {
    return this.guard(async () => {
      const account = await this.db.selectFrom('accounts').select('customer_id').where('customer_id', '=', customerId).executeTakeFirst();
      if (!account) return undefined;
      // Entries sort by (created_at, kind, id), newest first; each kind is read in that order up to
      // a page's worth, after the cursor, and the two merged.
      const decoded = page.cursor === undefined ? undefined : decodeCursor(page.cursor, ['string', 'string', 'number']);
      const after: LedgerKey | undefined = decoded && { createdAt: decoded[0], kind: decoded[1] as LedgerKey['kind'], id: decoded[2] };
      const afterCursor = (kind: LedgerEntry['kind']) => beyond(after, kind, 'desc');
      const [credits, adjustments] = await Promise.all([
        this.db
          .selectFrom('ledger_entries')
          .selectAll()
          .where('customer_id', '=', customerId)
          .where(afterCursor('credit'))
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(page.limit + 1)
          .execute(),
        this.db
          .selectFrom('adjustments')
          .selectAll()
          .where('customer_id', '=', customerId)
          .where(afterCursor('adjustment'))
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(page.limit + 1)
          .execute(),
      ]);
      const entries = [...credits.map(creditEntry), ...adjustments.map(adjustmentEntry)];
      return pageOf(
        entries.sort((a, b) => ledgerOrder(b, a)),
        page.limit,
        (e) => [e.createdAt, e.kind, e.id],
        (e) => e,
      );
    });
  }

  ledgerInPeriod(period: { from: string; to: string }, { after, limit }: ListSlice<LedgerKey>): Promise<LedgerEntry[]> {
    return this.guard(() => this.entriesOfPeriod(period, after, limit, 'asc'));
  }

  ledgerOfPeriod(period: { from?: string; to?: string }, page: PageRequest): Promise<Page<LedgerEntry>> {
    return this.guard(async () => {
      const decoded = page.cursor === undefined ? undefined : decodeCursor(page.cursor, ['string', 'string', 'number']);
      const after: LedgerKey | undefined = decoded && { createdAt: decoded[0], kind: decoded[1] as LedgerKey['kind'], id: decoded[2] };
      const entries = await this.entriesOfPeriod(period, after, page.limit + 1, 'desc');
      return pageOf(
        entries,
        page.limit,
        (e) => [e.createdAt, e.kind, e.id],
        (e) => e,
      );
    });
  }

  ledgerFeed(after: FeedPosition, limit: number): Promise<LedgerFeed> {
    return this.guard(async () => {
      const byTransaction = this.options.feedOrder === 'transactions';
      await this.checkFeedPosition(after, byTransaction);
      const stream = (table: 'ledger_entries' | 'adjustments', { tx, id }: StreamPosition) => {
        const select = this.db.selectFrom(table).selectAll();
        return (
          byTransaction
            ? select
                .select(sql<string>`tx::text`.as('feed_tx'))
                .where(sql<SqlBool>`tx < pg_snapshot_xmin(pg_current_snapshot())`)
                .where(sql<SqlBool>`(tx, id) > (${tx}::xid8, ${id})`)
                .orderBy(sql`tx`)
            : select.select(sql<string>`'0'`.as('feed_tx')).where('id', '>', id)
        )
          .orderBy('id')
          .limit(limit + 1);
      };
      const [credits, adjustments] = await Promise.all([
        stream('ledger_entries', after.credit).execute() as Promise<Array<CreditRow & { feed_tx: string }>>,
        stream('adjustments', after.adjustment).execute() as Promise<Array<AdjustmentRow & { feed_tx: string }>>,
      ]);
      return mergeFeed(
        after,
        credits.map((r) => ({ tx: r.feed_tx, entry: creditEntry(r) })),
        adjustments.map((r) => ({ tx: r.feed_tx, entry: adjustmentEntry(r) })),
        limit,
      );
    });
  }

  ledgerFeedEnd(): Promise<FeedPosition> {
    return this.guard(async () => {
      type End = { credit_tx: string; credit_id: number | string | null; adjustment_tx: string; adjustment_id: number | string | null };
      // Both tables in one statement, one snapshot; on PostgreSQL the last entry below the feed's
      // horizon, so that one still being written, however early it began, is read after the end.
      const last = (table: 'ledger_entries' | 'adjustments') =>
        sql`(select tx, id from ${sql.table(table)} where tx < pg_snapshot_xmin(pg_current_snapshot()) order by tx desc, id desc limit 1)`;
      const query =
        this.options.feedOrder === 'transactions'
          ? sql<End>`
              select coalesce(c.tx::text, '0') as credit_tx, c.id as credit_id, coalesce(a.tx::text, '0') as adjustment_tx, a.id as adjustment_id
              from (select) as now
              left join lateral ${last('ledger_entries')} as c on true
              left join lateral ${last('adjustments')} as a on true`
          : sql<End>`
              select '0' as credit_tx, (select max(id) from ledger_entries) as credit_id,
                '0' as adjustment_tx, (select max(id) from adjustments) as adjustment_id`;
      const [end] = (await query.execute(this.db)).rows as [End];
      const stream = (tx: string, id: number | string | null): StreamPosition => ({ tx, id: id === null ? 0 : int(id) });
      return { credit: stream(end.credit_tx, end.credit_id), adjustment: stream(end.adjustment_tx, end.adjustment_id) };
    });
  }

  feedHeldBack(): Promise<FeedHeldBack> {
    // One writer commits in id order: an entry is readable once committed.
    if (this.options.feedOrder === 'ids') return Promise.resolve({ entries: 0, oldestCreatedAt: null });
    return this.guard(async () => {
      const held = (table: 'ledger_entries' | 'adjustments') =>
        sql`(select created_at from ${sql.table(table)} where tx >= pg_snapshot_xmin(pg_current_snapshot()) order by tx, id limit ${FEED_HELD_BACK_COUNTED})`;
      const { rows } = await sql<{ entries: number; oldest: string | null }>`
        select count(*)::int as entries, min(created_at) as oldest
        from (${held('ledger_entries')} union all ${held('adjustments')}) as held`.execute(this.db);
      const [row] = rows as [{ entries: number; oldest: string | null }];
      return { entries: row.entries, oldestCreatedAt: row.oldest };
    });
  }

  /** Refuses a position past what the store holds: the newest entries, and on PostgreSQL the next transaction. */
  private async checkFeedPosition(after: FeedPosition, byTransaction: boolean): Promise<void> {
    type Last = { last_credit_id: number | string | null; last_adjustment_id: number | string | null };
    type LastTransactions = { next_tx: string; last_credit_tx: string | null; last_adjustment_tx: string | null };
    const lastIds = sql`(select max(id) from ledger_entries) as last_credit_id, (select max(id) from adjustments) as last_adjustment_id`;
    const [last] = (
      byTransaction
        ? await sql<Last & LastTransactions>`
            select ${lastIds}, pg_snapshot_xmax(pg_current_snapshot())::text as next_tx,
              (select tx from ledger_entries order by tx desc limit 1)::text as last_credit_tx,
              (select tx from adjustments order by tx desc limit 1)::text as last_adjustment_tx`.execute(this.db)
        : await sql<Last & Partial<LastTransactions>>`select ${lastIds}`.execute(this.db)
    ).rows as [Last & Partial<LastTransactions>];
    const newest = (id: number | string | null) => (id === null ? 0 : int(id));
    checkFeedIds(after, { credit: newest(last.last_credit_id), adjustment: newest(last.last_adjustment_id) }, 'after');
    if (last.next_tx !== undefined) {
      checkFeedTransactions(after, last.next_tx, [last.last_credit_tx ?? null, last.last_adjustment_tx ?? null], 'after');
    }
  }

  /** Up to `limit` entries of [from, to) beyond `after`, in the ledger's order or against it. */
  private async entriesOfPeriod(
    period: { from?: string; to?: string },
    after: LedgerKey | undefined,
    limit: number,
    direction: 'asc' | 'desc',
  ): Promise<LedgerEntry[]> {
    const bound = (op: '>=' | '<', time: string | undefined) =>
      time === undefined ? undefined : ([op, new Date(time).toISOString()] as const);
    const [from, to] = [bound('>=', period.from), bound('<', period.to)];
    // The bound a read starts from, and the one it ends at.
    const [start, end] = direction === 'asc' ? [from, to] : [to, from];
    const inPeriod = (table: 'ledger_entries' | 'adjustments', kind: LedgerEntry['kind']) => {
      let select = this.db.selectFrom(table).selectAll();
      // The key is the only bound on its side: given two, SQLite seeks from the period's bound and
      // walks to the key, every slice.
      if (after) select = select.where(beyond(after, kind, direction));
      else if (start) select = select.where('created_at', start[0], start[1]);
      if (end) select = select.where('created_at', end[0], end[1]);
      return select.orderBy('created_at', direction).orderBy('id', direction).limit(limit);
    };
    const [credits, adjustments] = await Promise.all([
      inPeriod('ledger_entries', 'credit').execute() as Promise<CreditRow[]>,
      inPeriod('adjustments', 'adjustment').execute() as Promise<AdjustmentRow[]>,
    ]);
    const entries = [...credits.map(creditEntry), ...adjustments.map(adjustmentEntry)];
    return entries.sort(direction === 'asc' ? ledgerOrder : (a, b) => ledgerOrder(b, a)).slice(0, limit);
  }

  payments(query: PaymentQuery, page: PageRequest): Promise<Page<ListedPayment>> {
    return this.guard(async () => {
      let select = this.db
        .selectFrom('payments')
        .selectAll()
        .select((eb) => flaggedOf(eb).as('flagged'));
      if (query.customerId !== undefined) select = select.where('customer_id', '=', query.customerId);
      if (query.status !== undefined) select = select.where('status', '=', query.status);
      // The flagged ones from the review index (few); the others by elimination, row by row.
      if (query.flagged === true)
        select = select.where('payment_id', 'in', (eb) =>
          eb.selectFrom('callbacks').select('payment_id').where('review_reason', 'is not', null),
        );
      if (query.flagged === false) select = select.where((eb) => eb.not(flaggedOf(eb)));
      const sortFound = query.customerId !== undefined && !this.options.paymentsByCustomerIndex;
      return newestFirst(select, query, page, (r) => ({ ...toPayment(r), flagged: Boolean(r.flagged) }), sortFound);
    });
  }

  creditedPaymentIds(period: { from: string; to: string }, page: PageRequest): Promise<Page<string>> {
    return this.guard(async () => {
      const select = this.db.selectFrom('payments').select(['created_at', 'payment_id']).where('status', '=', 'success');
      return newestFirst(select, period, page, (r) => r.payment_id);
    });
  }

  payment(paymentId: string): Promise<PaymentWithCallbacks | undefined> {
    return this.guard(async () => {
      const row = await this.db
        .selectFrom('payments')
        .selectAll()
        .select((eb) => flaggedOf(eb).as('flagged'))
        .where('payment_id', '=', paymentId)
        .executeTakeFirst();
      if (!row) return undefined;
      const callbacks = await this.db.selectFrom('callbacks').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute();
      const check = await this.db.selectFrom('status_checks').selectAll().where('payment_id', '=', paymentId).executeTakeFirst();
      return {
        payment: { ...toPayment(row), flagged: Boolean(row.flagged) },
        callbacks: callbacks.map(toStoredCallback),
        statusCheck: check
          ? {
              lastAskedAt: check.last_asked_at,
              asks: int(check.asks),
              lastOutcome: check.last_outcome,
              lastPlatformStatus: check.last_platform_status,
            }
          : null,
      };
    });
  }

  paymentsByIds(paymentIds: readonly string[]): Promise<Map<string, Payment>> {
    return this.guard(async () => {
      if (paymentIds.length === 0) return new Map<string, Payment>();
      const rows = await this.db
        .selectFrom('payments')
        .selectAll()
        .where('payment_id', 'in', [...paymentIds])
        .execute();
      return new Map(rows.map((r) => [r.payment_id, toPayment(r)]));
    });
  }

  pendingPaymentsToAsk(createdBefore: Date, limit: number): Promise<PaymentToAsk[]> {
    return this.guard(async () => {
      const rows = await this.db
        .selectFrom('payments as p')
        .leftJoin('status_checks as c', 'c.payment_id', 'p.payment_id')
        .selectAll('p')
        .select('c.last_outcome')
        .where('p.status', '=', 'pending')
        // Implied by the line above; SQLite reads its index of unsettled payments only when told.
        .where('p.status', '<>', 'success')
        .where('p.created_at', '<', createdBefore.toISOString())
        .orderBy('c.last_asked_at', (order) => order.asc().nullsFirst())
        .orderBy('p.created_at')
        .orderBy('p.payment_id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ payment: toPayment(row), lastOutcome: row.last_outcome }));
    });
  }

  callbacks(query: CallbackQuery, page: PageRequest): Promise<Page<StoredCallback>> {
    return this.guard(async () => {
      let select = this.db.selectFrom('callbacks').selectAll();
      if (query.flagged !== undefined) select = select.where('review_reason', query.flagged ? 'is not' : 'is', null);
      if (query.reviewed !== undefined) select = select.where('reviewed_at', query.reviewed ? 'is not' : 'is', null);
      if (query.paymentId !== undefined) select = select.where('payment_id', '=', query.paymentId);
      if (page.cursor !== undefined) select = select.where('id', '<', decodeCursor(page.cursor, ['number'])[0]);
      const rows = await select
        .orderBy('id', 'desc')
        .limit(page.limit + 1)
        .execute();
      return pageOf(rows, page.limit, (r) => [int(r.id)], toStoredCallback);
    });
  }

  callback(id: number): Promise<StoredCallback | undefined> {
    return this.guard(async () => {
      const row = await this.db.selectFrom('callbacks').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toStoredCallback(row);
    });
  }

  rejectedCallbacks(page: PageRequest): Promise<Page<StoredRejectedCallback>> {
    return this.guard(async () => {
      let select = this.db.selectFrom('rejected_callbacks').selectAll();
      if (page.cursor !== undefined) select = select.where('id', '<', decodeCursor(page.cursor, ['number'])[0]);
      const rows = await select
        .orderBy('id', 'desc')
        .limit(page.limit + 1)
        .execute();
      return pageOf(rows, page.limit, (r) => [int(r.id)], toStoredRejectedCallback);
    });
  }

  auditLog(page: PageRequest): Promise<Page<AuditEntry>> {
    return this.guard(async () => {
      let select = this.db.selectFrom('audit_log').selectAll();
      if (page.cursor !== undefined) select = select.where('id', '<', decodeCursor(page.cursor, ['number'])[0]);
      const rows = await select
        .orderBy('id', 'desc')
        .limit(page.limit + 1)
        .execute();
      return pageOf(rows, page.limit, (r) => [int(r.id)], toAuditEntry);
    });
  }

  reconciliations(page: PageRequest): Promise<Page<ReconciliationRun>> {
    return this.guard(async () => {
      let select = this.db.selectFrom('reconciliation_runs').selectAll();
      if (page.cursor !== undefined) select = select.where('id', '<', decodeCursor(page.cursor, ['number'])[0]);
      const rows = await select
        .orderBy('id', 'desc')
        .limit(page.limit + 1)
        .execute();
      return pageOf(rows, page.limit, (r) => [int(r.id)], toRun);
    });
  }

  jobRuns(): Promise<JobRun[]> {
    return this.guard(async () => (await this.db.selectFrom('job_runs').selectAll().orderBy('job').execute()).map(toJobRun));
  }

  reconciledPeriods(source: string, since: string): Promise<Array<{ from: string; to: string }>> {
    // Runs are a handful a day: their table is read whole rather than indexed.
    return this.guard(async () => {
      const rows = await this.db
        .selectFrom('reconciliation_runs')
        .select(['period_from', 'period_to'])
        .distinct()
        .where('source', '=', source)
        .where('period_from', '>=', since)
        .where('period_to', 'is not', null)
        .orderBy('period_from')
        .orderBy('period_to')
        .execute();
      return rows.map((r) => ({ from: r.period_from!, to: r.period_to! }));
    });
  }

  reconciliation(id: number, page: PageRequest): Promise<{ run: ReconciliationRun; findings: Page<StoredFinding> } | undefined> {
    return this.guard(async () => {
      const run = await this.db.selectFrom('reconciliation_runs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!run) return undefined;
      let select = this.db.selectFrom('reconciliation_discrepancies').selectAll().where('run_id', '=', id);
      if (page.cursor !== undefined) select = select.where('id', '>', decodeCursor(page.cursor, ['number'])[0]);
      const rows = await select
        .orderBy('id')
        .limit(page.limit + 1)
        .execute();
      return { run: toRun(run), findings: pageOf(rows, page.limit, (r) => [int(r.id)], toFinding) };
    });
  }

  summary(now: Date, currency: string): Promise<LedgerSummary> {
    return this.guard(async () => {
      const to = now.toISOString();
      const dayOne = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (SUMMARY_DAYS - 1) * DAY_MS);
      const dayAt = (i: number) => new Date(dayOne.getTime() + i * DAY_MS).toISOString();
      const chartDays = Array.from({ length: SUMMARY_DAYS }, (_, i) => ({ from: dayAt(i), to: dayAt(i + 1) }));
      const [last24h, last30d, days, openReview, lastCallback] = await Promise.all([
        this.period(new Date(now.getTime() - DAY_MS).toISOString(), to, currency),
        this.period(new Date(now.getTime() - SUMMARY_DAYS * DAY_MS).toISOString(), to, currency),
        this.byDay(chartDays, to, currency),
        this.countOpenReviewItems(),
        this.db
          .selectFrom('callbacks')
          .select((eb) => eb.fn.max('last_received_at').as('at'))
          .executeTakeFirstOrThrow(),
      ]);
      return {
        generatedAt: to,
        currency,
        currencies: [...new Set([currency, ...last30d.currencies])].sort(),
        last24h: last24h.figures,
        last30d: last30d.figures,
        days,
        openReviewItems: openReview,
        lastCallbackReceivedAt: lastCallback.at ?? null,
      };
    });
  }

  openReviewItems(): Promise<number> {
    return this.guard(() => this.countOpenReviewItems());
  }

  private async countOpenReviewItems(): Promise<number> {
    const { count } = await this.db
      .selectFrom('callbacks')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('review_reason', 'is not', null)
      .where('reviewed_at', 'is', null)
      .executeTakeFirstOrThrow();
    return int(count);
  }

  ledgerCheck(options?: CheckOptions): Promise<LedgerCheck> {
    return this.guard(() =>
      checkLedger(async (query, parameters) => (await withParameters(query, parameters).execute(this.db)).rows, options),
    );
  }

  /**
   * Payments opened and amounts credited in `currency` on each day [from, to), up to and including
   * `until`. Each day is a range of a creation index; grouping a month's rows by day instead sorted
   * them all.
   */
  private async byDay(days: readonly { from: string; to: string }[], until: string, currency: string): Promise<DayFigures[]> {
    const ranges = sql`days (day_from, day_to) as (values ${sql.join(days.map((d) => sql`(${d.from}, ${d.to})`))})`;
    const inDay = sql`created_at >= day_from and created_at < day_to and created_at <= ${until} and currency = ${currency}`;
    type Row = { day_from: string; value: number | string | null };
    const [payments, credited] = await Promise.all([
      sql<Row>`with ${ranges} select day_from, (select count(*) from payments where ${inDay}) as value from days`.execute(this.db),
      sql<Row>`with ${ranges} select day_from, (select sum(amount) from ledger_entries where ${inDay}) as value from days`.execute(this.db),
    ]);
    const byStart = (rows: Row[]) => new Map(rows.map((r) => [r.day_from, r.value === null ? 0 : int(r.value)]));
    const [paymentsOn, creditedOn] = [byStart(payments.rows), byStart(credited.rows)];
    return days.map(({ from }) => ({
      date: from.slice(0, 10),
      payments: paymentsOn.get(from) ?? 0,
      creditedAmount: creditedOn.get(from) ?? 0,
    }));
  }

  /**
   * Payments in `currency` opened after `from` up to and including `to`, by status, and what was
   * credited in it then; and the currencies of every payment of the period (read with them: the
   * rows are read for their status anyway).
   */
  private async period(from: string, to: string, currency: string): Promise<{ figures: PeriodFigures; currencies: string[] }> {
    const [byStatus, credited] = await Promise.all([
      this.db
        .selectFrom('payments')
        .select([
          'status',
          'currency',
          (eb) => eb.fn.countAll<number | string>().as('count'),
          (eb) => eb.fn.sum<number | string>('amount').as('amount'),
        ])
        .where('created_at', '>', from)
        .where('created_at', '<=', to)
        .groupBy(['status', 'currency'])
        .execute(),
      this.db
        .selectFrom('ledger_entries')
        .select((eb) => eb.fn.sum<number | string | null>('amount').as('amount'))
        .where('created_at', '>', from)
        .where('created_at', '<=', to)
        .where('currency', '=', currency)
        .executeTakeFirstOrThrow(),
    ]);
    const figures: PeriodFigures = {
      from,
      to,
      byStatus: byStatus
        .filter((r) => r.currency === currency)
        .map((r) => ({ status: r.status, count: int(r.count), amount: int(r.amount) }))
        .sort((a, b) => b.count - a.count || a.status.localeCompare(b.status)),
      creditedAmount: credited.amount === null ? 0 : int(credited.amount),
    };
    return { figures, currencies: [...new Set(byStatus.map((r) => r.currency))] };
  }
}

/** `query` with its `?` parameters bound through Kysely, which writes each as its dialect does. */
function withParameters(query: string, parameters: readonly string[]): RawBuilder<Record<string, unknown>> {
  const [head = '', ...tail] = query.split('?');
  return sql.join([sql.raw(head), ...tail.map((text, i) => sql`${parameters[i]}${sql.raw(text)}`)], sql.raw(''));
}
