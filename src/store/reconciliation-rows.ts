// Reconciliation runs and findings as either store writes and reads them (PostgreSQL hands a
// bigint as text; JSON columns are text on both).
import type { Selectable } from 'kysely';
import type { ReconciliationFinding, ReconciliationRun, StoredFinding } from '../ledger/model.js';
import type { ReconciliationDiscrepanciesTable, ReconciliationRunsTable } from './schema.js';

export type NewRun = Omit<ReconciliationRun, 'id' | 'discrepanciesKept'>;

export function runRow(run: NewRun, kept: number) {
  if (kept > run.discrepancies) throw new RangeError(`a run cannot keep ${kept} findings of ${run.discrepancies} found`);
  return {
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    source: run.source,
    period_from: run.periodFrom,
    period_to: run.periodTo,
    applied: run.applied ? 1 : 0,
    summary: JSON.stringify(run.summary),
    discrepancies: run.discrepancies,
    discrepancies_kept: kept,
  };
}

export const findingRow = (runId: number, f: ReconciliationFinding) => ({
  run_id: runId,
  kind: f.kind,
  payment_id: f.paymentId,
  platform: f.platform === null ? null : JSON.stringify(f.platform),
  ledger: f.ledger === null ? null : JSON.stringify(f.ledger),
  applied: f.applied,
});

export const toRun = (r: Selectable<ReconciliationRunsTable>): ReconciliationRun => ({
  id: Number(r.id),
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  source: r.source,
  periodFrom: r.period_from,
  periodTo: r.period_to,
  applied: Number(r.applied) === 1,
  summary: JSON.parse(r.summary) as Record<string, number>,
  discrepancies: Number(r.discrepancies),
  discrepanciesKept: Number(r.discrepancies_kept),
});

export const toFinding = (r: Selectable<ReconciliationDiscrepanciesTable>): StoredFinding => ({
  id: Number(r.id),
  kind: r.kind,
  paymentId: r.payment_id,
  platform: r.platform === null ? null : (JSON.parse(r.platform) as Record<string, unknown>),
  ledger: r.ledger === null ? null : (JSON.parse(r.ledger) as Record<string, unknown>),
  applied: r.applied,
});
