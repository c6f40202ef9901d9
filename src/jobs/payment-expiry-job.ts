// The service's own expiry (PAYMENT_EXPIRY_INTERVAL): `payments expire` every interval, so that a
// deployment without cron still marks payments pending beyond the method's threshold expired. A run
// in progress when the service stops ends after its batch in hand.
import { expiryCutoff } from '../ledger/expiry.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { startIntervalJob, type IntervalJob } from './interval-job.js';

export const PAYMENT_EXPIRY_JOB = 'kassa24-bvu:payments-expire';

export function startPaymentExpiryJob(store: Store, intervalMs: number, logger: Logger, metrics: Metrics): IntervalJob {
  return startIntervalJob(
    store,
    {
      name: PAYMENT_EXPIRY_JOB,
      intervalMs,
      async run(stopping) {
        const cutoff = expiryCutoff(new Date());
        const expired = await store.expirePendingPayments(cutoff, { stop: stopping });
        const found = { expired, created_before: cutoff.toISOString() };
        if (stopping.aborted) logger.info(found, 'payments expire: cut short by the service stopping; the next run goes on');
        else if (expired > 0) logger.info(found, 'payments expire: pending payments past the threshold expired');
      },
    },
    logger,
    metrics,
  );
}
