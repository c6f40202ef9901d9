// Status recovery: pending payments older than a threshold are asked about at the Gate, those never
// asked first, then those asked longest ago, at a bounded rate, with retries; a final status found
// there is applied through the same exactly-once path as a callback, recorded with source
// `status_request`. Intermediate statuses leave the payment pending. Every payment a run handles is
// recorded as asked, so payments the platform never settles take their turn and the next run moves
// on to others.
import { parseAgeSetting, type ProjectConfig } from '../config.js';
import type { CallbackResult, Payment, StatusCheckOutcome } from '../ledger/model.js';
import type { Store } from '../store/store.js';
import { readGateAnswer } from './gate-answer.js';
import type { GateClient } from './gate-client.js';
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
  /** Once aborted, no further payment is asked about, and the question in flight is given up: the run ends. */
  signal?: AbortSignal;
}

export type SyncOutcome = StatusCheckOutcome;

export interface SyncLine {
  payment_id: string;
  outcome: SyncOutcome;
  /** The status the Gate named. */
  platform_status?: string;
  /** What applying it did. */
  result?: CallbackResult;
  detail?: string;
}

/**
 * How many payments were asked about and what came of it; `refused_again` counts those of the
 * `refused` that were refused the last time too (a payment the Gate does not know comes round
 * again and again): news only the first time.
 */
export type SyncSummary = { asked: number; refused_again: number } & Record<SyncOutcome, number>;

/**
 * An operator (console, admin API, `cli payments check`) waits for the answer: one retry, and each
 * try waits less than the status sync's, so that a Gate that does not answer is said so in about
 * ten seconds.
 */
export const OPERATOR_QUESTION = { retry: { attempts: 2, firstPauseMs: 500 }, timeoutMs: 5_000 } as const;

/** What asking the Gate about a payment needs. */
export type GateAsking = Pick<StatusSyncOptions, 'store' | 'gate' | 'projects' | 'retry' | 'sleep' | 'signal'>;

/** Asks the Gate about one payment and applies a final status it names. */
async function askAndApply(options: GateAsking, payment: Payment, secret: string, askedBy: string | undefined): Promise<SyncLine> {
  const result = await withRetry(
    () => options.gate.paymentStatus(payment.projectId, payment.paymentId, secret, options.signal),
    (r) => 'failed' in r && r.failed === 'transient',
    options.retry,
    options.sleep,
    options.signal,
  );
  const { apply, ...line } = readGateAnswer(payment, result);
  if (!apply || !('text' in result)) return line;
  const outcome = await options.store.applyCallback({
    facts: { projectId: payment.projectId, paymentId: payment.paymentId, ...apply },
    rawBody: result.text,
    headers: { source: 'gate payment status', 'http-status': String(result.status), ...(askedBy !== undefined && { 'asked-by': askedBy }) },
    receivedAt: new Date(),
    source: 'status_request',
  });
  return { ...line, result: outcome.result };
}

/**
 * Asks the Gate about one payment, applies a final status it names, and records the question in
 * the payment's status checks. `askedBy` names the operator who asked: kept with what is applied,
 * and the question and its answer are in the audit log.
 */
export async function checkPaymentStatus(options: GateAsking, payment: Payment, askedBy?: string): Promise<SyncLine> {
  const secret = options.projects.get(payment.projectId)?.secrets[0];
  const line: SyncLine =
    secret === undefined
      ? { payment_id: payment.paymentId, outcome: 'refused', detail: `project ${payment.projectId} is not configured` }
      : await askAndApply(options, payment, secret, askedBy);
  // A question given up because the run was stopped was not answered by anybody: the payment keeps
  // its place in the queue.
  if (options.signal?.aborted && line.outcome === 'not_answered') return line;
  await options.store.recordStatusCheck({
    paymentId: payment.paymentId,
    askedAt: new Date(),
    outcome: line.outcome,
    ...(line.platform_status !== undefined && { platformStatus: line.platform_status }),
    ...(askedBy !== undefined && { operator: { actor: askedBy, answer: line } }),
  });
  return line;
}

export async function syncPendingPayments(options: StatusSyncOptions): Promise<SyncSummary> {
  const now = options.now ?? new Date();
  const cutoff = now.getTime() - options.olderThanMs;
  const pending = await (await options.store.operatorReads()).pendingPaymentsToAsk(new Date(cutoff), options.limit);
  const pace = pacer(options.ratePerSecond, options.sleep);
  const summary: SyncSummary = { asked: 0, applied: 0, still_pending: 0, not_answered: 0, refused: 0, refused_again: 0 };
  for (const { payment, lastOutcome } of pending) {
    if (options.signal?.aborted) break;
    const asking = options.projects.has(payment.projectId);
    if (asking) await pace(options.signal);
    if (options.signal?.aborted) break;
    const line = await checkPaymentStatus(options, payment);
    // A question given up because the run was stopped says nothing of the Gate.
    if (options.signal?.aborted && line.outcome === 'not_answered') break;
    if (asking) summary.asked++;
    summary[line.outcome]++;
    if (line.outcome === 'refused' && lastOutcome === 'refused') summary.refused_again++;
    options.report?.(line);
  }
  return summary;
}

/** "15m", "2h", "30s", "1d", "500ms" -> milliseconds; undefined for anything else or beyond 36500d. */
export function parseDuration(text: string): number | undefined {
  try {
    return parseAgeSetting('duration', text);
  } catch {
    return undefined;
  }
}
