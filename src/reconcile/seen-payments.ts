// The payment ids a reconciliation run has met, kept in a private temporary SQLite database: in
// memory while they fit its cache, then in a temporary file that SQLite removes on close. A report
// of any size is compared in the same memory.
import BetterSqlite3 from 'better-sqlite3';

export class SeenPayments {
  // An empty file name: a private database of SQLite's own, on disk only once it outgrows the cache.
  private readonly db = new BetterSqlite3('');
  private readonly mark: (ids: readonly string[]) => boolean[];
  private readonly lookup: BetterSqlite3.Statement<[string], { found: number }>;

  constructor() {
    // Scratch data, gone with the run: nothing to journal or flush.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -16384');
    this.db.exec('create table seen (payment_id text primary key) without rowid');
    const insert = this.db.prepare<[string]>('insert into seen (payment_id) values (?) on conflict do nothing');
    this.mark = this.db.transaction((ids: readonly string[]) => ids.map((id) => insert.run(id).changes === 1));
    this.lookup = this.db.prepare<[string], { found: number }>('select 1 as found from seen where payment_id = ?');
  }

  /** Marks every id as seen; answers, in order, whether each was met here for the first time. */
  firstMentions(ids: readonly string[]): boolean[] {
    return this.mark(ids);
  }

  /** The ids of `ids` never marked seen. */
  unseen(ids: readonly string[]): string[] {
    return ids.filter((id) => this.lookup.get(id) === undefined);
  }

  close(): void {
    this.db.close();
  }
}
