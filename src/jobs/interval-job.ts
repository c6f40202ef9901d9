// A job the service runs by itself every interval, by one instance at a time (Store.runExclusively:
// an advisory lock on PostgreSQL). A run never starts while the last one is still going, a failed
// run is logged and tried again at the next interval, and stopping waits for the run in progress.
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

export interface IntervalJob {
  /** Stops scheduling; resolves when a run in progress has ended. */
  stop(): Promise<void>;
}

export interface IntervalJobOptions {
  /** Names the job in the logs and, on PostgreSQL, its advisory lock. */
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
}

export function startIntervalJob(store: Store, job: IntervalJobOptions, logger: Logger): IntervalJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const runOnce = async () => {
    try {
      const ran = await store.runExclusively(job.name, async () => {
        await job.run();
        return true;
      });
      if (ran === undefined) logger.debug({ job: job.name }, 'another instance is running this job');
    } catch (error) {
      logger.error({ err: error, job: job.name }, 'job failed; it runs again at the next interval');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined;
        schedule();
      });
    }, job.intervalMs);
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
