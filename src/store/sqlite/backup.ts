// An online copy of a SQLite store. VACUUM INTO reads one snapshot in one read transaction, so the
// service keeps writing meanwhile (the log holds its commits). The copy is written under a
// temporary name, flushed to disk (SQLite does not flush it), checked, and only then given its
// name: a file of that name is always a whole, checked copy.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export interface BackupReport {
  file: string;
  bytes: number;
  /** When the snapshot was read: every write acknowledged before then is in the copy. */
  takenAt: string;
  /** The last migration the copy's schema has; a restored copy older than the service migrates on start. */
  schema: string | null;
  accounts: number;
  payments: number;
  credits: number;
  adjustments: number;
  /** The sum of all balances, in minor units. */
  balancesTotal: number;
  /** Accounts whose balance is not the sum of their credits and adjustments: 0 in a sound ledger. */
  accountsOffLedger: number;
}

/** A backup that was not made; nothing is left under the name asked for. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export function backUpSqlite(source: string, target: string): BackupReport {
  if (!existsSync(source)) throw new BackupError(`no SQLite store at ${source}`);
  if (existsSync(target)) throw new BackupError(`${target} exists: a backup never overwrites a file; give a new name`);
  const directory = path.dirname(path.resolve(target));
  if (!existsSync(directory)) throw new BackupError(`no directory ${directory} for the backup`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });

  const takenAt = new Date().toISOString();
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('vacuum into ?').run(partial);
  } finally {
    db.close();
  }
  try {
    flush(partial);
    const report = check(partial);
    renameSync(partial, target);
    flush(directory);
    return { file: target, bytes: statSync(target).size, takenAt, ...report };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

function flush(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

type Figures = Omit<BackupReport, 'file' | 'bytes' | 'takenAt'>;

/** Reads the copy back: SQLite's own integrity check, then what it holds and whether it adds up. */
function check(file: string): Figures {
  const copy = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const problems = copy.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
    const faults = problems.map((p) => p.integrity_check).filter((line) => line !== 'ok');
    if (faults.length > 0) {
      throw new BackupError(
        `the copy fails SQLite's integrity check, so the store itself may be damaged (run PRAGMA integrity_check on it): ${faults.slice(0, 5).join('; ')}`,
      );
    }
    const has = (table: string) => copy.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(table) !== undefined;
    const count = (table: string) => (has(table) ? (copy.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n : 0);
    const schema = has('kysely_migration')
      ? (copy.prepare('select max(name) as name from kysely_migration').get() as { name: string | null }).name
      : null;
    // A store older than operators' adjustments (migration 0008) moved balances by credits alone.
    const moved = has('adjustments') ? MOVED_BY_CREDITS_AND_ADJUSTMENTS : MOVED_BY_CREDITS;
    return {
      schema,
      accounts: count('accounts'),
      payments: count('payments'),
      credits: count('ledger_entries'),
      adjustments: count('adjustments'),
      balancesTotal: (copy.prepare('select coalesce(sum(balance), 0) as total from accounts').get() as { total: number }).total,
      accountsOffLedger: (copy.prepare(offLedger(moved)).get() as { n: number }).n,
    };
  } finally {
    copy.close();
  }
}

const MOVED_BY_CREDITS = 'select customer_id, amount from ledger_entries';
const MOVED_BY_CREDITS_AND_ADJUSTMENTS = `${MOVED_BY_CREDITS} union all select customer_id, amount from adjustments`;

/** Counts the accounts whose balance is not the sum of what `moved` (customer_id, amount) says moved it. */
const offLedger = (moved: string) => `
  with totals as (select customer_id, sum(amount) as amount from (${moved}) group by customer_id)
  select count(*) as n from accounts left join totals using (customer_id)
  where accounts.balance <> coalesce(totals.amount, 0)`;
