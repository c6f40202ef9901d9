// Jobs run by one instance at a time: a session advisory lock, held by a connection opened for the
// run alone. A job may run for minutes (a payments sync paces its calls to the Gate); its lock must
// not hold one of the operators' few pooled connections meanwhile, and closing the session is what
// releases it, whatever happened to the run. A session lost mid-run frees the lock while the run goes
// on; every job applies what it finds through the exactly-once paths, so a second instance's run
// meanwhile costs work, never a double effect. A server gone silent holds neither the run nor the
// service's shutdown: the lock is asked for, and the session closed, within the store's timeout.
import pg from 'pg';
import { DEFAULT_DATABASE_TIMEOUT_MS } from '../store.js';
import { fromDriver } from './driver-boundary.js';

/**
 * Asks the server to end `session`, waiting for it at most `ms`: from a server that answers nothing
 * no goodbye comes, and the session is given up on as it is (the socket is closed by the kernel).
 */
async function endWithin(session: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const givenUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([session.end().catch(() => undefined), givenUp]);
  clearTimeout(timer);
}

export class JobLocks {
  private readonly open = new Set<pg.Client>();

  /** `config`: jobLockConfig's, whose statement limit bounds the lock's asking; `timeoutMs`: the longest the session's end is waited on. */
  constructor(
    private readonly config: pg.ClientConfig,
    private readonly timeoutMs = DEFAULT_DATABASE_TIMEOUT_MS,
  ) {}

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
      await endWithin(session, this.timeoutMs);
    }
  }

  /** Ends the sessions of the jobs still running: their locks go with them. */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((session) => endWithin(session, this.timeoutMs)));
  }
}
