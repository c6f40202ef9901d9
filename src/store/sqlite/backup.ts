// An online copy of a SQLite store. VACUUM INTO reads one snapshot in one read transaction, so the
// service keeps writing meanwhile (the log holds its commits). The copy is written under a
// temporary name, flushed to disk (SQLite does not flush it), checked, and only then given its
// name: a file of that name is always a whole, checked copy.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { checkLedger, type LedgerCheck } from '../ledger-check.js';
import { MIGRATION_NAMES } from '../migration-names.js';

export interface BackupReport {
  file: string;
  bytes: number;
  /** When the snapshot was read: every write acknowledged before then is in the copy. */
  takenAt: string;
  /** The last migration the copy's schema has; a restored copy older than the service migrates on start. */
  schema: string | null;
  /** The ledger's rules checked on the copy; null when its schema is older than this release's. */
  ledger: LedgerCheck | null;
}

/** A backup that was not made; nothing is left under the name asked for. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export async function backUpSqlite(source: string, target: string): Promise<BackupReport> {
  if (!existsSync(source)) throw new BackupError(`no SQLite store at ${source}`);
  if (existsSync(target)) throw new BackupError(`${target} exists: a backup never overwrites a file; give a new name`);
  const directory = path.dirname(path.resolve(target));
  if (!existsSync(directory)) throw new BackupError(`no directory ${directory} for the backup`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });

  const takenAt = new Date().toISOString();
  try {
    const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('vacuum into ?').run(partial);
    } finally {
      db.close();
    }
    flush(partial);
    const report = await check(partial);
    renameSync(partial, target);
    flush(directory);
    return { file: target, bytes: statSync(target).size, takenAt, ...report };
  } catch (error) {
    // A copy cut short (a full disk, say) would only take the space the next attempt needs.
    rmSync(partial, { force: true });
    if (error instanceof BetterSqlite3.SqliteError) throw new BackupError(`SQLite stopped the copy: ${error.message} (${error.code})`);
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

/** Reads the copy back: SQLite's own integrity check, then the ledger's rules if it has this release's schema. */
async function check(file: string): Promise<Pick<BackupReport, 'schema' | 'ledger'>> {
  const copy = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const problems = copy.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
    const faults = problems.map((p) => p.integrity_check).filter((line) => line !== 'ok');
    if (faults.length > 0) {
      throw new BackupError(
        `the copy fails SQLite's integrity check, so the store itself may be damaged (run PRAGMA integrity_check on it): ${faults.slice(0, 5).join('; ')}`,
      );
    }
    const migrated = copy.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get() !== undefined;
    const schema = migrated ? (copy.prepare('select max(name) as name from kysely_migration').get() as { name: string | null }).name : null;
    const current = schema === MIGRATION_NAMES.at(-1);
    const ledger = current
      ? await checkLedger((query) => Promise.resolve(copy.prepare(query).all() as Array<Record<string, unknown>>))
      : null;
    return { schema, ledger };
  } finally {
    copy.close();
  }
}
