// The SQLite writer thread: owns the write connection and runs group commit. The main thread
// parses, authenticates and answers requests while a batch's statements and its disk flush
// happen here; writes arriving meanwhile queue up for the next batch. Every write is
// acknowledged only after the COMMIT that holds it has returned (synchronous=FULL).
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointerData } from './checkpointer-thread.js';
import { openSqliteDatabase } from './connection.js';
import { GroupCommitter } from './group-commit.js';
import { startThread } from './start-thread.js';
import { statementsOf } from './statements.js';
import { asStoreError, packError } from './store-errors.js';
import { ONE_STATEMENT_WRITES, runWrite } from './write-operations.js';
import type { FromWriter, ToWriter, WriterThreadData, WriteSettled } from './writer-protocol.js';

// At the rates this service sees, ~1,000 log pages or fewer accumulate between two checkpoints.
const CHECKPOINT_EVERY_MS = 100;

const port = parentPort!;
const { file, options } = workerData as WriterThreadData;
const db = openSqliteDatabase(file, options);
// The checkpointer thread keeps the log short; this connection checkpoints only if that thread
// falls far behind (10,000 pages, about 40 MB of log).
db.pragma('wal_autocheckpoint = 10000');
// A quarter of the readers' cache: the writer touches the hot end of each index, and the accounts it
// judges (check_deposit) and credits — at a million accounts, pages spread over ~100 MB, whose upper
// levels this keeps in memory. 16 MB measured no faster there, and its pages are memory the main
// thread's young generation puts to better use (bench/README.md, session 5).
db.pragma('cache_size = -8192');
// When a batch runs guarded (group-commit.ts), each multi-statement write runs in a savepoint, and
// SQLite keeps the pages a savepoint may have to restore in a statement journal — spilled to a
// temporary file past 64 kB, which a batch of callbacks passes at once: every page a callback
// changes was then written to that file (a system call each), on top of the log. In memory it is a
// copy. Only a savepoint's own rollback reads it; crash recovery never does (the log holds every
// committed page), so durability is unchanged.
db.pragma('temp_store = MEMORY');
const checkpointer = startThread('checkpointer-thread', { file, options, intervalMs: CHECKPOINT_EVERY_MS } satisfies CheckpointerData);
// Its failure costs only log length, which the backstop above bounds.
checkpointer.on('error', () => undefined);
const sql = statementsOf(db);
const committer = new GroupCommitter(db, asStoreError);
const send = (message: FromWriter) => port.postMessage(message);

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    void committer.drained().then(async () => {
      await new Promise((resolve) => {
        checkpointer.once('exit', resolve);
        checkpointer.postMessage('close');
      });
      db.close();
      send({ type: 'closed' });
      port.close();
    });
    return;
  }
  const settled = message.writes.map(({ id, name, args }) =>
    committer.run(() => runWrite(sql(), name, args), { savepoint: !ONE_STATEMENT_WRITES.has(name) }).then(
      (value): WriteSettled => ({ id, ok: true, value }),
      (error: unknown): WriteSettled => ({ id, ok: false, error: packError(error) }),
    ),
  );
  void Promise.all(settled).then((results) => send({ type: 'settled', results }));
});
