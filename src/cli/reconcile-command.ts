// `reconcile --file PATH`: the platform's records (a Dashboard CSV report or a saved Data API
// answer) against the ledger. One JSON line per discrepancy, the summary last.
import { extname } from 'node:path';
import { CsvError } from '../reconcile/csv.js';
import { parseFieldMap, type AmountUnit } from '../reconcile/records.js';
import { checkSource, reconcile, type Discrepancy, type ReconcileSummary } from '../reconcile/reconcile.js';
import { csvFileSource, jsonFileSource } from '../reconcile/sources.js';
import type { Store } from '../store/store.js';
import { CliError } from './cli-error.js';

export const RECONCILE_USAGE =
  'usage: reconcile --file PATH [--format csv|json] [--map field=Column,…] [--amount-unit major|minor] [--from DATE --to DATE] [--apply]';

export interface ReconcileCommandOptions {
  file?: string;
  format?: string;
  map?: string;
  amountUnit?: string;
  from?: string;
  to?: string;
  apply?: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A date (the whole UTC day; `to` inclusive) or an ISO time, as the ledger's ISO text. */
function periodBound(text: string, option: string, end: boolean): string {
  const time = DAY.test(text) ? Date.parse(`${text}T00:00:00Z`) + (end ? 86_400_000 : 0) : Date.parse(text);
  if (Number.isNaN(time))
    throw new CliError(`${option} takes a date (2026-12-01) or a time (2026-12-01T10:00:00Z), got "${text}"\n${RECONCILE_USAGE}`);
  return new Date(time).toISOString();
}

export async function reconcileCommand(
  store: Store,
  options: ReconcileCommandOptions,
  out: (line: Discrepancy) => void,
): Promise<ReconcileSummary> {
  const { file } = options;
  if (!file) throw new CliError(`--file is needed: a Dashboard CSV report or a saved Data API answer\n${RECONCILE_USAGE}`);
  const format = options.format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json') throw new CliError(`--format is csv or json\n${RECONCILE_USAGE}`);
  // A Dashboard report shows amounts as people read them; the platform's APIs in minor units.
  const unit = (options.amountUnit ?? (format === 'csv' ? 'major' : 'minor')) as AmountUnit;
  if (unit !== 'major' && unit !== 'minor') throw new CliError(`--amount-unit is major or minor\n${RECONCILE_USAGE}`);
  if ((options.from === undefined) !== (options.to === undefined)) throw new CliError(`give --from and --to together\n${RECONCILE_USAGE}`);
  let map;
  try {
    map = parseFieldMap(options.map);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${RECONCILE_USAGE}`);
  }
  const period =
    options.from !== undefined && options.to !== undefined
      ? { from: periodBound(options.from, '--from', false), to: periodBound(options.to, '--to', true) }
      : undefined;
  const source = format === 'csv' ? csvFileSource(file, map, unit) : jsonFileSource(file, map, unit);
  try {
    await checkSource(source);
  } catch (error) {
    if (error instanceof CsvError) throw new CliError(`${file}: ${error.message}; nothing was compared or written`);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`${file}: no such file`);
    throw error;
  }
  return reconcile({ store, source, apply: options.apply ?? false, report: out, ...(period && { period }) });
}
