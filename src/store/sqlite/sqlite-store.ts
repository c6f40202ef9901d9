// The Store on SQLite. Reads run on this thread's connection, those of one turn of the event loop
// in one read transaction (WAL readers never wait for the writer); writes go to a Writer — the
// writer thread for a database file, this connection for an in-memory one — as named operations
// (write-operations.ts), group-committed.
import type BetterSqlite3 from 'better-sqlite3';
import type {
  Account,
  AuditEntry,
  CallbackOutcome,
  Payment,
  ReconciliationFinding,
  ReconciliationRun,
  StoredCallback,
  StoredRejectedCallback,
} from '../../ledger/model.js';
import { MIGRATION_NAMES } from '../migration-names.js';
import type {
  AccountStatusRequest,
  AccountCreateRequest,
  AccountOutcome,
  AdjustmentOutcome,
  AdjustmentRequest,
  ReviewOutcome,
  ReviewRequest,
} from '../../ledger/operator-rules.js';
import type { OperatorReads } from '../operator-reads.js';
import type { Database } from '../schema.js';
import { expireInBatches, type ExpiryOptions } from '../expire-in-batches.js';
import type { JobRunRecord } from '../job-runs.js';
import type { NewRun } from '../reconciliation-rows.js';
import { AUDIT_COLUMNS, toAuditEntry, type AuditRow } from '../operator-rows.js';
import { REJECTED_CALLBACK_COLUMNS, toStoredRejectedCallback, type RejectedCallbackRow } from '../rejected-callback-row.js';
import type {
  CallbackFilter,
  CommitListener,
  IncomingCallback,
  ListSlice,
  NewAccount,
  PaymentFilter,
  PaymentKey,
  PaymentOpening,
  PaymentToOpen,
  RejectedCallback,
  StatusCheck,
  Store,
} from '../store.js';
import { InlineWriter } from './inline-writer.js';
import { toAccount, toPayment, toStoredCallback, type CallbackRow, type PaymentRow } from './rows.js';
import { byIdQuery, paymentsListQuery } from './list-queries.js';
import { statementsOf } from './statements.js';
import { asStoreError } from './store-errors.js';
import type { Writer } from './write-operations.js';

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly sql;
  private readonly writer: Writer;
  private reads: Array<() => void> = [];
  private operatorReadsOnce?: Promise<OperatorReads>;
  private closeReader?: () => Promise<void>;

  /** Without a writer, writes run inline on `db`. */
  constructor(
    private readonly db: BetterSqlite3.Database,
    writer?: Writer,
  ) {
    this.sql = statementsOf(db);
    this.writer = writer ?? new InlineWriter(db, this.sql);
  }

  private read<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.reads.push(() => {
        try {
          resolve(work());
        } catch (error) {
          reject(asStoreError(error, this.db));
        }
      });
      if (this.reads.length === 1) setImmediate(this.runReads);
    });
  }

  // Each read transaction costs a lock, an unlock and a size check on the database files (system
  // calls, the larger part of an indexed read): the reads of one turn share one.
  private readonly runReads = (): void => {
    const reads = this.reads;
    this.reads = [];
    const db = this.db;
    let began = false;
    try {
      if (db.open && !db.inTransaction) {
        db.exec('BEGIN');
        began = true;
      }
    } catch {
      // Each read then runs on its own and reports its own error.
    }
    for (const read of reads) read();
    if (began && db.inTransaction) {
      try {
        db.exec('COMMIT');
      } catch {
        db.exec('ROLLBACK');
      }
    }
  };

  /** The migrations not recorded as applied; read directly, without loading the migrator. */
  private unapplied(): string[] {
    let applied: Set<string>;
    try {
      applied = new Set(
        this.db
          .prepare<[], { name: string }>('select name from kysely_migration')
          .all()
          .map((r) => r.name),
      );
    } catch {
      // No bookkeeping table yet: a new database.
      applied = new Set();
    }
    return MIGRATION_NAMES.filter((name) => !applied.has(name));
  }

  pendingMigrations(): Promise<string[]> {
    return this.read(() => this.unapplied());
  }

  async migrate(): Promise<void> {
    if (this.unapplied().length === 0) return;
    const [{ Kysely, SqliteDialect }, { migratorFor, throwIfMigrationFailed }] = await Promise.all([
      import('kysely'),
      import('../migrations.js'),
    ]);
    // Kysely's migrator on this same connection; not destroyed, as that would close the database.
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: this.db }) });
    throwIfMigrationFailed(await (await migratorFor(kysely, 'sqlite')).migrateToLatest());
  }

  onCommit(listener: CommitListener): void {
    this.writer.onCommit(listener);
  }

  ping(): Promise<void> {
    return this.read(() => void this.sql().ping.get());
  }

  async close(): Promise<void> {
    await Promise.all([this.writer.close(), this.closeReader?.()]);
    // Reads already queued still get their answer.
    if (this.reads.length > 0) await new Promise((resolve) => setImmediate(resolve));
    this.db.close();
  }

  findAccount(customerId: string): Promise<Account | undefined> {
    return this.read(() => {
      const row = this.sql().account.get(customerId);
      return row && toAccount(row);
    });
  }

  addAccount(account: NewAccount): Promise<Account> {
    return this.writer.run('addAccount', account);
  }

  ensureAccount(account: NewAccount): Promise<void> {
    return this.writer.run('ensureAccount', account);
  }

  closeAccount(customerId: string): Promise<Account | undefined> {
    return this.writer.run('closeAccount', customerId);
  }

  openPayment(payment: PaymentToOpen): Promise<PaymentOpening> {
    return this.writer.run('openPayment', payment);
  }

  listPayments(filter: PaymentFilter, slice?: ListSlice<PaymentKey>): Promise<Payment[]> {
    return this.read(() => {
      const { text, params } = paymentsListQuery(filter, slice);
      return this.db
        .prepare<unknown[], PaymentRow>(text)
        .raw(true)
        .all(...params)
        .map(toPayment);
    });
  }

  expirePendingPayments(cutoff: Date, options?: ExpiryOptions): Promise<number> {
    return expireInBatches((limit) => this.writer.run('expirePendingPayments', { cutoff: cutoff.toISOString(), limit }), options);
  }

  recordJobRun(run: JobRunRecord): Promise<void> {
    return this.writer.run('recordJobRun', run);
  }

  recordStatusCheck(check: StatusCheck): Promise<void> {
    return this.writer.run('recordStatusCheck', { ...check, askedAt: check.askedAt.toISOString() });
  }

  applyCallback(callback: IncomingCallback): Promise<CallbackOutcome> {
    return this.writer.run('applyCallback', {
      facts: callback.facts,
      rawBody: callback.rawBody,
      headers: callback.headers,
      receivedAt: callback.receivedAt.toISOString(),
      ...(callback.source && { source: callback.source }),
      ...(callback.reviewIfCredited && { reviewIfCredited: callback.reviewIfCredited }),
    });
  }

  keepRejectedCallback(callback: RejectedCallback): Promise<void> {
    return this.writer.run('keepRejectedCallback', {
      rawBody: callback.rawBody,
      headers: callback.headers,
      reason: callback.reason,
      receivedAt: callback.receivedAt.toISOString(),
    });
  }

  listCallbacks(filter: CallbackFilter, slice?: ListSlice<number>): Promise<StoredCallback[]> {
    return this.read(() => {
      const filters: string[] = [];
      const params: string[] = [];
      if (filter.paymentId !== undefined) {
        filters.push('payment_id = ?');
        params.push(filter.paymentId);
      }
      if (filter.flagged) filters.push('review_reason is not null');
      const { text, params: all } = byIdQuery('select * from callbacks', slice, filters, params);
      return this.db
        .prepare<unknown[], CallbackRow>(text)
        .all(...all)
        .map(toStoredCallback);
    });
  }

  addAdjustment(request: AdjustmentRequest): Promise<AdjustmentOutcome> {
    return this.writer.run('addAdjustment', request);
  }

  reviewCallback(request: ReviewRequest): Promise<ReviewOutcome> {
    return this.writer.run('reviewCallback', request);
  }

  listAuditLog(slice?: ListSlice<number>): Promise<AuditEntry[]> {
    return this.read(() => byId<AuditRow>(this.db, `select ${AUDIT_COLUMNS} from audit_log`, slice).map(toAuditEntry));
  }

  createAccountAsOperator(request: AccountCreateRequest): Promise<AccountOutcome> {
    return this.writer.run('createAccountAsOperator', request);
  }

  closeAccountAsOperator(request: AccountStatusRequest): Promise<AccountOutcome> {
    return this.writer.run('closeAccountAsOperator', request);
  }

  reopenAccountAsOperator(request: AccountStatusRequest): Promise<AccountOutcome> {
    return this.writer.run('reopenAccountAsOperator', request);
  }

  /**
   * Kysely, loaded on first use (the platform's requests never need it), over the reader thread's
   * connection: an operator's query, however long, never holds up the platform's requests. A
   * database in memory has no second connection, and is read on this one.
   */
  operatorReads(): Promise<OperatorReads> {
    this.operatorReadsOnce ??= Promise.all([import('kysely'), import('../operator-reads.js'), import('./reader-dialect.js')]).then(
      ([{ Kysely, SqliteDialect }, { KyselyOperatorReads }, { readerThreadDialect }]) => {
        const onReader = !this.db.memory;
        const kysely = new Kysely<Database>({
          dialect: onReader ? readerThreadDialect(this.db.name) : new SqliteDialect({ database: this.db }),
        });
        // Destroying the in-memory one would close this connection, which close() does itself.
        if (onReader) this.closeReader = () => kysely.destroy();
        const guard = async <T>(work: () => Promise<T>) => {
          try {
            return await work();
          } catch (error) {
            throw asStoreError(error, this.db);
          }
        };
        return new KyselyOperatorReads(kysely, guard, { paymentsByCustomerIndex: false, feedOrder: 'ids' });
      },
    );
    return this.operatorReadsOnce;
  }

  private readonly runningJobs = new Set<string>();

  async runExclusively<T>(job: string, work: () => Promise<T>): Promise<T | undefined> {
    if (this.runningJobs.has(job)) return undefined;
    this.runningJobs.add(job);
    try {
      return await work();
    } finally {
      this.runningJobs.delete(job);
    }
  }

  recordReconciliation(run: NewRun, findings: readonly ReconciliationFinding[]): Promise<ReconciliationRun> {
    return this.writer.run('recordReconciliation', { run, findings });
  }

  listRejectedCallbacks(slice?: ListSlice<number>): Promise<StoredRejectedCallback[]> {
    return this.read(() =>
      byId<RejectedCallbackRow>(this.db, `select ${REJECTED_CALLBACK_COLUMNS} from rejected_callbacks`, slice).map(
        toStoredRejectedCallback,
      ),
    );
  }
}

/** A whole table's rows in id order, after the slice's id. */
function byId<R>(db: BetterSqlite3.Database, select: string, slice: ListSlice<number> | undefined): R[] {
  const { text, params } = byIdQuery(select, slice);
  return db.prepare<unknown[], R>(text).all(...params);
}
