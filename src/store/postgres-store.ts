// The Store on PostgreSQL, through Kysely and a pg pool: any number of instances may share one
// database. The platform's three operations skip the query builder (postgres/hot-paths.ts). Every
// write that moves money is one transaction; the unique key on ledger_entries.payment_id is what
// makes a second credit impossible, whatever the number, order, concurrency or instance of
// callback deliveries.
import { Kysely, sql, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { StorePool } from './postgres/driver-boundary.js';
import { HotPaths } from './postgres/hot-paths.js';
import type { JobLocks } from './postgres/job-locks.js';
import {
  ACCOUNT_STATUS_ACTIONS,
  judgeAccountStatusChange,
  judgeAccountCreate,
  judgeAdjustment,
  judgeReview,
  paymentSettledBy,
  type AccountStatusRequest,
  type AccountCreateRequest,
  type AccountOutcome,
  type AdjustmentOutcome,
  type AdjustmentRequest,
  type ReviewOutcome,
  type ReviewRequest,
} from '../ledger/operator-rules.js';
import type {
  Account,
  AccountStatus,
  AuditEntry,
  CallbackOutcome,
  Payment,
  ReconciliationFinding,
  ReconciliationRun,
  StoredCallback,
  StoredRejectedCallback,
} from '../ledger/model.js';
import { bodySha256 } from './body-digest.js';
import { expireInBatches, type ExpiryOptions } from './expire-in-batches.js';
import { MIGRATION_NAMES } from './migration-names.js';
import { migratorFor, throwIfMigrationFailed } from './migrations.js';
import { KyselyOperatorReads, type OperatorReads } from './operator-reads.js';
import { auditRow, statusCheckAuditRow, toAdjustment, toAuditEntry } from './operator-rows.js';
import { jobRunRow, type JobRunRecord } from './job-runs.js';
import { findingRow, runRow, toRun, type NewRun } from './reconciliation-rows.js';
import { toStoredRejectedCallback } from './rejected-callback-row.js';
import type { Database } from './schema.js';
import { int, toAccount, toPayment, toStoredCallback } from './table-rows.js';
import {
  AccountExistsError,
  StoreUnavailableError,
  type CallbackFilter,
  type IncomingCallback,
  type ListSlice,
  type NewAccount,
  type PaymentKey,
  type PaymentOpening,
  type PaymentToOpen,
  type PaymentFilter,
  type PoolUsage,
  type RejectedCallback,
  type StatusCheck,
  type Store,
} from './store.js';
import { isTransientStoreError, isUniqueViolation } from './transient-errors.js';

type Db = Kysely<Database>;

function accountRow(account: NewAccount) {
  const now = new Date().toISOString();
  return {
    customer_id: account.customerId,
    currency: account.currency,
    status: 'active' as const,
    additional_customer_id: account.additionalCustomerId ?? null,
    created_at: now,
    updated_at: now,
  };
}

/** Appends an operator action's audit-log row, in the transaction of its effect; answers its outcome. */
async function audited<T extends object>(trx: Transaction<Database>, action: string, request: { actor: string }, outcome: T): Promise<T> {
  await trx
    .insertInto('audit_log')
    .values(auditRow(request.actor, action, request, outcome))
    .execute();
  return outcome;
}

/** The account row, locked against concurrent operator actions and payments until commit. */
async function lockedAccount(trx: Transaction<Database>, customerId: string): Promise<Account | undefined> {
  const row = await trx.selectFrom('accounts').selectAll().where('customer_id', '=', customerId).forUpdate().executeTakeFirst();
  return row && toAccount(row);
}

/** Runs `work` on a database session opened for it alone, and closes the session after. */
export type MigrationSession = <T>(work: (db: Db) => Promise<T>) => Promise<T>;

/** What a PostgreSQL store is made of (postgres/pools.ts says why each is apart). */
export interface PostgresStoreParts {
  /** Over the operators' pool: everything but the platform's operations. */
  db: Db;
  /** The platform's operations' own pool (postgres/hot-paths.ts). */
  pool: StorePool;
  /** Holds the jobs' locks on sessions of their own. */
  locks: JobLocks;
  /** Where migrations run: statements without the operators' limit. */
  migrationSession: MigrationSession;
  /** What the pools are doing. */
  usage: () => readonly PoolUsage[];
}

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;

  private readonly db: Db;
  private readonly pool: StorePool;
  private readonly locks: JobLocks;
  private readonly migrationSession: MigrationSession;
  private readonly usage: () => readonly PoolUsage[];
  private readonly reads: OperatorReads;
  private readonly hot: HotPaths;

  constructor(parts: PostgresStoreParts) {
    this.db = parts.db;
    this.pool = parts.pool;
    this.locks = parts.locks;
    this.migrationSession = parts.migrationSession;
    this.usage = parts.usage;
    this.reads = new KyselyOperatorReads(this.db, (work) => this.guard(work), { paymentsByCustomerIndex: true, feedOrder: 'transactions' });
    this.hot = new HotPaths(this.pool);
  }

  operatorReads(): Promise<OperatorReads> {
    return Promise.resolve(this.reads);
  }

  /** Store calls not yet answered; close() waits for them. */
  private inFlight = 0;
  private closing = false;
  private whenIdle?: () => void;

  /** Runs a store call, turning driver failures that may pass into StoreUnavailableError. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    if (this.closing) throw new StoreUnavailableError(new Error('the store is closing'));
    this.inFlight++;
    try {
      return await work();
    } catch (error) {
      throw isTransientStoreError(error) ? new StoreUnavailableError(error) : error;
    } finally {
      if (--this.inFlight === 0) this.whenIdle?.();
    }
  }

  private write<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.guard(() => this.db.transaction().execute(work));
  }

  // Kysely's migrator looks for its tables through every table of every schema of the database: a
  // schema or table dropped meanwhile by anyone sharing the database can fail that look, before
  // anything is migrated (no migration's result then). So it runs only when a migration is pending,
  // and again after a failure that came before any migration.
  async migrate(): Promise<void> {
    if ((await this.pendingMigrations()).length === 0) return;
    for (let attempt = 1; ; attempt++) {
      const result = await this.migrationSession(async (db) => (await migratorFor(db, 'postgres')).migrateToLatest());
      if (attempt < 3 && result.error !== undefined && result.results === undefined) continue;
      throwIfMigrationFailed(result);
      return;
    }
  }

  /** The migrations not applied, read from this schema's own bookkeeping table. */
  pendingMigrations(): Promise<string[]> {
    return this.guard(async () => {
      const { rows: here } = await sql<{ schema: string | null; present: boolean }>`
        select current_schema() as schema, to_regclass(format('%I.kysely_migration', current_schema())) is not null as present`.execute(
        this.db,
      );
      const schema = here[0]?.schema;
      // No bookkeeping table yet: a new schema.
      if (!schema || !here[0]?.present) return [...MIGRATION_NAMES];
      const { rows } = await sql<{ name: string }>`select name from ${sql.id(schema, 'kysely_migration')}`.execute(this.db);
      const applied = new Set(rows.map((r) => r.name));
      return MIGRATION_NAMES.filter((name) => !applied.has(name));
    });
  }

  /** Asks the platform's pool: ready means ready to answer the platform. */
  ping(): Promise<void> {
    return this.guard(async () => {
      await this.pool.query({ text: 'select 1' });
    });
  }

  /** Answers the calls already made (a stopping service's last requests), then ends the pools. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.whenIdle = resolve));
    await Promise.all([this.db.destroy(), this.pool.end(), this.locks.close()]);
  }

  findAccount(customerId: string): Promise<Account | undefined> {
    return this.guard(() => this.hot.findAccount(customerId));
  }

  async addAccount(account: NewAccount): Promise<Account> {
    try {
      return await this.write(async (trx) =>
        toAccount(await trx.insertInto('accounts').values(accountRow(account)).returningAll().executeTakeFirstOrThrow()),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new AccountExistsError(account.customerId);
      throw error;
    }
  }

  async ensureAccount(account: NewAccount): Promise<void> {
    await this.write((trx) =>
      trx
        .insertInto('accounts')
        .values(accountRow(account))
        .onConflict((oc) => oc.column('customer_id').doNothing())
        .execute(),
    );
  }

  closeAccount(customerId: string): Promise<Account | undefined> {
    return this.write(async (trx) => {
      const row = await trx
        .updateTable('accounts')
        .set({ status: 'closed', updated_at: new Date().toISOString() })
        .where('customer_id', '=', customerId)
        .returningAll()
        .executeTakeFirst();
      return row && toAccount(row);
    });
  }

  createAccountAsOperator(request: AccountCreateRequest): Promise<AccountOutcome> {
    return this.write(async (trx): Promise<AccountOutcome> => {
      const invalid = judgeAccountCreate(request, undefined);
      if (invalid) return audited(trx, 'accounts.create', request, { refused: invalid });
      // On conflict nothing is inserted and the transaction stays usable: a concurrent create of
      // the same id is refused as existing, like an earlier one.
      const inserted = await trx
        .insertInto('accounts')
        .values(accountRow(request))
        .onConflict((oc) => oc.column('customer_id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return audited(trx, 'accounts.create', request, { account: toAccount(inserted) });
      const refused = judgeAccountCreate(request, await lockedAccount(trx, request.customerId));
      return audited(trx, 'accounts.create', request, {
        refused: refused ?? { reason: 'exists', message: `account ${request.customerId} already exists` },
      });
    });
  }

  closeAccountAsOperator(request: AccountStatusRequest): Promise<AccountOutcome> {
    return this.changeAccountStatus(request, 'closed');
  }

  reopenAccountAsOperator(request: AccountStatusRequest): Promise<AccountOutcome> {
    return this.changeAccountStatus(request, 'active');
  }

  private changeAccountStatus(request: AccountStatusRequest, status: AccountStatus): Promise<AccountOutcome> {
    const action = ACCOUNT_STATUS_ACTIONS[status];
    return this.write(async (trx): Promise<AccountOutcome> => {
      const judged = judgeAccountStatusChange(request, status, await lockedAccount(trx, request.customerId));
      if ('refused' in judged) return audited(trx, action, request, judged);
      const row = await trx
        .updateTable('accounts')
        .set({ status, updated_at: new Date().toISOString() })
        .where('customer_id', '=', request.customerId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return audited(trx, action, request, { account: toAccount(row) });
    });
  }

  openPayment(payment: PaymentToOpen): Promise<PaymentOpening> {
    return this.guard(() => this.hot.openPayment(payment));
  }

  listPayments(filter: PaymentFilter, slice?: ListSlice<PaymentKey>): Promise<Payment[]> {
    return this.guard(async () => {
      let query = this.db.selectFrom('payments').selectAll();
      if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (slice?.after !== undefined) {
        const { createdAt, paymentId } = slice.after;
        query = query.where((eb) => eb(eb.refTuple('created_at', 'payment_id'), '>', eb.tuple(createdAt, paymentId)));
      }
      query = query.orderBy('created_at').orderBy('payment_id');
      if (slice !== undefined) query = query.limit(slice.limit);
      return (await query.execute()).map(toPayment);
    });
  }

  expirePendingPayments(cutoff: Date, options?: ExpiryOptions): Promise<number> {
    const expireBatch = (limit: number) =>
      this.write(async (trx) => {
        // A payment a callback holds is skipped, not waited for: the callback settles it.
        const due = trx
          .selectFrom('payments')
          .select('payment_id')
          .where('status', '=', 'pending')
          .where('created_at', '<', cutoff.toISOString())
          .orderBy('created_at')
          .limit(limit)
          .forUpdate()
          .skipLocked();
        const result = await trx
          .updateTable('payments')
          .set({ status: 'expired', updated_at: new Date().toISOString() })
          .where('payment_id', 'in', due)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      });
    return expireInBatches(expireBatch, options);
  }

  recordJobRun(run: JobRunRecord): Promise<void> {
    return this.write(async (trx) => {
      await trx
        .insertInto('job_runs')
        .values(jobRunRow(run))
        .onConflict((conflict) =>
          conflict.column('job').doUpdateSet((eb) => ({
            started_at: eb.ref('excluded.started_at'),
            finished_at: eb.ref('excluded.finished_at'),
            outcome: eb.ref('excluded.outcome'),
            error: eb.ref('excluded.error'),
            last_done_at: eb.fn.coalesce('excluded.last_done_at', 'job_runs.last_done_at'),
          })),
        )
        .execute();
    });
  }

  recordStatusCheck(check: StatusCheck): Promise<void> {
    return this.write(async (trx) => {
      const row = {
        payment_id: check.paymentId,
        last_asked_at: check.askedAt.toISOString(),
        last_outcome: check.outcome,
        last_platform_status: check.platformStatus ?? null,
      };
      await trx
        .insertInto('status_checks')
        .values({ ...row, asks: 1 })
        .onConflict((conflict) =>
          conflict.column('payment_id').doUpdateSet((eb) => ({
            last_asked_at: eb.ref('excluded.last_asked_at'),
            asks: eb('status_checks.asks', '+', 1),
            last_outcome: eb.ref('excluded.last_outcome'),
            last_platform_status: eb.ref('excluded.last_platform_status'),
          })),
        )
        .execute();
      const audit = statusCheckAuditRow(check);
      if (audit) await trx.insertInto('audit_log').values(audit).execute();
    });
  }

  applyCallback(callback: IncomingCallback): Promise<CallbackOutcome> {
    return this.guard(() => this.hot.applyCallback(callback));
  }

  async keepRejectedCallback(callback: RejectedCallback): Promise<void> {
    const now = callback.receivedAt.toISOString();
    await this.write((trx) =>
      trx
        .insertInto('rejected_callbacks')
        .values({
          body_sha256: bodySha256(callback.rawBody),
          raw_body: callback.rawBody,
          headers: JSON.stringify(callback.headers),
          reason: callback.reason,
          received_at: now,
          last_received_at: now,
          deliveries: 1,
        })
        .onConflict((oc) =>
          oc.column('body_sha256').doUpdateSet({ deliveries: sql`rejected_callbacks.deliveries + 1`, last_received_at: now }),
        )
        .execute(),
    );
  }

  listCallbacks(filter: CallbackFilter, slice?: ListSlice<number>): Promise<StoredCallback[]> {
    return this.guard(async () => {
      let query = this.db.selectFrom('callbacks').selectAll();
      if (filter.paymentId !== undefined) query = query.where('payment_id', '=', filter.paymentId);
      if (filter.flagged) query = query.where('review_reason', 'is not', null);
      return (await inSlice(query, slice).execute()).map(toStoredCallback);
    });
  }

  async addAdjustment(request: AdjustmentRequest): Promise<AdjustmentOutcome> {
    return this.write(async (trx): Promise<AdjustmentOutcome> => {
      const callback =
        request.callbackId === undefined
          ? undefined
          : await trx.selectFrom('callbacks').select(['id', 'payment_id']).where('id', '=', request.callbackId).executeTakeFirst();
      // The payment before the account, the order a callback locks them in: a callback crediting
      // it and this adjustment queue up rather than deadlock.
      const paymentId = request.paymentId ?? callback?.payment_id;
      const paymentRow =
        paymentId === undefined
          ? undefined
          : await trx.selectFrom('payments').selectAll().where('payment_id', '=', paymentId).forUpdate().executeTakeFirst();
      // Concurrent adjustments of one balance queue up on its row.
      const account = await lockedAccount(trx, request.customerId);
      const earlierRow = await trx
        .selectFrom('adjustments')
        .selectAll()
        .where('idempotency_key', '=', request.idempotencyKey)
        .executeTakeFirst();
      const earlier = earlierRow && toAdjustment(earlierRow);
      const payment = paymentRow && toPayment(paymentRow);
      const judged = judgeAdjustment(request, {
        account,
        earlier,
        callback: callback && { id: Number(callback.id), paymentId: callback.payment_id },
        payment,
      });
      if ('refused' in judged) return audited(trx, 'adjustments.add', request, judged);
      // A retried request: the first answer, and nothing written.
      if (earlier) return { adjustment: earlier, balance: judged.account.balance, replayed: true };
      const now = new Date().toISOString();
      const row = await trx
        .insertInto('adjustments')
        .values({
          idempotency_key: request.idempotencyKey,
          customer_id: request.customerId,
          amount: request.amount,
          currency: judged.account.currency,
          reason: request.reason,
          callback_id: request.callbackId ?? null,
          payment_id: request.paymentId ?? null,
          actor: request.actor,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('accounts')
        .set({ balance: sql`balance + ${request.amount}`, updated_at: now })
        .where('customer_id', '=', request.customerId)
        .execute();
      const settles = paymentSettledBy(request, payment);
      if (settles) {
        await trx
          .updateTable('payments')
          .set({ settled_by_adjustment: row.id, updated_at: now })
          .where('payment_id', '=', settles)
          .execute();
      }
      return audited(trx, 'adjustments.add', request, {
        adjustment: toAdjustment(row),
        balance: judged.account.balance + request.amount,
        replayed: false,
      });
    });
  }

  reviewCallback(request: ReviewRequest): Promise<ReviewOutcome> {
    return this.write(async (trx): Promise<ReviewOutcome> => {
      const row = await trx
        .selectFrom('callbacks')
        .select(['id', 'review_reason', 'reviewed_at', 'reviewed_by'])
        .where('id', '=', request.callbackId)
        .forUpdate()
        .executeTakeFirst();
      const callback = row && {
        id: int(row.id),
        reviewReason: row.review_reason,
        reviewedAt: row.reviewed_at,
        reviewedBy: row.reviewed_by,
      };
      const judged = judgeReview(request, callback);
      if ('refused' in judged) return audited(trx, 'callbacks.review', request, judged);
      const now = new Date().toISOString();
      await trx
        .updateTable('callbacks')
        .set({ reviewed_at: now, reviewed_by: request.actor, review_note: request.note })
        .where('id', '=', request.callbackId)
        .execute();
      return audited(trx, 'callbacks.review', request, { reviewed: { ...judged.callback, reviewedAt: now, reviewedBy: request.actor } });
    });
  }

  runExclusively<T>(job: string, work: () => Promise<T>): Promise<T | undefined> {
    return this.locks.runExclusively(job, work);
  }

  poolUsage(): readonly PoolUsage[] {
    return this.usage();
  }

  recordReconciliation(run: NewRun, findings: readonly ReconciliationFinding[]): Promise<ReconciliationRun> {
    return this.write(async (trx) => {
      const stored = await trx
        .insertInto('reconciliation_runs')
        .values(runRow(run, findings.length))
        .returningAll()
        .executeTakeFirstOrThrow();
      const id = int(stored.id);
      // Many rows a statement, within PostgreSQL's limit of parameters.
      for (let at = 0; at < findings.length; at += 1000) {
        await trx
          .insertInto('reconciliation_discrepancies')
          .values(findings.slice(at, at + 1000).map((f) => findingRow(id, f)))
          .execute();
      }
      return toRun(stored);
    });
  }

  listAuditLog(slice?: ListSlice<number>): Promise<AuditEntry[]> {
    return this.guard(async () => (await inSlice(this.db.selectFrom('audit_log').selectAll(), slice).execute()).map(toAuditEntry));
  }

  listRejectedCallbacks(slice?: ListSlice<number>): Promise<StoredRejectedCallback[]> {
    return this.guard(async () =>
      (await inSlice(this.db.selectFrom('rejected_callbacks').selectAll(), slice).execute()).map(toStoredRejectedCallback),
    );
  }
}

/** A table's rows in id order: after the slice's id and at most its limit, or all of them. */
function inSlice<T extends 'callbacks' | 'audit_log' | 'rejected_callbacks', O>(
  query: SelectQueryBuilder<Database, T, O>,
  slice: ListSlice<number> | undefined,
): SelectQueryBuilder<Database, T, O> {
  const id = sql.ref<number>('id');
  if (slice?.after !== undefined) query = query.where(id, '>', slice.after);
  query = query.orderBy(id);
  return slice === undefined ? query : query.limit(slice.limit);
}
