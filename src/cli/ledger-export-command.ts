// `ledger export`: the ledger's entries of a period, every account, oldest first — each credit and
// adjustment as it moved a balance — for accounting. Read a slice at a time, so a year of entries
// costs the memory of one slice; totals by currency for the operator at the end.
import { ledgerEntryJson } from '../admin/representation.js';
import type { LedgerEntry } from '../ledger/model.js';
import { moneyText } from '../ledger/money-text.js';
import type { LedgerKey } from '../store/operator-reads.js';
import { readInSlices } from '../store/read-in-slices.js';
import type { Store } from '../store/store.js';
import { CliError } from './cli-error.js';
import { periodOf } from './period.js';

export const LEDGER_EXPORT_USAGE =
  'usage: ledger export --from DATE --to DATE [--format jsonl|csv]   (DATE: 2026-12-01, the whole UTC day, --to included; or a time, 2026-12-01T10:00:00Z)';

const COLUMNS = ['created_at', 'kind', 'id', 'customer_id', 'amount', 'currency', 'payment_id', 'callback_id', 'actor', 'reason'] as const;

const keyOf = (e: LedgerEntry): LedgerKey => ({ createdAt: e.createdAt, kind: e.kind, id: e.id });

// A spreadsheet runs a cell that starts with one of these as a formula (OWASP's CSV injection); a
// reason or an id comes from people and from the platform, so such text is opened as text.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled. Text that
 * a spreadsheet would take for a formula gets a leading `'`; numbers (a negative amount) are written
 * as they are, and the JSON lines carry every value exactly.
 */
const csvField = (value: string | number | null): string => {
  const text = value === null ? '' : typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const csvLine = (fields: ReadonlyArray<string | number | null>): string => `${fields.map(csvField).join(',')}\r\n`;

interface CurrencyTotals {
  credits: number;
  creditCount: number;
  adjustments: number;
  adjustmentCount: number;
}

/** What an export wrote, counted as it goes. */
export class LedgerExportTotals {
  entries = 0;
  readonly byCurrency = new Map<string, CurrencyTotals>();

  constructor(readonly period: { from: string; to: string }) {}

  count(e: LedgerEntry): void {
    this.entries++;
    let totals = this.byCurrency.get(e.currency);
    if (!totals) this.byCurrency.set(e.currency, (totals = { credits: 0, creditCount: 0, adjustments: 0, adjustmentCount: 0 }));
    if (e.kind === 'credit') {
      totals.credits += e.amount;
      totals.creditCount++;
    } else {
      totals.adjustments += e.amount;
      totals.adjustmentCount++;
    }
  }

  /** One line for the operator: how many entries, and their sums by currency. */
  text(): string {
    const sums = [...this.byCurrency].map(
      ([currency, t]) =>
        `${currency}: credits ${moneyText(t.credits, currency)} in ${t.creditCount}, adjustments ${moneyText(t.adjustments, currency)} in ${t.adjustmentCount}`,
    );
    return `exported ${this.entries} ledger entries made from ${this.period.from} to ${this.period.to}${sums.length ? `; ${sums.join('; ')}` : ''}`;
  }
}

export interface LedgerExportOptions {
  from?: string;
  to?: string;
  format?: string;
}

/** The period asked for, or why the command line does not give one. */
export function ledgerExportPeriod(options: LedgerExportOptions): { period: { from: string; to: string }; format: 'jsonl' | 'csv' } {
  const format = options.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new CliError(`--format is jsonl or csv, got "${format}"\n${LEDGER_EXPORT_USAGE}`);
  if (options.from === undefined || options.to === undefined) throw new CliError(`give --from and --to\n${LEDGER_EXPORT_USAGE}`);
  const period = periodOf(options.from, options.to, LEDGER_EXPORT_USAGE);
  return { period, format };
}

/** The export's text, a line at a time: JSON lines, or CSV with a header line. */
export async function* ledgerExport(store: Store, format: 'jsonl' | 'csv', totals: LedgerExportTotals): AsyncGenerator<string> {
  const reads = await store.operatorReads();
  if (format === 'csv') yield csvLine(COLUMNS);
  for await (const entry of readInSlices((slice) => reads.ledgerInPeriod(totals.period, slice), keyOf)) {
    totals.count(entry);
    const row = ledgerEntryJson(entry);
    yield format === 'csv' ? csvLine(COLUMNS.map((column) => row[column])) : `${JSON.stringify(row)}\n`;
  }
}
