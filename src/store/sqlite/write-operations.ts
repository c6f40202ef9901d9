// Every write the SQLite store makes, as a synchronous function of plain data: it runs inside a
// group-commit batch, on whichever thread owns the write connection, and its arguments and result
// cross that thread boundary as they are. A callback follows the ledger's plan (callback-plan.ts);
// the unique key on ledger_entries.payment_id still makes a second credit impossible.
import { callbackPlan, runPlan, type StepAnswer } from '../../ledger/callback-plan.js';
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
} from '../../ledger/operator-rules.js';
import { auditRow, statusCheckAuditRow, toAdjustment } from '../operator-rows.js';
import { jobRunRow, type JobRunRecord } from '../job-runs.js';
import { findingRow, runRow, toRun, type NewRun } from '../reconciliation-rows.js';
import { depositRefusal, openedPayment } from '../../ledger/deposit-rules.js';
import type { Account, AccountStatus, CallbackOutcome, ReconciliationFinding, ReconciliationRun } from '../../ledger/model.js';
import {
  AccountExistsError,
  type CommitListener,
  type IncomingCallback,
  type NewAccount,
  type PaymentOpening,
  type PaymentToOpen,
  type RejectedCallback,
  type StatusCheck,
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
export type StatusCheckToRecord = Omit<StatusCheck, 'askedAt'> & { askedAt: string };

const nowText = () => new Date().toISOString();

/** Appends an operator action's audit-log row, in the transaction of its effect; answers its outcome. */
function audited<T extends object>(sql: Statements, action: string, request: { actor: string }, outcome: T): T {
  sql.insertAudit.run(auditRow(request.actor, action, request, outcome));
  return outcome;
}

function changeAccountStatus(sql: Statements, request: AccountStatusRequest, status: AccountStatus): AccountOutcome {
  const action = ACCOUNT_STATUS_ACTIONS[status];
  const row = sql.account.get(request.customerId);
  const judged = judgeAccountStatusChange(request, status, row && toAccount(row));
  if ('refused' in judged) return audited(sql, action, request, judged);
  return audited(sql, action, request, { account: toAccount(sql.setAccountStatus.get(status, nowText(), request.customerId)!) });
}

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
    const row = sql.setAccountStatus.get('closed', nowText(), customerId);
    return row && toAccount(row);
  },

  createAccountAsOperator(sql: Statements, request: AccountCreateRequest): AccountOutcome {
    const existing = sql.account.get(request.customerId);
    const refused = judgeAccountCreate(request, existing && toAccount(existing));
    if (refused) return audited(sql, 'accounts.create', request, { refused });
    const { customerId, currency } = request;
    sql.insertAccount.run({ customerId, currency, additionalCustomerId: request.additionalCustomerId ?? null, now: nowText() });
    return audited(sql, 'accounts.create', request, { account: toAccount(sql.account.get(customerId)!) });
  },

  closeAccountAsOperator(sql: Statements, request: AccountStatusRequest): AccountOutcome {
    return changeAccountStatus(sql, request, 'closed');
  },

  reopenAccountAsOperator(sql: Statements, request: AccountStatusRequest): AccountOutcome {
    return changeAccountStatus(sql, request, 'active');
  },

  openPayment(sql: Statements, payment: PaymentToOpen): PaymentOpening {
    const row = sql.account.get(payment.customerId);
    const refused = depositRefusal(payment, row && toAccount(row));
    if (refused) return { refused };
    const { paymentId, projectId, customerId, amount, currency } = payment;
    const now = nowText();
    sql.insertPayment.run(paymentId, projectId, customerId, amount, currency, now, now);
    // The row is what was just written; RETURNING would double the cost of the insert.
    return { opened: openedPayment(payment, now) };
  },

  /** `cutoff` is ISO text; answers how many pending payments, at most `limit`, became expired. */
  expirePendingPayments(sql: Statements, { cutoff, limit }: { cutoff: string; limit: number }): number {
    return sql.expire.run(nowText(), cutoff, limit).changes;
  },

  recordJobRun(sql: Statements, run: JobRunRecord): void {
    sql.recordJobRun.run(jobRunRow(run));
  },

  recordStatusCheck(sql: Statements, check: StatusCheckToRecord): void {
    sql.recordStatusCheck.run(check.paymentId, check.askedAt, check.outcome, check.platformStatus ?? null);
    const audit = statusCheckAuditRow(check);
    if (audit) sql.insertAudit.run(audit);
  },

  applyCallback(sql: Statements, callback: CallbackToApply): CallbackOutcome {
    const { facts, receivedAt: now } = callback;
    const sha = bodySha256(callback.rawBody);
    // The writer is alone in its transaction: a read is as good as a lock.
    return runPlan(callbackPlan(facts, callback.reviewIfCredited), (step): StepAnswer => {
      switch (step.step) {
        case 'storeCallback': {
          const { projectId, paymentId, status } = facts;
          const inserted = sql.insertCallback.run(
            sha,
            projectId,
            paymentId,
            status,
            callback.rawBody,
            JSON.stringify(callback.headers),
            now,
            now,
            callback.source ?? 'callback',
          );
          return inserted.changes === 0 ? undefined : Number(inserted.lastInsertRowid);
        }
        case 'countDelivery':
          sql.countDelivery.run(now, facts.paymentId, sha);
          return;
        case 'lockPayment': {
          const row = sql.payment.get(facts.paymentId);
          return row && toPayment(row);
        }
        case 'insertLedgerEntry': {
          const { payment, callbackId } = step;
          return (
            sql.insertLedgerEntry.run(payment.paymentId, payment.customerId, payment.amount, payment.currency, callbackId, now).changes ===
            1
          );
        }
        case 'creditBalance':
          return sql.credit.get(step.payment.amount, now, step.payment.customerId)?.open === 1;
        case 'updatePayment':
          sql.updatePayment.run(step.setStatus ?? null, step.lastCallbackStatus ?? null, now, step.paymentId);
          return;
        case 'recordResult':
          sql.recordCallbackResult.run(step.result, step.reviewReason ?? null, step.callbackId);
          return;
      }
    });
  },

  addAdjustment(sql: Statements, request: AdjustmentRequest): AdjustmentOutcome {
    const earlierRow = sql.adjustmentByKey.get(request.idempotencyKey);
    const earlier = earlierRow && toAdjustment(earlierRow);
    const accountRow = sql.account.get(request.customerId);
    const account = accountRow && toAccount(accountRow);
    const callback = request.callbackId === undefined ? undefined : sql.callbackReview.get(request.callbackId);
    const paymentId = request.paymentId ?? callback?.payment_id;
    const paymentRow = paymentId === undefined ? undefined : sql.payment.get(paymentId);
    const payment = paymentRow && toPayment(paymentRow);
    const judged = judgeAdjustment(request, {
      account,
      earlier,
      callback: callback && { id: callback.id, paymentId: callback.payment_id },
      payment,
    });
    if ('refused' in judged) return audited(sql, 'adjustments.add', request, judged);
    // A retried request: the first answer, and nothing written.
    if (earlier) return { adjustment: earlier, balance: judged.account.balance, replayed: true };
    const settles = paymentSettledBy(request, payment);
    const now = nowText();
    const adjustment = toAdjustment(
      sql.insertAdjustment.get({
        ...request,
        callbackId: request.callbackId ?? null,
        paymentId: request.paymentId ?? null,
        currency: judged.account.currency,
        now,
      })!,
    );
    sql.credit.run(request.amount, now, request.customerId);
    if (settles) sql.settleByHand.run(adjustment.id, now, settles);
    return audited(sql, 'adjustments.add', request, { adjustment, balance: judged.account.balance + request.amount, replayed: false });
  },

  reviewCallback(sql: Statements, request: ReviewRequest): ReviewOutcome {
    const row = sql.callbackReview.get(request.callbackId);
    const callback = row && { id: row.id, reviewReason: row.review_reason, reviewedAt: row.reviewed_at, reviewedBy: row.reviewed_by };
    const judged = judgeReview(request, callback);
    if ('refused' in judged) return audited(sql, 'callbacks.review', request, judged);
    const now = nowText();
    sql.setReview.run(now, request.actor, request.note, request.callbackId);
    return audited(sql, 'callbacks.review', request, { reviewed: { ...judged.callback, reviewedAt: now, reviewedBy: request.actor } });
  },

  recordReconciliation(sql: Statements, { run, findings }: { run: NewRun; findings: readonly ReconciliationFinding[] }): ReconciliationRun {
    const row = runRow(run, findings.length);
    const { id } = sql.insertRun.get(row)!;
    for (const finding of findings) sql.insertFinding.run(findingRow(id, finding));
    return toRun({ id, ...row });
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
