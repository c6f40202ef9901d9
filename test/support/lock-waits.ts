// For tests of what waits on PostgreSQL's row locks: a test holds a change uncommitted, starts a
// write, and commits once the write is seen waiting for it (or answered without waiting).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

/** A name for a test's connections, so that the lock waits it looks for are its own. */
export const testApplicationName = (): string => `k24-test-${randomBytes(4).toString('hex')}`;

/** Resolves once `write` has settled or a connection named `applicationName` waits on a lock. */
export async function untilWaitingOrSettled(pool: pg.Pool, applicationName: string, write: Promise<unknown>): Promise<void> {
  let settled = false;
  void write.then(
    () => (settled = true),
    () => (settled = true),
  );
  const waiting = async () =>
    (await pool.query("select 1 from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'", [applicationName]))
      .rowCount! > 0;
  while (!settled && !(await waiting())) await new Promise((resolve) => setTimeout(resolve, 10));
}
