// The one interface handlers and the CLI use to reach storage. Implementations never know about
// signatures or HTTP; handlers never know about SQL.
import type {
  AccountStatusRequest,
  AccountCreateRequest,
  AccountOutcome,
  AdjustmentOutcome,
  AdjustmentRequest,
  ReviewOutcome,
  ReviewRequest,
} from '../ledger/operator-rules.js';
import type {
  Account,
  AuditEntry,
  CallbackFacts,
  CallbackSource,
  CallbackOutcome,
  Payment,
  PaymentStatus,
  ReconciliationFinding,
  ReconciliationRun,
  StatusCheckOutcome,
  StoredCallback,
  StoredRejectedCallback,
} from '../ledger/model.js';
import type { DepositAttempt, DepositRefusal } from '../ledger/deposit-rules.js';
import type { ExpiryOptions } from './expire-in-batches.js';
import type { Dialect } from './migrations.js';
import type { OperatorReads } from './operator-reads.js';
import type { JobRunRecord } from './job-runs.js';
import type { NewRun } from './reconciliation-rows.js';

export interface NewAccount {
  customerId: string;
  currency: string;
  additionalCustomerId?: string;
}

/** check_deposit's payment: opened only if the account may take it (deposit-rules.ts). */
export interface PaymentToOpen extends DepositAttempt {
  paymentId: string;
}

export type PaymentOpening = { opened: Payment } | { refused: DepositRefusal };

export interface IncomingCallback {
  facts: CallbackFacts;
  /** The body exactly as received. */
  rawBody: string;
  /** The request headers worth keeping for an audit. */
  headers: Record<string, string>;
  receivedAt: Date;
  /** Where the facts came from; the platform's delivery when left out. */
  source?: CallbackSource;
  /** When it credits, keep it for review with this reason (a recovery an operator should see). */
  reviewIfCredited?: string;
}

export interface RejectedCallback {
  rawBody: string;
  headers: Record<string, string>;
  receivedAt: Date;
  /** Why it was not applied, as answered to the platform. */
  reason: string;
}

export interface PaymentFilter {
  customerId?: string;
  status?: PaymentStatus;
}

/** One question to the Gate about a payment's status, as a status sync ends it. */
export interface StatusCheck {
  paymentId: string;
  askedAt: Date;
  outcome: StatusCheckOutcome;
  /** The status the Gate named, when it named one. */
  platformStatus?: string;
  /**
   * Set when an operator asked (not the status sync): the question and what came of it also go to
   * the audit log as `payments.status_check`, in the same transaction.
   */
  operator?: { actor: string; answer: object };
}

export interface CallbackFilter {
  paymentId?: string;
  /** Only those kept for review. */
  flagged?: boolean;
}

/**
 * Part of a list in its own order: at most `limit` items after `after` (the key of the last one
 * read). A list is read slice by slice (read-in-slices.ts) so that its length never decides memory.
 */
export interface ListSlice<K> {
  after?: K;
  limit: number;
}

/** Where a payment stands in the payments list: creation order, ties by id. */
export interface PaymentKey {
  createdAt: string;
  paymentId: string;
}

/** PostgreSQL: how long the platform's operations wait for a connection or a statement, unless configured. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5000;

/** PostgreSQL: how long an operator's or a job's statement may run, unless configured; a ledger check of millions of rows fits. */
export const DEFAULT_OPERATOR_TIMEOUT_MS = 60_000;

