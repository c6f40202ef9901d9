// The SQLite writer thread: owns the write connection and runs group commit. The main thread
// parses, authenticates and answers requests while a batch's statements and its disk flush
// happen here; writes arriving meanwhile queue up for the next batch. Every write is
// acknowledged only after the COMMIT that holds it has returned (synchronous=FULL).
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointerData } from './checkpointer-thread.js';
import { openWriterDatabase } from './connection.js';
import { GroupCommitter } from './group-commit.js';
import { startThread } from './start-thread.js';
import { statementsOf } from './statements.js';
import { asStoreError, packError } from './store-errors.js';
import { runWrite } from './write-operations.js';
import type { FromWriter, ToWriter, WriterThreadData, WriteSettled } from './writer-protocol.js';

// At the rates this service sees, ~1,000 log pages or fewer accumulate between two checkpoints.
const CHECKPOINT_EVERY_MS = 100;

const port = parentPort!;
const { file, options } = workerData as WriterThreadData;
const db = openWriterDatabase(file, options);
const checkpointer = startThread('checkpointer-thread', { file, options, intervalMs: CHECKPOINT_EVERY_MS } satisfies CheckpointerData);
// Its failure costs only log length, which the writer connection's own autocheckpoint bounds.
checkpointer.on('error', () => undefined);
const sql = statementsOf(db);
const committer = new GroupCommitter(db, (error) => asStoreError(error, db));
// Reported with the next answers rather than a message of their own: no extra wake-up per batch.
let batches: number[] = [];
committer.onBatch = (writes, batchSeconds, commitSeconds) => void batches.push(writes, batchSeconds, commitSeconds);
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
    committer
      .run(() => runWrite(sql(), name, args))
      .then(
        (value): WriteSettled => ({ id, ok: true, value }),
        (error: unknown): WriteSettled => ({ id, ok: false, error: packError(error) }),
      ),
  );
  void Promise.all(settled).then((results) => {
    const reported = batches;
    batches = [];
    send({ type: 'settled', results, batches: reported });
  });
});
