// Under callgrind (npm run bench:count): applies the callbacks in BODIES_FILE to a seeded database
// the way the writer thread does — its connection, its statements, group commit in batches of
// BATCH — each answer checked. With COUNT=0 it only loads and opens: the difference is the writes'.
import { readFileSync } from 'node:fs';
import { openWriterDatabase } from '../../../src/store/sqlite/connection.js';
import { GroupCommitter } from '../../../src/store/sqlite/group-commit.js';
import { statementsOf } from '../../../src/store/sqlite/statements.js';
import { runWrite, type CallbackToApply } from '../../../src/store/sqlite/write-operations.js';

const [databaseFile, callbacksFile, countText, batchText] = process.argv.slice(2);
const callbacks = JSON.parse(readFileSync(callbacksFile!, 'utf8')) as CallbackToApply[];
const count = Number(countText);
const batch = Number(batchText);
if (count > callbacks.length) throw new Error(`only ${callbacks.length} callbacks prepared`);
const db = openWriterDatabase(databaseFile!);
const sql = statementsOf(db);
const committer = new GroupCommitter(db, (error) => error);
for (let start = 0; start < count; start += batch) {
  const units = callbacks.slice(start, Math.min(start + batch, count));
  const results = await Promise.all(units.map((callback) => committer.run(() => runWrite(sql(), 'applyCallback', callback))));
  for (const result of results as Array<{ result: string }>) {
    if (result.result !== 'credited') throw new Error(`a callback was not credited: ${JSON.stringify(result)}`);
  }
}
db.close();
