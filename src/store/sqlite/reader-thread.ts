// The SQLite reader thread: runs the operator's queries (admin API, console, CLI) on a connection of
// its own, so that a query over a long history never holds up the main thread, which answers the
// platform. In WAL mode a reader sees every committed write and blocks no writer.
import { parentPort, workerData } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { openSqliteDatabase } from './connection.js';
import type { FromReader, ReaderThreadData, ToReader } from './reader-protocol.js';
import { asStoreError, packError } from './store-errors.js';

const port = parentPort!;
const { file, options } = workerData as ReaderThreadData;
const db = openSqliteDatabase(file, options);
// Nothing an operator reads may write, whatever a query says.
db.pragma('query_only = 1');
// A page of a list touches few pages; a long report's pages come from the OS's cache. The main
// thread's larger cache is for the platform's reads.
db.pragma('cache_size = -8192');

// The operator reads compile to a few query shapes, each parsed once; lists of ids make a shape per
// length, hence the bound (the oldest is dropped).
const MAX_PREPARED = 256;
const prepared = new Map<string, BetterSqlite3.Statement>();
const statement = (sql: string): BetterSqlite3.Statement => {
  let found = prepared.get(sql);
  if (!found) {
    found = db.prepare(sql);
    if (prepared.size >= MAX_PREPARED) prepared.delete(prepared.keys().next().value!);
    prepared.set(sql, found);
  }
  return found;
};

port.on('message', (message: ToReader) => {
  if (message.type === 'close') {
    db.close();
    port.close();
    return;
  }
  let answer: FromReader;
  try {
    const query = statement(message.sql);
    answer = query.reader
      ? { type: 'answer', id: message.id, ok: true, rows: query.all(...message.parameters) }
      : { type: 'answer', id: message.id, ok: true, rows: [], changes: query.run(...message.parameters).changes };
  } catch (error) {
    answer = { type: 'answer', id: message.id, ok: false, error: packError(asStoreError(error, db)) };
  }
  port.postMessage(answer);
});
