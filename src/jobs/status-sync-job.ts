// The service's own status recovery (STATUS_SYNC_INTERVAL): `payments sync` every interval.
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import { syncPendingPayments, type StatusSyncOptions } from '../platform/status-sync.js';
import { startIntervalJob, type IntervalJob } from './interval-job.js';

export const STATUS_SYNC_JOB = 'kassa24-bvu:payments-sync';

export function startStatusSyncJob(
  options: Omit<StatusSyncOptions, 'now' | 'report'>,
  intervalMs: number,
  logger: Logger,
  metrics: Metrics,
): IntervalJob {
  return startIntervalJob(
    options.store,
    {
      name: STATUS_SYNC_JOB,
      intervalMs,
      async run(stopping) {
        const summary = await syncPendingPayments({ ...options, now: new Date(), signal: stopping });
        metrics.paymentsSynced(summary);
        if (stopping.aborted) {
          logger.info({ summary }, 'payments sync: stopped with the service; the rest are asked about at its next run');
          return;
        }
        if (summary.asked > 0) logger.info({ summary }, 'payments sync: pending payments asked about at the Gate');
        // A payment refused at its last turn too was warned about then.
        if (summary.not_answered > 0 || summary.refused > summary.refused_again)
          logger.warn({ summary }, 'payments sync: some payments could not be asked about');
      },
    },
    logger,
    metrics,
  );
}
