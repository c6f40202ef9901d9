// `reconcile --file PATH`: the platform's records (a Dashboard CSV report or a saved Data API
// answer) against the ledger. One JSON line per discrepancy, the summary last.
import { extname } from 'node:path';
import { CsvError } from '../reconcile/csv.js';
import { parseFieldMap, type AmountUnit } from '../reconcile/records.js';
import { checkSource, reconcile, type Discrepancy, type ReconcileSummary } from '../reconcile/reconcile.js';
import { DataApiError } from '../platform/data-api-client.js';
import { csvFileSource, dataApiPeriodSource, jsonFileSource } from '../reconcile/sources.js';
import type { ReconciliationRun } from '../ledger/model.js';
import type { Store } from '../store/store.js';
import { loadCliConfig } from './cli-config.js';
import { CliError } from './cli-error.js';
import { cleaningUpOnSignal } from './on-signal.js';
import { periodOf } from './period.js';

const RECONCILE_USAGE =
  'usage: reconcile --file PATH [--format csv|json] [--map field=Column,…] [--amount-unit major|minor] [--from DATE --to DATE] [--apply]\n' +
  '       reconcile --from DATE --to DATE [--map field=name,…] [--apply]   (from the Data API: DATA_API_URL, DATA_API_TOKEN, DATA_API_SECRET)';

export interface ReconcileCommandOptions {
  file?: string;
  format?: string;
  map?: string;
  amountUnit?: string;
  from?: string;
  to?: string;
  apply?: boolean;
}

export async function reconcileCommand(
  store: Store,
  options: ReconcileCommandOptions,
  out: (line: Discrepancy) => void,
): Promise<{ summary: ReconcileSummary; run: ReconciliationRun }> {
  const { file } = options;
  if (!file) return reconcileFromDataApi(store, options, out);
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
  const period = options.from !== undefined && options.to !== undefined ? periodOf(options.from, options.to, RECONCILE_USAGE) : undefined;
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

/** The period's operations fetched from the Data API (paged, spooled), then compared. */
async function reconcileFromDataApi(
  store: Store,
  options: ReconcileCommandOptions,
  out: (line: Discrepancy) => void,
): Promise<{ summary: ReconcileSummary; run: ReconciliationRun }> {
  if (options.from === undefined || options.to === undefined) {
    throw new CliError(`give --file, or --from and --to to fetch the period from the Data API\n${RECONCILE_USAGE}`);
  }
  const config = loadCliConfig();
  if (!config.dataApi)
    throw new CliError(`DATA_API_URL, DATA_API_TOKEN and DATA_API_SECRET are not set: the Data API cannot be asked\n${RECONCILE_USAGE}`);
  let map;
  try {
    map = parseFieldMap([process.env.DATA_API_FIELDS, options.map].filter(Boolean).join(','));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${RECONCILE_USAGE}`);
  }
  const period = periodOf(options.from, options.to, RECONCILE_USAGE);
  const source = dataApiPeriodSource(config.dataApi, period, [...config.projects.keys()], map);
  return cleaningUpOnSignal(
    () => source.dispose(),
    async () => {
      try {
        await checkSource(source);
      } catch (error) {
        if (error instanceof CsvError || error instanceof DataApiError)
          throw new CliError(`Data API: ${error.message}; nothing was compared or written`);
        throw error;
      }
      return reconcile({ store, source, apply: options.apply ?? false, report: out, period });
    },
  );
}
