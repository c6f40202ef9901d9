// Jobs run by one instance at a time: a session advisory lock, held by a connection opened for the
// run alone. A job may run for minutes (a payments sync paces its calls to the Gate); its lock must
// not hold one of the operators' few pooled connections meanwhile, and closing the session is what
// releases it, whatever happened to the run. A session lost mid-run frees the lock while the run goes
// on; every job applies what it finds through the exactly-once paths, so a second instance's run
// meanwhile costs work, never a double effect.
import pg from 'pg';
import { fromDriver } from './driver-boundary.js';

export class JobLocks {
  private readonly open = new Set<pg.Client>();

  constructor(private readonly config: pg.ClientConfig) {}

  /** Runs `work` holding the lock named `job`; answers undefined, without running it, while another session holds it. */
  async runExclusively<T>(job: string, work: () => Promise<T>): Promise<T | undefined> {
    const session = new pg.Client(this.config);
    // A lost connection drops the lock with it; the job's own statements report their failures.
    session.on('error', () => undefined);
    this.open.add(session);
    try {
      await session.connect().catch(fromDriver);
      const { rows } = await session
        .query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [job])
        .catch(fromDriver);
      return rows[0]?.locked ? await work() : undefined;
    } finally {
      this.open.delete(session);
      await session.end().catch(() => undefined);
    }
  }

  /** Ends the sessions of the jobs still running: their locks go with them. */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((session) => session.end().catch(() => undefined)));
  }
}
