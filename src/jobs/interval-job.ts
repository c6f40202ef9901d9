// A job the service runs by itself every interval, by one instance at a time (Store.runExclusively:
// an advisory lock on PostgreSQL). A run never starts while the last one is still going, a failed
// run is logged and tried again at the next interval, and stopping tells the run in progress to end
// (a long run — a payments sync pacing its questions — ends after the step in hand) and waits for it.
import { inspect } from 'node:util';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

export interface IntervalJob {
  /** Stops scheduling and tells a run in progress to end; resolves when it has ended. */
  stop(): Promise<void>;
}

/** What came of a run: done, failed, or not run here because another instance held the job's lock. */
export type JobOutcome = 'done' | 'failed' | 'elsewhere';

/** Where each run's outcome is counted (http/metrics.ts); `seconds` it took, when it ran here. */
export interface JobRuns {
  jobRan(job: string, outcome: JobOutcome, at: Date, seconds?: number): void;
}

export interface IntervalJobOptions {
  /** Names the job in the logs and, on PostgreSQL, its advisory lock. */
  name: string;
  intervalMs: number;
  /** One run; `stopping` is aborted when the service stops, and a long run ends early on it. */
  run: (stopping: AbortSignal) => Promise<void>;
}

export function startIntervalJob(store: Store, job: IntervalJobOptions, logger: Logger, runs: JobRuns): IntervalJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const stopping = new AbortController();

  // Kept for the admin API and the console, under the job's lock so that runs are kept in the
  // order they ran; a store that cannot keep it fails nothing of the run.
  const keep = async (startedAt: Date, outcome: 'done' | 'failed', error?: unknown) => {
    const message = error === undefined ? null : error instanceof Error ? error.message : inspect(error);
    const run = { job: job.name, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), outcome, error: message };
    try {
      await store.recordJobRun(run);
    } catch (failure) {
      logger.warn({ err: failure, job: job.name }, 'the run could not be kept for the admin API');
    }
  };

  const runOnce = async () => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const ran = await store.runExclusively(job.name, async () => {
        const startedAt = new Date();
        try {
          await job.run(stopping.signal);
        } catch (error) {
          await keep(startedAt, 'failed', error);
          throw error;
        }
        await keep(startedAt, 'done');
        return true;
      });
      if (ran === undefined) {
        logger.debug({ job: job.name }, 'another instance is running this job');
        runs.jobRan(job.name, 'elsewhere', new Date());
      } else runs.jobRan(job.name, 'done', new Date(), seconds());
    } catch (error) {
      logger.error({ err: error, job: job.name }, 'job failed; it runs again at the next interval');
      runs.jobRan(job.name, 'failed', new Date(), seconds());
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
      stopping.abort();
      await running;
    },
  };
}
