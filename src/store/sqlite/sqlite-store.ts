// The Store on SQLite: better-sqlite3 prepared statements, reads served directly (WAL readers never
// wait for the writer), every write run through group commit. The rules for a callback are the
// ledger's (decideCallback); the unique key on ledger_entries.payment_id still makes a second credit
// impossible, whatever this code does.
import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { decideCallback } from '../../ledger/callback-rules.js';
import type { Account, CallbackOutcome, Payment, PaymentStatus, StoredCallback } from '../../ledger/model.js';
import { MIGRATION_NAMES } from '../migration-names.js';
import { isTransientStoreError, isUniqueViolation } from '../transient-errors.js';
import {
  AccountExistsError,
  StoreUnavailableError,
  type CallbackFilter,
  type IncomingCallback,
  type NewAccount,
  type NewPayment,
  type PaymentFilter,
  type RejectedCallback,
  type Store,
} from '../store.js';
import { GroupCommitter } from './group-commit.js';

interface AccountRow {
  customer_id: string;
  currency: string;
  balance: number;
  status: Account['status'];
  additional_customer_id: string | null;
  created_at: string;
}

interface PaymentRow {
  payment_id: string;
  project_id: number;
  customer_id: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  last_callback_status: string | null;
  created_at: string;
  updated_at: string;
}

interface CallbackRow {
  id: number;
  payment_id: string;
  project_id: number;
  status: string;
  result: StoredCallback['result'];
  review_reason: string | null;
  deliveries: number;
  received_at: string;
  last_received_at: string;
  raw_body: string;
  headers: string;
}

const toAccount = (r: AccountRow): Account => ({
  customerId: r.customer_id,
  currency: r.currency,
  balance: r.balance,
  status: r.status,
  additionalCustomerId: r.additional_customer_id,
  createdAt: r.created_at,
});

