// The service's own ledger check (LEDGER_CHECK_INTERVAL): `ledger check` every interval, its result
// on /metrics for alerting, and an error in the log for each run that finds a rule broken.
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
      async run() {
        const check = await (await store.operatorReads()).ledgerCheck();
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
