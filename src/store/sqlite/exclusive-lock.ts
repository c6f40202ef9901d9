// A lock on a SQLite file that no other connection, of this process or another, can share.
import BetterSqlite3 from 'better-sqlite3';

/**
 * Takes an exclusive lock on `db`'s file, kept until `db` closes (exclusive locking mode keeps the
 * lock a write takes); false, at once, when another connection has the file open.
 */
export function lockExclusively(db: BetterSqlite3.Database): boolean {
  db.pragma('busy_timeout = 0');
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.exec('begin exclusive');
    db.exec('commit');
    return true;
  } catch (error) {
    if (error instanceof BetterSqlite3.SqliteError && error.code.startsWith('SQLITE_BUSY')) return false;
    throw error;
  }
}
