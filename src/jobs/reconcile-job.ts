// The service's own reconciliation (RECONCILE_INTERVAL): each of the last week's UTC days compared
// with the Data API once, RECONCILE_AFTER it ended, as `reconcile --from DAY --to DAY` would, its
// run kept for the console and its discrepancies counted on /metrics. A day whose fetch fails is
// tried again at the next run; a run in progress when the service stops ends after the page in
// hand, its day left for later.
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import type { DataApiSettings } from '../platform/data-api-client.js';
import { daysToReconcile, isWholeDay, reconciledSince } from '../reconcile/days-to-reconcile.js';
import { checkSource, reconcile } from '../reconcile/reconcile.js';
import type { FieldMap } from '../reconcile/records.js';
import { dataApiPeriodSource } from '../reconcile/sources.js';
import type { Store } from '../store/store.js';
import { startIntervalJob, type IntervalJob } from './interval-job.js';

export const RECONCILE_JOB = 'kassa24-bvu:reconcile';

export interface ReconcileJobOptions {
  store: Store;
  dataApi: DataApiSettings;
  projectIds: number[];
  fields: FieldMap;
  /** Credit what the platform says succeeded and the ledger lacks, as `reconcile --apply`. */
  apply: boolean;
  /** How long after a day ends it is compared (RECONCILE_AFTER). */
  afterMs: number;
}

/** The starts of the whole days of the job's window that the Data API's runs have compared. */
async function comparedDays(store: Store, since: string): Promise<Set<string>> {
  const periods = await (await store.operatorReads()).reconciledPeriods('data-api', since);
  return new Set(periods.filter((period) => isWholeDay(period.from, period.to)).map((period) => period.from));
}

export function startReconcileJob(options: ReconcileJobOptions, intervalMs: number, logger: Logger, metrics: Metrics): IntervalJob {
  const { store, dataApi, projectIds, fields, apply, afterMs } = options;
  return startIntervalJob(
    store,
    {
      name: RECONCILE_JOB,
      intervalMs,
      async run(stopping) {
        const now = new Date();
        const compared = await comparedDays(store, reconciledSince(now, afterMs));
        for (const day of daysToReconcile(now, compared, afterMs)) {
          if (stopping.aborted) return;
          const source = dataApiPeriodSource(dataApi, day, projectIds, fields, stopping);
          try {
            await checkSource(source);
            const { summary, run } = await reconcile({ store, source, apply, report: () => undefined, period: day });
            metrics.reconciled(summary);
            const found = { day: day.from.slice(0, 10), run: run.id, discrepancies: run.discrepancies, summary };
            if (run.discrepancies === 0) logger.info(found, 'reconciliation: the day matches the Data API');
            else logger.warn(found, 'reconciliation: the day differs from the Data API; see the run in the console or the admin API');
          } catch (error) {
            if (!stopping.aborted) throw error;
            logger.info({ day: day.from.slice(0, 10) }, 'reconciliation: stopped with the service; the day is compared at its next run');
            return;
          } finally {
            await source.dispose();
          }
        }
      },
    },
    logger,
    metrics,
  );
}
