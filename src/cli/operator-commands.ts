// The operator's corrections from the command line: an adjustment of a balance, the review of a
// flagged callback, and the audit log they are written to. A refusal is audited by the store and
// reported here with exit code 1.
import { userInfo } from 'node:os';
import { adjustmentJson, auditEntryJson, jobRunJson } from '../admin/representation.js';
import type { OperatorRefusal } from '../ledger/operator-rules.js';
import { readInSlices } from '../store/read-in-slices.js';
import type { ListSlice, Store } from '../store/store.js';
import { CliError } from './cli-error.js';
import { wholeNumber } from './whole-number.js';

/** Who acts: `--actor`, or the operating-system user running the command. */
export const actorOf = (given: string | undefined): string => given || `cli:${userInfo().username}`;

const refusal = (refused: OperatorRefusal): CliError => new CliError(`refused (${refused.reason}): ${refused.message}`, 1);

export interface AdjustmentOptions {
  customerId?: string;
  amount?: string;
  reason?: string;
  idempotencyKey?: string;
  callbackId?: string;
  paymentId?: string;
  actor?: string;
}

const ADJUSTMENT_USAGE =
  'usage: adjustments add --customer-id C --amount N --reason TEXT --idempotency-key K [--callback-id ID] [--payment-id ID] [--actor NAME] (a negative amount as --amount=-500)';

export async function addAdjustment(store: Store, options: AdjustmentOptions) {
  const { customerId, reason, idempotencyKey } = options;
  if (!customerId || !reason || !idempotencyKey) throw new CliError(ADJUSTMENT_USAGE);
  const outcome = await store.addAdjustment({
    customerId,
    amount: wholeNumber(options.amount, '--amount', ADJUSTMENT_USAGE),
    reason,
    idempotencyKey,
    ...(options.callbackId !== undefined && { callbackId: wholeNumber(options.callbackId, '--callback-id', ADJUSTMENT_USAGE) }),
    ...(options.paymentId !== undefined && { paymentId: options.paymentId }),
    actor: actorOf(options.actor),
  });
  if ('refused' in outcome) throw refusal(outcome.refused);
  return { adjustment: adjustmentJson(outcome.adjustment), balance: outcome.balance, replayed: outcome.replayed };
}

export const REVIEW_USAGE = 'usage: callbacks review ID --note TEXT [--actor NAME]';

export async function reviewCallback(store: Store, id: string | undefined, note: string | undefined, actor: string | undefined) {
  if (!note) throw new CliError(REVIEW_USAGE);
  const outcome = await store.reviewCallback({ callbackId: wholeNumber(id, 'ID', REVIEW_USAGE), note, actor: actorOf(actor) });
  if ('refused' in outcome) throw refusal(outcome.refused);
  const { id: callbackId, reviewReason, reviewedAt, reviewedBy } = outcome.reviewed;
  return { id: callbackId, review_reason: reviewReason, reviewed_at: reviewedAt, reviewed_by: reviewedBy, review_note: note };
}

/** Every operator action, oldest first, read a slice at a time. */
export async function* listAuditLog(store: Store) {
  for await (const entry of readInSlices(
    (slice: ListSlice<number>) => store.listAuditLog(slice),
    (e) => e.id,
  ))
    yield auditEntryJson(entry);
}

/**
 * Each job's last run, as `GET /admin/v1/jobs` answers it, and the names of those whose last run
 * failed: the command fails then, so that a check from cron sees a job failing.
 */
export async function listJobRuns(store: Store) {
  const runs = await (await store.operatorReads()).jobRuns();
  return { lines: runs.map(jobRunJson), failed: runs.filter((run) => run.outcome === 'failed').map((run) => run.job) };
}
