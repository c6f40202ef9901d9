// One service per SQLite store. A second one on the same file would contend for its write lock
// (answering 503 while the other holds it) and run the jobs a second time, since SQLite's job
// locks are held within a process. The first service holds an exclusive lock on a small file
// beside the store for as long as it runs; the operating system drops the lock when the process
// ends, however it ends, so no stale lock outlives a crash.
import BetterSqlite3 from 'better-sqlite3';
import { lockExclusively } from './exclusive-lock.js';

/** The lock could not be taken: another service runs on the store. */
export class StoreInUseError extends Error {
  override name = 'StoreInUseError';
}

/** Takes the store's instance lock, or throws StoreInUseError; answers how to let it go. */
export function holdInstanceLock(storeFile: string): () => void {
  const lockFile = `${storeFile}.instance-lock`;
  const db = new BetterSqlite3(lockFile);
  let locked;
  try {
    locked = lockExclusively(db);
  } catch (error) {
    db.close();
    throw error;
  }
  if (!locked) {
    db.close();
    throw new StoreInUseError(
      `another service runs on the SQLite store ${storeFile} (it holds ${lockFile}): run one service per SQLite store, or PostgreSQL for several`,
    );
  }
  return () => db.close();
}
