// Reconciliation: the platform's records against the ledger, payment by payment. Every record is
// checked first (a bad one stops the run before anything is written); then records are compared
// in batches, each discrepancy reported as it is found, and with `apply` a payment successful at
// the platform but not credited here is applied through the exactly-once path (source
// `reconciliation`; the same record again is a duplicate). Credits here that the platform does not
// show as successful are found by reading the ledger's successes of the period. The run and what it
// found are stored, for operators to read (admin API, console).
import type { Payment, ReconciliationFinding, ReconciliationRun } from '../ledger/model.js';
import type { Store } from '../store/store.js';
import { DISCREPANCY_KINDS, isPaymentRecord, judgeRecord, type DiscrepancyKind } from './compare.js';
import type { PlatformRecord } from './records.js';
import { SeenPayments } from './seen-payments.js';
import type { RecordSource } from './sources.js';

const BATCH = 500;
/**
 * How many findings of each kind a run stores. The command's output lists every one and the summary
 * counts every one; a run that finds more (the report of another project, say) is not worth a
 * ledger database's growth, nor the memory to hold it until it is stored.
 */
export const KEPT_PER_KIND = 20_000;

export interface Discrepancy {
  kind: DiscrepancyKind;
  payment_id: string;
  platform: { status: string; amount: number; currency: string; line: number } | null;
  ledger: { status: string; amount: number; currency: string; customer_id: string; created_at: string } | null;
  /** With apply: what applying the platform's success did. */
  applied?: string;
}

export type ReconcileSummary = {
  compared: number;
  matching: number;
  /** Records of other operations (refunds, …), not compared. */
  skipped: number;
  /** Whether credits here were checked against the platform (needs a period). */
  period: { from: string; to: string } | null;
  applied: number;
} & Record<DiscrepancyKind, number>;

export interface ReconcileOptions {
  store: Store;
  source: RecordSource;
  /** The period of the ledger's credits to look for at the platform (payments opened in it). */
  period?: { from: string; to: string };
  apply: boolean;
  report: (discrepancy: Discrepancy) => void;
  /** Findings of each kind to store; KEPT_PER_KIND unless given. */
  keepPerKind?: number;
}

/** Reads every record of `source`, throwing at the first bad one. */
export async function checkSource(source: RecordSource): Promise<number> {
  let count = 0;
  for await (const record of source.records()) if (record) count++;
  return count;
}

const ledgerSide = (p: Payment): Discrepancy['ledger'] => ({
  status: p.status,
  amount: p.amount,
  currency: p.currency,
  customer_id: p.customerId,
  created_at: p.createdAt,
  ...(p.settledByAdjustment !== null && { settled_by_adjustment: p.settledByAdjustment }),
});

const platformSide = (r: PlatformRecord): Discrepancy['platform'] => ({
  status: r.status,
  amount: r.amount,
  currency: r.currency,
  line: r.line,
});

export async function reconcile(options: ReconcileOptions): Promise<{ summary: ReconcileSummary; run: ReconciliationRun }> {
  const { store, source, period } = options;
  const startedAt = new Date().toISOString();
  const findings: ReconciliationFinding[] = [];
  const reads = await store.operatorReads();
  const summary: ReconcileSummary = {
    compared: 0,
    matching: 0,
    skipped: 0,
    period: period ?? null,
    applied: 0,
    ...(Object.fromEntries(DISCREPANCY_KINDS.map((k) => [k, 0])) as Record<DiscrepancyKind, number>),
  };
  // Payments the platform has spoken of: a credit here outside this set is missing there.
  const seen = new SeenPayments();
  const found = async (discrepancy: Discrepancy, record: PlatformRecord, payment: Payment | undefined) => {
    if (options.apply && discrepancy.kind === 'missing_here' && payment) {
      const outcome = await store.applyCallback({
        facts: {
          projectId: record.projectId ?? payment.projectId,
          paymentId: payment.paymentId,
          status: record.status,
          amount: record.amount,
          currency: record.currency,
        },
        // The record itself, nothing of this run: applying the same record again is a duplicate.
        rawBody: JSON.stringify({
          source: 'reconciliation',
          payment_id: record.paymentId,
          status: record.status,
          amount: record.amount,
          currency: record.currency,
        }),
        headers: { source: 'reconciliation', from: source.name },
        receivedAt: new Date(),
        source: 'reconciliation',
        reviewIfCredited: `recovered by reconciliation (${source.name}): successful at the platform, never credited by a callback`,
      });
      discrepancy.applied = outcome.result;
      if (outcome.result === 'credited') summary.applied++;
    }
    report(discrepancy);
  };
  const keepPerKind = options.keepPerKind ?? KEPT_PER_KIND;
  const report = (discrepancy: Discrepancy) => {
    summary[discrepancy.kind]++;
    options.report(discrepancy);
    if (summary[discrepancy.kind] > keepPerKind) return;
    findings.push({
      kind: discrepancy.kind,
      paymentId: discrepancy.payment_id,
      platform: discrepancy.platform,
      ledger: discrepancy.ledger,
      applied: discrepancy.applied ?? null,
    });
  };

  const compareBatch = async (batch: PlatformRecord[]) => {
    const ids = batch.map((r) => r.paymentId);
    const payments = await reads.paymentsByIds(ids);
    const first = seen.firstMentions(ids);
    for (const [i, record] of batch.entries()) {
      // A payment named twice (several operations): its first payment record speaks for it.
      if (!first[i]) continue;
      summary.compared++;
      const payment = payments.get(record.paymentId);
      const kind = judgeRecord(record, payment);
      if (kind === 'matching') summary.matching++;
      else
        await found(
          { kind, payment_id: record.paymentId, platform: platformSide(record), ledger: payment ? ledgerSide(payment) : null },
          record,
          payment,
        );
    }
  };

  try {
    let batch: PlatformRecord[] = [];
    for await (const record of source.records()) {
      if (!isPaymentRecord(record)) {
        summary.skipped++;
        continue;
      }
      batch.push(record);
      if (batch.length === BATCH) {
        await compareBatch(batch);
        batch = [];
      }
    }
    await compareBatch(batch);

    if (period) {
      let cursor: string | undefined;
      do {
        const page = await reads.creditedPaymentIds(period, { limit: BATCH, ...(cursor && { cursor }) });
        const unseen = seen.unseen(page.items);
        const payments = await reads.paymentsByIds(unseen);
        for (const id of unseen) {
          const payment = payments.get(id)!;
          report({ kind: 'missing_there', payment_id: id, platform: null, ledger: ledgerSide(payment) });
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
  } finally {
    seen.close();
  }
  const { period: _period, ...counts } = summary;
  const run = await store.recordReconciliation(
    {
      startedAt,
      finishedAt: new Date().toISOString(),
      source: source.name,
      periodFrom: period?.from ?? null,
      periodTo: period?.to ?? null,
      applied: options.apply,
      summary: counts,
      discrepancies: DISCREPANCY_KINDS.reduce((sum, kind) => sum + summary[kind], 0),
    },
    findings,
  );
  return { summary, run };
}
