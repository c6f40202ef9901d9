// Every write the SQLite store makes, as a synchronous function of plain data: it runs inside a
// group-commit batch, on whichever thread owns the write connection, and its arguments and result
// cross that thread boundary as they are. The rules for a callback are the ledger's
// (decideCallback); the unique key on ledger_entries.payment_id still makes a second credit
// impossible, whatever this code does.
import { decideCallback } from '../../ledger/callback-rules.js';
import { depositRefusal } from '../../ledger/deposit-rules.js';
import type { Account, CallbackOutcome } from '../../ledger/model.js';
import {
  AccountExistsError,
  type CommitListener,
  type IncomingCallback,
  type NewAccount,
  type PaymentOpening,
  type PaymentToOpen,
  type RejectedCallback,
} from '../store.js';
import { bodySha256 } from '../body-digest.js';
import { isUniqueViolation } from '../transient-errors.js';
import { toAccount, toPayment } from './rows.js';
import { asStoreError } from './store-errors.js';
import type { Statements } from './statements.js';

// As they travel to the writer: timestamps already ISO text (a Date would cross the thread too,
// but the rows store text).
export type CallbackToApply = Omit<IncomingCallback, 'receivedAt'> & { receivedAt: string };
export type RejectedCallbackToKeep = Omit<RejectedCallback, 'receivedAt'> & { receivedAt: string };

const nowText = () => new Date().toISOString();

export const writeOperations = {
  addAccount(sql: Statements, account: NewAccount): Account {
    try {
      sql.insertAccount.run({ ...account, additionalCustomerId: account.additionalCustomerId ?? null, now: nowText() });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AccountExistsError(account.customerId);
      throw error;
    }
    return toAccount(sql.account.get(account.customerId)!);
  },

  ensureAccount(sql: Statements, account: NewAccount): void {
    sql.ensureAccount.run({ ...account, additionalCustomerId: account.additionalCustomerId ?? null, now: nowText() });
  },

  closeAccount(sql: Statements, customerId: string): Account | undefined {
    const row = sql.closeAccount.get(nowText(), customerId);
    return row && toAccount(row);
  },

  openPayment(sql: Statements, payment: PaymentToOpen): PaymentOpening {
    const row = sql.account.get(payment.customerId);
    const refused = depositRefusal(payment, row && toAccount(row));
    if (refused) return { refused };
    const { paymentId, projectId, customerId, amount, currency } = payment;
    const now = nowText();
    sql.insertPayment.run(paymentId, projectId, customerId, amount, currency, now, now);
    // The row is what was just written; RETURNING would double the cost of the insert.
    return {
      opened: {
        paymentId,
        projectId,
        customerId,
        amount,
        currency,
        status: 'pending',
        lastCallbackStatus: null,
        createdAt: now,
        updatedAt: now,
      },
    };
  },

  /** `cutoff` is ISO text; answers how many pending payments became expired. */
  expirePendingPayments(sql: Statements, cutoff: string): number {
    return sql.expire.run(nowText(), cutoff).changes;
  },

  applyCallback(sql: Statements, callback: CallbackToApply): CallbackOutcome {
    const { facts, receivedAt: now } = callback;
    const sha = bodySha256(callback.rawBody);
    const row = sql.payment.get(facts.paymentId);
    const payment = row && toPayment(row);
    const decision = decideCallback(payment, facts);
    // A body names its payment, so the same body always comes with the same payment id: a
    // redelivery meets the unique key on (payment_id, body_sha256) and inserts nothing. Inside the
    // batch the writer is alone, so nothing can come between that insert and the count below.
    const inserted = sql.insertCallback.run(
      sha,
      facts.projectId,
      facts.paymentId,
      facts.status,
      callback.rawBody,
      JSON.stringify(callback.headers),
      now,
      now,
      decision.result,
      decision.reviewReason ?? null,
    );
    if (inserted.changes === 0) {
      sql.countDelivery.run(now, facts.paymentId, sha);
      return { result: 'duplicate', paymentId: facts.paymentId };
    }
    const callbackId = inserted.lastInsertRowid;
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
      sql.updatePayment.run(decision.setStatus ?? null, decision.recordStatus ? facts.status : null, now, payment.paymentId);
    }
    return { result, paymentId: facts.paymentId, ...(decision.reviewReason !== undefined && { reviewReason: decision.reviewReason }) };
  },

  keepRejectedCallback(sql: Statements, callback: RejectedCallbackToKeep): void {
    sql.keepRejected.run({
      sha: bodySha256(callback.rawBody),
      rawBody: callback.rawBody,
      headers: JSON.stringify(callback.headers),
      reason: callback.reason,
      now: callback.receivedAt,
    });
  },
};

export type WriteOperations = typeof writeOperations;
export type WriteName = keyof WriteOperations;
/**
 * Writes that change the database with at most one statement. A failing statement is undone by
 * SQLite itself, the rest of the batch kept. Any write not listed, if it fails, makes its batch run
 * again with that write in a savepoint (group-commit.ts).
 */
export const ONE_STATEMENT_WRITES: ReadonlySet<WriteName> = new Set<WriteName>([
  'addAccount',
  'ensureAccount',
  'closeAccount',
  'openPayment',
  'expirePendingPayments',
  'keepRejectedCallback',
]);

export type WriteArgs<K extends WriteName> = Parameters<WriteOperations[K]>[1];
export type WriteResult<K extends WriteName> = ReturnType<WriteOperations[K]>;

/** Where writes go: run on this thread's connection, or on a writer thread's. */
export interface Writer {
  run<K extends WriteName>(name: K, args: WriteArgs<K>): Promise<WriteResult<K>>;
  /** Reports every batch committed from now on to `listener`, which replaces any earlier one. */
  onCommit(listener: CommitListener): void;
  /** Resolves once everything queued so far is committed or failed, then stops the writer. */
  close(): Promise<void>;
}

/** Runs one named write on a connection's statements; driver failures become store errors. */
export function runWrite(sql: Statements, name: WriteName, args: unknown): unknown {
  try {
    return (writeOperations[name] as (sql: Statements, args: unknown) => unknown)(sql, args);
  } catch (error) {
    throw asStoreError(error);
  }
}
