// Status recovery: pending payments older than a threshold are asked about at the Gate, oldest
// first, at a bounded rate, with retries; a final status found there is applied through the same
// exactly-once path as a callback, recorded with source `status_request`. Intermediate statuses
// leave the payment pending.
import { parseDurationSetting, type ProjectConfig } from '../config.js';
import { statusEffect } from '../ledger/callback-rules.js';
import type { Payment } from '../ledger/model.js';
import type { Store } from '../store/store.js';
import type { GateClient, GateResult } from './gate-client.js';
import { pacer, withRetry, type RetryPolicy, type Sleep } from './pacing.js';

export interface StatusSyncOptions {
  store: Store;
  gate: GateClient;
  projects: ReadonlyMap<number, ProjectConfig>;
  /** Only payments opened before now minus this. */
  olderThanMs: number;
  limit: number;
  ratePerSecond: number;
  retry: RetryPolicy;
  now?: Date;
  sleep?: Sleep;
  /** Told about each payment as it is settled or left. */
  report?: (line: SyncLine) => void;
}

export type SyncOutcome = 'applied' | 'still_pending' | 'not_answered' | 'refused';

export interface SyncLine {
  payment_id: string;
  outcome: SyncOutcome;
  /** The status the Gate named. */
  platform_status?: string;
  /** What applying it did (credited, failed, flagged, duplicate, recorded). */
  result?: string;
  detail?: string;
}

export type SyncSummary = { asked: number } & Record<SyncOutcome, number>;

function lineFor(
  payment: Payment,
  result: GateResult,
): Omit<SyncLine, 'result'> & { apply?: { status: string; amount: number; currency: string } } {
  if ('failed' in result) {
    return { payment_id: payment.paymentId, outcome: result.failed === 'transient' ? 'not_answered' : 'refused', detail: result.detail };
  }
  const platformPayment = result.answer.payment;
  if (!platformPayment) {
    const errors = (result.answer.errors ?? []).map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ');
    return {
      payment_id: payment.paymentId,
      outcome: 'refused',
      detail: `the Gate named no payment (HTTP ${result.status}${errors ? `: ${errors}` : ''})`,
    };
  }
  const status = platformPayment.status;
  if (statusEffect(status) === 'intermediate') return { payment_id: payment.paymentId, outcome: 'still_pending', platform_status: status };
  if (!platformPayment.sum) {
    return {
      payment_id: payment.paymentId,
      outcome: 'refused',
      platform_status: status,
      detail: 'the Gate named a final status without payment.sum',
    };
  }
  return {
    payment_id: payment.paymentId,
    outcome: 'applied',
    platform_status: status,
    apply: { status, amount: platformPayment.sum.amount, currency: platformPayment.sum.currency },
  };
}

export async function syncPendingPayments(options: StatusSyncOptions): Promise<SyncSummary> {
  const now = options.now ?? new Date();
  const cutoff = now.getTime() - options.olderThanMs;
  const pending = (await options.store.listPayments({ status: 'pending' }))
    .filter((p) => Date.parse(p.createdAt) < cutoff)
    .slice(0, options.limit);
  const pace = pacer(options.ratePerSecond, options.sleep);
  const summary: SyncSummary = { asked: 0, applied: 0, still_pending: 0, not_answered: 0, refused: 0 };
  for (const payment of pending) {
    const secret = options.projects.get(payment.projectId)?.secrets[0];
    if (secret === undefined) {
      const line: SyncLine = {
        payment_id: payment.paymentId,
        outcome: 'refused',
        detail: `project ${payment.projectId} is not configured`,
      };
      summary.refused++;
      options.report?.(line);
      continue;
    }
    await pace();
    summary.asked++;
    const result = await withRetry(
      () => options.gate.paymentStatus(payment.projectId, payment.paymentId, secret),
      (r) => 'failed' in r && r.failed === 'transient',
      options.retry,
      options.sleep,
    );
    const { apply, ...line } = lineFor(payment, result);
    let applied: SyncLine = line;
    if (apply && 'text' in result) {
      const outcome = await options.store.applyCallback({
        facts: { projectId: payment.projectId, paymentId: payment.paymentId, ...apply },
        rawBody: result.text,
        headers: { source: 'gate payment status', 'http-status': String(result.status) },
        receivedAt: new Date(),
        source: 'status_request',
      });
      applied = { ...line, result: outcome.result };
    }
    summary[applied.outcome]++;
    options.report?.(applied);
  }
  return summary;
}

/** "15m", "2h", "30s", "1d", "500ms" -> milliseconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  try {
    return parseDurationSetting('duration', text);
  } catch {
    return undefined;
  }
}
