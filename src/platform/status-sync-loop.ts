// The service's own status recovery (STATUS_SYNC_INTERVAL): `payments sync` every interval, by one
// instance at a time (Store.runExclusively: an advisory lock on PostgreSQL). A run is never
// started while the last one is still going, and stopping waits for the run in progress.
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { syncPendingPayments, type StatusSyncOptions } from './status-sync.js';

export const STATUS_SYNC_JOB = 'kassa24-bvu:payments-sync';

export interface StatusSyncLoop {
  /** Stops scheduling; resolves when a run in progress has ended. */
  stop(): Promise<void>;
}

export function startStatusSyncLoop(
  options: Omit<StatusSyncOptions, 'now' | 'report'>,
  intervalMs: number,
  logger: Logger,
): StatusSyncLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const store: Store = options.store;

  const runOnce = async () => {
    try {
      const summary = await store.runExclusively(STATUS_SYNC_JOB, () => syncPendingPayments({ ...options, now: new Date() }));
      if (summary === undefined) logger.debug('payments sync: another instance is running it');
      else if (summary.asked > 0) logger.info({ summary }, 'payments sync: pending payments asked about at the Gate');
      if (summary && (summary.not_answered > 0 || summary.refused > 0))
        logger.warn({ summary }, 'payments sync: some payments could not be asked about');
    } catch (error) {
      logger.error({ err: error }, 'payments sync failed; it runs again at the next interval');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
