// An online copy of a SQLite store. VACUUM INTO reads one snapshot in one read transaction, so the
// service keeps writing meanwhile (the log holds its commits). The copy is written under a
// temporary name, flushed to disk (SQLite does not flush it), checked, and only then given its
// name: a file of that name is always a whole, checked copy.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { LedgerCheck } from '../ledger-check.js';
import { checkCopy } from './copy-check.js';
import { flushToDisk } from './durable-files.js';

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
    flushToDisk(partial);
    const { faults, schema, ledger } = await checkCopy(partial);
    if (faults.length > 0) {
      throw new BackupError(
        `the copy fails SQLite's integrity check, so the store itself may be damaged (run PRAGMA integrity_check on it): ${faults.join('; ')}`,
      );
    }
    renameSync(partial, target);
    flushToDisk(directory);
    return { file: target, bytes: statSync(target).size, takenAt, schema, ledger };
  } catch (error) {
    // A copy cut short (a full disk, say) would only take the space the next attempt needs.
    rmSync(partial, { force: true });
    if (error instanceof BetterSqlite3.SqliteError) throw new BackupError(`SQLite stopped the copy: ${error.message} (${error.code})`);
    throw error;
  }
}