const toPayment = (r: PaymentRow): Payment => ({
  paymentId: r.payment_id,
  projectId: r.project_id,
  customerId: r.customer_id,
  amount: r.amount,
  currency: r.currency,
  status: r.status,
  lastCallbackStatus: r.last_callback_status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toStoredCallback = (r: CallbackRow): StoredCallback => ({
  id: r.id,
  paymentId: r.payment_id,
  projectId: r.project_id,
  status: r.status,
  result: r.result,
  reviewReason: r.review_reason,
  deliveries: r.deliveries,
  receivedAt: r.received_at,
  lastReceivedAt: r.last_received_at,
  rawBody: r.raw_body,
  headers: JSON.parse(r.headers) as Record<string, string>,
});

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const unavailable = (error: unknown): unknown => (isTransientStoreError(error) ? new StoreUnavailableError(error) : error);

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly writes: GroupCommitter;
  private readonly sql;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.writes = new GroupCommitter(db, unavailable);
    const prepare = <T = unknown>(text: string) => db.prepare<unknown[], T>(text);
    // Statements are prepared on first use: before migrations, the tables do not exist yet.
    let prepared: ReturnType<typeof build> | undefined;
    const build = () => ({
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
      insertPayment: prepare<PaymentRow>(
        `insert into payments (payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at)
         values (@paymentId, @projectId, @customerId, @amount, @currency, 'pending', null, @now, @now) returning *`,
      ),
      payment: prepare<PaymentRow>('select * from payments where payment_id = ?'),
      updatePayment: prepare(
        `update payments set status = coalesce(@status, status), last_callback_status = coalesce(@lastCallbackStatus, last_callback_status),
         updated_at = @now where payment_id = @paymentId`,
      ),
      callbackBySha: prepare<{ id: number }>('select id from callbacks where body_sha256 = ?'),
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
    });
    this.sql = () => (prepared ??= build());
  }

  private read<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(unavailable(error));
    }
  }

  private write<T>(work: () => T): Promise<T> {
    return this.writes.run(() => {
      try {
        return work();
      } catch (error) {
        throw unavailable(error);
      }
    });
  }

  /** Whether every migration is recorded as applied; read directly, without loading the migrator. */
  private upToDate(): boolean {
    try {
      const applied = new Set(this.db.prepare<[], { name: string }>('select name from kysely_migration').all().map((r) => r.name));
      return MIGRATION_NAMES.every((name) => applied.has(name));
    } catch {
      return false;
    }
  }

  async migrate(): Promise<void> {
    if (this.upToDate()) return;
    const [{ Kysely, Migrator, SqliteDialect }, { migrationProvider }] = await Promise.all([import('kysely'), import('../migrations.js')]);
    // Kysely's migrator on this same connection; not destroyed, as that would close the database.
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: this.db }) });
    const { error, results } = await new Migrator({ db: kysely, provider: migrationProvider('sqlite') }).migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) {
      throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error ?? 'unknown error')}`);
    }
  }

  ping(): Promise<void> {
    return this.read(() => void this.sql().ping.get());
  }

  async close(): Promise<void> {
    await this.writes.drained();
    this.db.close();
  }

  findAccount(customerId: string): Promise<Account | undefined> {
    return this.read(() => {
      const row = this.sql().account.get(customerId);
      return row && toAccount(row);
    });
  }

  async addAccount(account: NewAccount): Promise<Account> {
    try {
      return await this.write(() => {
        this.sql().insertAccount.run({ ...account, additionalCustomerId: account.additionalCustomerId ?? null, now: new Date().toISOString() });
        return toAccount(this.sql().account.get(account.customerId)!);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AccountExistsError(account.customerId);
      throw error;
    }
  }

  async ensureAccount(account: NewAccount): Promise<void> {
    await this.write(() =>
      this.sql().ensureAccount.run({ ...account, additionalCustomerId: account.additionalCustomerId ?? null, now: new Date().toISOString() }),
    );
  }

  closeAccount(customerId: string): Promise<Account | undefined> {
    return this.write(() => {
      const row = this.sql().closeAccount.get(new Date().toISOString(), customerId);
      return row && toAccount(row);
    });
  }

  createPayment(payment: NewPayment): Promise<Payment> {
    return this.write(() => toPayment(this.sql().insertPayment.get({ ...payment, now: new Date().toISOString() })!));
  }

  listPayments(filter: PaymentFilter): Promise<Payment[]> {
    return this.read(() => {
      const where: string[] = [];
      const params: string[] = [];
      if (filter.customerId !== undefined) {
        where.push('customer_id = ?');
        params.push(filter.customerId);
      }
      if (filter.status !== undefined) {
        where.push('status = ?');
        params.push(filter.status);
      }
      const text = `select * from payments ${where.length ? `where ${where.join(' and ')}` : ''} order by created_at, payment_id`;
      return this.db.prepare<unknown[], PaymentRow>(text).all(...params).map(toPayment);
    });
  }

  expirePendingPayments(cutoff: Date): Promise<number> {
    return this.write(() => this.sql().expire.run(new Date().toISOString(), cutoff.toISOString()).changes);
  }

  applyCallback(callback: IncomingCallback): Promise<CallbackOutcome> {
    const { facts } = callback;
    const sha = sha256(callback.rawBody);
    const now = callback.receivedAt.toISOString();
    const headers = JSON.stringify(callback.headers);
    return this.write((): CallbackOutcome => {
      const sql = this.sql();
      // Inside the batch the writer is alone, so looking before inserting cannot race; the unique
      // key on body_sha256 stays as the backstop.
      const seen = sql.callbackBySha.get(sha);
      if (seen) {
        sql.countDelivery.run(now, seen.id);
        return { result: 'duplicate', paymentId: facts.paymentId };
      }
      const row = sql.payment.get(facts.paymentId);
      const payment = row && toPayment(row);
      const decision = decideCallback(payment, facts);
      const callbackId = sql.insertCallback.run({
        sha,
        projectId: facts.projectId,
        paymentId: facts.paymentId,
        status: facts.status,
        rawBody: callback.rawBody,
        headers,
        now,
        result: decision.result,
        reviewReason: decision.reviewReason ?? null,
      }).lastInsertRowid;
      let result: CallbackOutcome['result'] = decision.result;
      if (payment && decision.credit) {
        const entry = sql.insertLedgerEntry.run(payment.paymentId, payment.customerId, payment.amount, payment.currency, callbackId, now);
        if (entry.changes === 1) {
          sql.credit.run(payment.amount, now, payment.customerId);
        } else if (result === 'credited') {
          result = 'recorded';
          sql.setCallbackResult.run(result, callbackId);
        }
      }
      if (payment && (decision.setStatus || decision.recordStatus)) {
        sql.updatePayment.run({
          status: decision.setStatus ?? null,
          lastCallbackStatus: decision.recordStatus ? facts.status : null,
          now,
          paymentId: payment.paymentId,
        });
      }
      return { result, paymentId: facts.paymentId, ...(decision.reviewReason !== undefined && { reviewReason: decision.reviewReason }) };
    });
  }

  async keepRejectedCallback(callback: RejectedCallback): Promise<void> {
    await this.write(() =>
      this.sql().keepRejected.run({
        sha: sha256(callback.rawBody),
        rawBody: callback.rawBody,
        headers: JSON.stringify(callback.headers),
        reason: callback.reason,
        now: callback.receivedAt.toISOString(),
      }),
    );
  }

  listCallbacks(filter: CallbackFilter): Promise<StoredCallback[]> {
    return this.read(() => {
      const where: string[] = [];
      const params: string[] = [];
      if (filter.paymentId !== undefined) {
        where.push('payment_id = ?');
        params.push(filter.paymentId);
      }
      if (filter.flagged) where.push('review_reason is not null');
      const text = `select * from callbacks ${where.length ? `where ${where.join(' and ')}` : ''} order by id`;
      return this.db.prepare<unknown[], CallbackRow>(text).all(...params).map(toStoredCallback);
    });
  }
}
