// Group commit for SQLite: units of work that arrive while the event loop is busy are run together
// in one write transaction — each in a savepoint of its own, so that one failing unit undoes only
// itself — and committed with one disk flush. Nobody is answered before that commit returns, so
// every acknowledged write is as durable as with one transaction each (synchronous=FULL), while the
// flush, the dominant cost, is paid once per batch instead of once per payment.
import type BetterSqlite3 from 'better-sqlite3';

interface Unit {
  work: () => unknown;
  savepoint: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

// A batch is bounded so that one transaction never holds the event loop for long.
const MAX_BATCH = 512;

export class GroupCommitter {
  private queue: Unit[] = [];
  private scheduled = false;
  private idle: Array<() => void> = [];

  constructor(
    private readonly db: BetterSqlite3.Database,
    /** Maps a failure of the transaction itself (BEGIN or COMMIT) to what callers should see. */
    private readonly transactionFailure: (error: unknown) => unknown,
  ) {}

  /**
   * Runs `work` (synchronous, statements only) in the next batch; resolves after its commit. A
   * unit that changes the database with one statement at most may go without a savepoint: SQLite
   * undoes a failing statement by itself.
   */
  run<T>(work: () => T, { savepoint = true } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, savepoint, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not a microtask: requests parsed in this turn of the loop join the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves once everything queued so far is committed or failed. */
  drained(): Promise<void> {
    if (!this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private flush(): void {
    const batch = this.queue.splice(0, MAX_BATCH);
    const outcomes = this.commit(batch);
    batch.forEach((unit, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
    if (this.queue.length > 0) {
      setImmediate(() => this.flush());
    } else {
      this.scheduled = false;
      this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  private commit(batch: Unit[]): Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
    const db = this.db;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const unit of batch) {
        if (unit.savepoint) db.exec('SAVEPOINT unit');
        try {
          outcomes.push({ ok: true, value: unit.work() });
          if (unit.savepoint) db.exec('RELEASE unit');
        } catch (error) {
          // Some errors (disk full, I/O) make SQLite roll the whole transaction back by itself:
          // then nothing of this batch will be committed, whatever the other units did.
          if (!db.inTransaction) throw error;
          if (unit.savepoint) {
            db.exec('ROLLBACK TO unit');
            db.exec('RELEASE unit');
          }
          outcomes.push({ ok: false, error });
        }
      }
      db.exec('COMMIT');
      return outcomes;
    } catch (error) {
      if (db.inTransaction) {
        try {
          db.exec('ROLLBACK');
        } catch {
          // Already rolled back by SQLite.
        }
      }
      const failure = this.transactionFailure(error);
      return batch.map(() => ({ ok: false as const, error: failure }));
    }
  }
}
