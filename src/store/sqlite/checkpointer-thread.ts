// The checkpointer thread: copies committed pages from the write-ahead log back into the database
// file, on a connection of its own, so that no commit waits for it. Left to SQLite, this happens
// inside the COMMIT that crosses the auto-checkpoint threshold, which then holds every caller in
// that batch. A PASSIVE checkpoint never blocks the writer or readers;
// once it has caught up, the writer starts the log from the beginning again.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteDatabase, type SqliteOptions } from './connection.js';

export interface CheckpointerData {
  file: string;
  options: SqliteOptions;
  intervalMs: number;
}

const { file, options, intervalMs } = workerData as CheckpointerData;
const db = openSqliteDatabase(file, options);
// A checkpoint copies pages from the log to the file; it needs no page cache of its own.
db.pragma('cache_size = -256');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A failing disk fails the writer's commits too, and callers hear of it there; this one
    // retries on the next tick, and the writer's own large auto-checkpoint remains the backstop.
  }
}, intervalMs);

parentPort!.on('message', (message: 'close') => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
