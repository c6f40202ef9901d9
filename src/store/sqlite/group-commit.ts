// Group commit for SQLite: units of work that arrive while the event loop is busy are run together
// in one write transaction and committed with one disk flush. Nobody is answered before that commit
// returns, so every acknowledged write is as durable as with one transaction each
// (synchronous=FULL), while the flush, the dominant cost, is paid once per batch instead of once per
// payment. One failing unit must undo only itself, whatever it had written before it failed: that
// takes a savepoint per unit, which costs a copy of every page the unit changes into the statement
// journal. Units do not fail in normal operation, so a batch first runs without savepoints; if any
// unit fails, the batch is rolled back and run again with every unit in its own savepoint. No unit
// is trusted to be harmless when it fails. Units are statements only (no other effects), so running
// one twice is harmless.
import type BetterSqlite3 from 'better-sqlite3';
import type { CommitListener } from '../store.js';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Unit {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

// A batch is bounded so that one transaction never holds the event loop for long.
const MAX_BATCH = 512;

export class GroupCommitter {
  private queue: Unit[] = [];
  private scheduled = false;
  private idle: Array<() => void> = [];
  /** Told of every committed batch (metrics); none by default. */
  onBatch: CommitListener | undefined;

  constructor(
    private readonly db: BetterSqlite3.Database,
    /** Maps a failure of the transaction itself (BEGIN or COMMIT) to what callers should see. */
    private readonly transactionFailure: (error: unknown) => unknown,
  ) {}

  /**
   * Runs `work` (synchronous, statements only, nothing else) in the next batch; resolves after its
   * commit. All of it commits, or none: a failure anywhere in it undoes everything it wrote.
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
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

  private commit(batch: Unit[]): Outcome[] {
    const db = this.db;
    try {
      return this.runBatch(batch, false) ?? this.runBatch(batch, true)!;
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

  /**
   * One transaction over the batch. Unguarded, a failing unit rolls it all back and the answer is
   * undefined (run it again guarded); guarded, every unit runs in a savepoint and a failing one is
   * undone alone. Throws if BEGIN or COMMIT fails, or SQLite gave up the transaction (disk full,
   * I/O): then nothing of the batch is committed.
   */
  private runBatch(batch: Unit[], guarded: boolean): Outcome[] | undefined {
    const db = this.db;
    const outcomes: Outcome[] = [];
    const began = performance.now();
    db.exec('BEGIN IMMEDIATE');
    for (const unit of batch) {
      if (guarded) db.exec('SAVEPOINT unit');
      try {
        outcomes.push({ ok: true, value: unit.work() });
        if (guarded) db.exec('RELEASE unit');
      } catch (error) {
        if (!db.inTransaction) throw error;
        if (!guarded) {
          db.exec('ROLLBACK');
          return undefined;
        }
        db.exec('ROLLBACK TO unit');
        db.exec('RELEASE unit');
        outcomes.push({ ok: false, error });
      }
    }
    const committing = performance.now();
    db.exec('COMMIT');
    const committed = performance.now();
    try {
      this.onBatch?.(batch.length, (committed - began) / 1000, (committed - committing) / 1000);
    } catch {
      // The batch is committed: a failing report must not turn it into a failure for its callers.
    }
    return outcomes;
  }
}
