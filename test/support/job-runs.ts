// A job's runs kept as the service keeps them: the reconciliation done once, then failing.
import type { Store } from '../../src/store/store.js';

export const JOB_RUN_AT = (minute: string) => `2026-12-08T06:${minute}:00.000Z`;
export const RECONCILE_FAILURE = 'the Data API answered 403 at offset 0';

/** The reconciliation done (ended at 06:01), then failed (06:10 to 06:11) with RECONCILE_FAILURE. */
export async function reconciliationDoneThenFailed(store: Store): Promise<void> {
  await store.recordJobRun({
    job: 'kassa24-bvu:reconcile',
    startedAt: JOB_RUN_AT('00'),
    finishedAt: JOB_RUN_AT('01'),
    outcome: 'done',
    error: null,
  });
  await store.recordJobRun({
    job: 'kassa24-bvu:reconcile',
    startedAt: JOB_RUN_AT('10'),
    finishedAt: JOB_RUN_AT('11'),
    outcome: 'failed',
    error: RECONCILE_FAILURE,
  });
}
