import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/store/sqlite/group-commit.js';

/** Why a settled write was refused (a rejection's reason is typed `any`). */
const reasonOf = (outcome: PromiseSettledResult<unknown>) =>
  (outcome as PromiseRejectedResult).reason as { message: string; code?: string };

let dir: string;
let db: Database.Database;
let statements: string[];
let committer: GroupCommitter;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kassa24-gc-'));
  db = new Database(path.join(dir, 'gc.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.exec(`create table parent (id integer primary key);
           create table t (id integer primary key, parent integer references parent (id) deferrable initially deferred)`);
  statements = [];
  const exec = db.exec.bind(db);
  db.exec = (sql: string) => {
    statements.push(sql);
    return exec(sql);
  };
  committer = new GroupCommitter(db, (error) => new Error(`unavailable: ${(error as Error).message}`));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert =
  (id: number, parent: number | null = null) =>
  () =>
    db.prepare('insert into t (id, parent) values (?, ?)').run(id, parent).changes;
const ids = () =>
  db
    .prepare('select id from t order by id')
    .all()
    .map((r) => (r as { id: number }).id);

describe('GroupCommitter', () => {
  it('runs the units that arrive together in one transaction: one commit, one flush', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => committer.run(insert(i + 1))));
    expect(results).toEqual(Array(10).fill(1));
    expect(statements.filter((s) => s === 'BEGIN IMMEDIATE')).toHaveLength(1);
    expect(statements.filter((s) => s === 'COMMIT')).toHaveLength(1);
    expect(ids()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('fails the batch after one attempt when the write lock cannot be had', async () => {
    db.pragma('busy_timeout = 50');
    const other = new Database(path.join(dir, 'gc.db'));
    other.exec('begin exclusive');
    try {
      const outcomes = await Promise.allSettled([committer.run(insert(1)), committer.run(insert(2))]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(reasonOf(outcomes[0]).message).toMatch(/^unavailable: database is locked/);
      expect(statements.filter((s) => s === 'BEGIN IMMEDIATE')).toHaveLength(1);
    } finally {
      other.exec('rollback');
      other.close();
    }
    await committer.run(insert(3));
    expect(ids()).toEqual([3]);
  });

  it('runs a batch without savepoints while nothing fails', async () => {
    await Promise.all([committer.run(insert(1)), committer.run(insert(2))]);
    expect(statements).toEqual(['BEGIN IMMEDIATE', 'COMMIT']);
  });

  it('runs a batch again, guarded, when a unit fails part-way', async () => {
    const runs: number[] = [];
    const counted = (id: number) => () => {
      runs.push(id);
      return insert(id)();
    };
    const failing = () => {
      runs.push(20);
      insert(20)();
      throw new Error('unit failed');
    };
    const outcomes = await Promise.allSettled([committer.run(counted(1)), committer.run(failing), committer.run(counted(3))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // The first pass stops at the failure and is rolled back; the second runs every unit.
    expect(runs).toEqual([1, 20, 1, 20, 3]);
    expect(statements).toEqual([
      'BEGIN IMMEDIATE',
      'ROLLBACK',
      'BEGIN IMMEDIATE',
      ...['SAVEPOINT unit', 'RELEASE unit'],
      ...['SAVEPOINT unit', 'ROLLBACK TO unit', 'RELEASE unit'],
      ...['SAVEPOINT unit', 'RELEASE unit'],
      'COMMIT',
    ]);
    expect(ids()).toEqual([1, 3]);
  });

  it('reports each outcome once when a batch runs twice', async () => {
    await committer.run(insert(7));
    statements.length = 0;
    const failing = () => {
      insert(20)();
      throw new Error('unit failed');
    };
    const outcomes = await Promise.allSettled([
      committer.run(insert(7)), // fails in both passes
      committer.run(insert(1)),
      committer.run(failing), // makes the batch run again, guarded
      committer.run(insert(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(reasonOf(outcomes[0]).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(reasonOf(outcomes[2]).message).toBe('unit failed');
    expect(statements.filter((s) => s === 'BEGIN IMMEDIATE' || s === 'ROLLBACK' || s === 'COMMIT')).toEqual([
      'BEGIN IMMEDIATE',
      'ROLLBACK',
      'BEGIN IMMEDIATE',
      'COMMIT',
    ]);
    expect(ids()).toEqual([1, 3, 7]);
  });

  it('undoes a failing unit alone; the others commit', async () => {
    const failing = () => {
      insert(20)();
      throw new Error('unit failed');
    };
    const outcomes = await Promise.allSettled([committer.run(insert(1)), committer.run(failing), committer.run(insert(3))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(reasonOf(outcomes[1]).message).toBe('unit failed');
    expect(ids()).toEqual([1, 3]);
  });

  it('fails every unit of a batch whose commit fails, and keeps none of it', async () => {
    // A deferred foreign key is checked at COMMIT: the whole transaction is refused there.
    const outcomes = await Promise.allSettled([committer.run(insert(1)), committer.run(insert(2, 999))]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(reasonOf(outcomes[0]).message).toMatch(/^unavailable: FOREIGN KEY/);
    expect(ids()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    await committer.run(insert(5));
    expect(ids()).toEqual([5]);
  });

  it('answers nobody before the commit: what a caller is told is already visible to another connection', async () => {
    const reader = new Database(path.join(dir, 'gc.db'), { readonly: true });
    const seen = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        committer.run(insert(i + 1)).then(() => (reader.prepare('select count(*) n from t').get() as { n: number }).n),
      ),
    );
    reader.close();
    expect(seen).toEqual([5, 5, 5, 5, 5]);
  });

  it("reports each committed batch: its units, its time and its COMMIT's; a failed batch is not reported", async () => {
    const reported: Array<[number, number, number]> = [];
    committer.onBatch = (units, batchSeconds, commitSeconds) => void reported.push([units, batchSeconds, commitSeconds]);
    await Promise.all(Array.from({ length: 7 }, (_, i) => committer.run(insert(i + 1))));
    await committer.run(insert(8));
    await Promise.allSettled([committer.run(insert(9)), committer.run(insert(10, 999))]);
    expect(reported.map(([units]) => units)).toEqual([7, 1]);
    for (const [, batchSeconds, commitSeconds] of reported) {
      expect(commitSeconds).toBeGreaterThan(0);
      expect(batchSeconds).toBeGreaterThanOrEqual(commitSeconds);
      expect(batchSeconds).toBeLessThan(10);
    }
  });

  it("answers a committed batch's units as committed even when its report fails", async () => {
    committer.onBatch = () => {
      throw new Error('a broken listener');
    };
    await expect(Promise.all([committer.run(insert(1)), committer.run(insert(2))])).resolves.toEqual([1, 1]);
    expect(ids()).toEqual([1, 2]);
  });

  it('bounds a batch and carries the rest to the next one', async () => {
    await Promise.all(Array.from({ length: 1200 }, (_, i) => committer.run(insert(i + 1))));
    expect(statements.filter((s) => s === 'COMMIT')).toHaveLength(3);
    expect(ids()).toHaveLength(1200);
    await committer.drained();
  });
});