export interface Store {
  readonly dialect: Dialect;
  migrate(): Promise<void>;
  /** The migrations not yet applied to this store, in order; empty when its schema is current. */
  pendingMigrations(): Promise<string[]>;
  /** Resolves when the store answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
  findAccount(customerId: string): Promise<Account | undefined>;
  /** Throws AccountExistsError when the customer id is taken. */
  addAccount(account: NewAccount): Promise<Account>;
  /** Adds the account unless one with that id exists; for seeding demo data. */
  ensureAccount(account: NewAccount): Promise<void>;
  closeAccount(customerId: string): Promise<Account | undefined>;
  /**
   * Judges the account and inserts the pending payment in one transaction: an account closed a
   * moment earlier is never booked against.
   */
  openPayment(payment: PaymentToOpen): Promise<PaymentOpening>;
  /** Oldest first; all of them without a slice. */
  listPayments(filter: PaymentFilter, slice?: ListSlice<PaymentKey>): Promise<Payment[]>;
  /**
   * Marks pending payments created before `cutoff` as expired, the longest pending first, a batch
   * (EXPIRY_BATCH) a transaction; answers how many. A failure or a stop part way keeps the batches
   * committed before it.
   */
  expirePendingPayments(cutoff: Date, options?: ExpiryOptions): Promise<number>;
  /** Records that the Gate was asked about a payment, and what came of it. */
  recordStatusCheck(check: StatusCheck): Promise<void>;
  /** Keeps `run` as its job's last run (and, done, as its last done). */
  recordJobRun(run: JobRunRecord): Promise<void>;
  /**
   * Stores the callback durably and applies it to the ledger, all in one transaction: when this
   * resolves, both are committed; when it rejects, neither is.
   */
  applyCallback(callback: IncomingCallback): Promise<CallbackOutcome>;
  /**
   * Keeps a correctly signed callback that breaks the contract, for review. It is not applied:
   * its redelivery, once the contract question is settled, still can be.
   */
  keepRejectedCallback(callback: RejectedCallback): Promise<void>;
  /** In the order stored, by id; all of them without a slice. */
  listCallbacks(filter: CallbackFilter, slice?: ListSlice<number>): Promise<StoredCallback[]>;
  /** The signed callbacks refused for breaking the contract, by id (oldest first). */
  listRejectedCallbacks(slice?: ListSlice<number>): Promise<StoredRejectedCallback[]>;
  /**
   * Writes a signed correction of a balance as a ledger entry of its own and moves the balance, with
   * its audit-log row, in one transaction; a refusal (operator-rules.ts) is audited too. The same
   * idempotency key again answers the first adjustment and writes nothing.
   */
  addAdjustment(request: AdjustmentRequest): Promise<AdjustmentOutcome>;
  /** Closes the review of a flagged callback with a note, audited in the same transaction. */
  reviewCallback(request: ReviewRequest): Promise<ReviewOutcome>;
  /** Every operator action, by id (oldest first). */
  listAuditLog(slice?: ListSlice<number>): Promise<AuditEntry[]>;
  /** Opens an account for an operator, audited (refusals too) in the same transaction. */
  createAccountAsOperator(request: AccountCreateRequest): Promise<AccountOutcome>;
  /** Closes an account for an operator, audited (refusals too) in the same transaction. */
  closeAccountAsOperator(request: AccountStatusRequest): Promise<AccountOutcome>;
  /**
   * Reopens a closed account for an operator (its balance and ledger as they were), audited
   * (refusals too) in the same transaction.
   */
  reopenAccountAsOperator(request: AccountStatusRequest): Promise<AccountOutcome>;
  /** What operators read: paginated lists, a payment with its callbacks, an overview's figures. */
  operatorReads(): Promise<OperatorReads>;
  /**
   * Runs `work` unless another instance sharing this database is running the job of that name
   * (then answers undefined without running it). PostgreSQL: a session advisory lock held on one
   * connection for the work's duration; SQLite (one instance by design): within this process.
   */
  runExclusively<T>(job: string, work: () => Promise<T>): Promise<T | undefined>;
  /**
   * Stores a reconciliation run and the findings it keeps (at most `run.discrepancies`) in one
   * transaction.
   */
  recordReconciliation(run: NewRun, findings: readonly ReconciliationFinding[]): Promise<ReconciliationRun>;
  /**
   * Reports every write batch the store commits from now on to `listener` (which replaces any
   * earlier one): how many writes shared the commit and how long it took. Only a store that
   * group-commits has batches to report (SQLite); PostgreSQL commits each write on its own.
   */
  onCommit?(listener: CommitListener): void;
  /**
   * Each connection pool's use now, for /metrics. Only a store with pools has any (PostgreSQL: the
   * platform's and the operators'); SQLite's connections are fixed.
   */
  poolUsage?(): readonly PoolUsage[];
}

/** A connection pool at one moment: its size, its connections open and idle, and who waits for one. */
export interface PoolUsage {
  readonly pool: 'platform' | 'operator';
  readonly max: number;
  readonly open: number;
  readonly idle: number;
  /** Operations waiting for a connection: above zero for long, the pool is too small or the database slow. */
  readonly waiting: number;
}

/**
 * Writes in a committed batch, seconds from BEGIN to the end of COMMIT, and seconds of the COMMIT
 * alone: the log written and flushed to disk, the figure that shows a disk slowing down first.
 */
export type CommitListener = (writes: number, batchSeconds: number, commitSeconds: number) => void;

export class AccountExistsError extends Error {
  override name = 'AccountExistsError';
  constructor(readonly customerId: string) {
    super(`account ${customerId} already exists`);
  }
}

/** The store cannot serve right now (locked, read-only, full, unreachable); retrying later may work. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(override readonly cause: unknown) {
    super(`store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
