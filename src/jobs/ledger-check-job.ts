// The service's own ledger check (LEDGER_CHECK_INTERVAL): `ledger check` every interval, its result
// on /metrics for alerting, and an error in the log for each run that finds a rule broken. A check
// in progress when the service stops ends after its query in hand, a slice of the keys.
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { startIntervalJob, type IntervalJob } from './interval-job.js';

export const LEDGER_CHECK_JOB = 'kassa24-bvu:ledger-check';

export function startLedgerCheckJob(store: Store, intervalMs: number, logger: Logger, metrics: Metrics): IntervalJob {
  return startIntervalJob(
    store,
    {
      name: LEDGER_CHECK_JOB,
      intervalMs,
      async run(stopping) {
        const check = await (await store.operatorReads()).ledgerCheck({ stop: stopping }).catch((error: unknown) => {
          if (stopping.aborted) return undefined;
          throw error;
        });
        if (check === undefined) {
          // A check cut short proves nothing either way: its figures are not reported.
          logger.info('ledger check: cut short by the service stopping');
          return;
        }
        metrics.ledgerChecked(check, new Date());
        const totals = { accounts: check.accounts, payments: check.payments, credits: check.credits, adjustments: check.adjustments };
        if (check.broken.length === 0) {
          logger.info(totals, 'ledger check: every rule holds');
          return;
        }
        logger.error({ ...totals, broken: check.broken }, 'ledger check: the ledger breaks its rules; see `cli ledger check`');
      },
    },
    logger,
    metrics,
  );
}
