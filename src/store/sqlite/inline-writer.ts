// Writes on the calling thread's own connection, group-committed. For databases a second
// connection cannot share (`sqlite::memory:`), and for whoever holds the connection itself.
import type BetterSqlite3 from 'better-sqlite3';
import type { CommitListener } from '../store.js';
import { GroupCommitter } from './group-commit.js';
import type { Statements } from './statements.js';
import { asStoreError } from './store-errors.js';
import { runWrite, type WriteArgs, type Writer, type WriteName, type WriteResult } from './write-operations.js';

export class InlineWriter implements Writer {
  private readonly committer: GroupCommitter;

  constructor(
    db: BetterSqlite3.Database,
    private readonly sql: () => Statements,
  ) {
    this.committer = new GroupCommitter(db, (error) => asStoreError(error, db));
  }

  run<K extends WriteName>(name: K, args: WriteArgs<K>): Promise<WriteResult<K>> {
    return this.committer.run(() => runWrite(this.sql(), name, args) as WriteResult<K>);
  }

  onCommit(listener: CommitListener): void {
    this.committer.onBatch = listener;
  }

  close(): Promise<void> {
    return this.committer.drained();
  }
}
