// The last run of each job the service runs by itself, as both stores keep it (one row a job): what
// an operator without Prometheus sees of the jobs, in the admin API and the console's overview.
import type { Selectable } from 'kysely';
import type { JobRunsTable } from './schema.js';

/** A run that ran here to its end: `done`, or `failed` with what failed it. Times are ISO text. */
export interface JobRunRecord {
  job: string;
  startedAt: string;
  finishedAt: string;
  outcome: 'done' | 'failed';
  error: string | null;
}

/** A job's last run, and when a run of it last ended done (null: never). */
export interface JobRun extends JobRunRecord {
  lastDoneAt: string | null;
}

// An error's message is the log's to keep whole; the row keeps enough to say what failed.
const ERROR_KEPT = 1000;

export const jobRunRow = (run: JobRunRecord) => ({
  job: run.job,
  started_at: run.startedAt,
  finished_at: run.finishedAt,
  outcome: run.outcome,
  error: run.error === null ? null : run.error.slice(0, ERROR_KEPT),
  last_done_at: run.outcome === 'done' ? run.finishedAt : null,
});

export const toJobRun = (r: Selectable<JobRunsTable>): JobRun => ({
  job: r.job,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  outcome: r.outcome === 'done' ? 'done' : 'failed',
  error: r.error,
  lastDoneAt: r.last_done_at,
});
