// The service's own expiry (PAYMENT_EXPIRY_INTERVAL): `payments expire` every interval, so that a
// deployment without cron still marks payments pending beyond the method's threshold expired.
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
      async run() {
        const cutoff = expiryCutoff(new Date());
        const expired = await store.expirePendingPayments(cutoff);
        if (expired > 0)
          logger.info({ expired, created_before: cutoff.toISOString() }, 'payments expire: pending payments past the threshold expired');
      },
    },
    logger,
    metrics,
  );
}
