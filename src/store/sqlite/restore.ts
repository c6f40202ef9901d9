// A backup put back in place of a SQLite store, the safe way round: the backup is checked first;
// the store must not be open anywhere (the service stopped, and kept from starting until the restore
// is done); the store is set aside with its log, never deleted, even when SQLite cannot read it (a
// damaged store is what a restore is for); the backup is copied under a temporary name, flushed, and
// renamed into place. A restore refused for any reason changes nothing.
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { LedgerCheck } from '../ledger-check.js';
import { checkCopy } from './copy-check.js';
import { lockExclusively } from './exclusive-lock.js';
import { StoreInUseError, holdInstanceLock } from './instance-lock.js';
import { flushToDisk } from './durable-files.js';

export interface RestoreReport {
  store: string;
  from: string;
  /** Where the store that was replaced now is (its log beside it), or null when there was none. */
  setAside: string | null;
  /** Why SQLite could not read the store set aside, when it could not; null when it could. */
  setAsideUnreadable: string | null;
  schema: string | null;
  /** The ledger's rules on the backup; null when its schema is not this release's. */
  ledger: LedgerCheck | null;
}

/** A restore that did not happen; the store is as it was. */
export class RestoreError extends Error {
  override name = 'RestoreError';
}

// A SQLite database comes with its write-ahead log and shared-memory index: they move together.
const SIDE_FILES = ['-wal', '-shm'] as const;

export async function restoreSqlite(backup: string, store: string, now = new Date()): Promise<RestoreReport> {
  if (!existsSync(backup)) throw new RestoreError(`no backup at ${backup}`);
  if (path.resolve(backup) === path.resolve(store)) throw new RestoreError(`${backup} is the store itself`);
  const directory = path.dirname(path.resolve(store));
  if (!existsSync(directory)) throw new RestoreError(`no directory ${directory} for the store`);

  let checked;
  try {
    checked = await checkCopy(backup);
  } catch (error) {
    if (error instanceof BetterSqlite3.SqliteError) throw new RestoreError(`${backup} cannot be read as a SQLite store: ${error.message}`);
    throw error;
  }
  if (checked.faults.length > 0) throw new RestoreError(`${backup} fails SQLite's integrity check: ${checked.faults.join('; ')}`);

  const releaseInstanceLock = keepTheServiceOff(store);
  try {
    let setAside: string | null = null;
    let setAsideUnreadable: string | null = null;
    if (existsSync(store)) {
      setAsideUnreadable = takeExclusively(store);
      setAside = `${store}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
      renameSync(store, setAside);
      for (const side of SIDE_FILES) if (existsSync(store + side)) renameSync(store + side, setAside + side);
    }
    copyIntoPlace(backup, store, directory, setAside);
    return { store, from: backup, setAside, setAsideUnreadable, schema: checked.schema, ledger: checked.ledger };
  } finally {
    releaseInstanceLock();
  }
}

/** The service's own lock on the store, held for the restore: refused while a service runs on it. */
function keepTheServiceOff(store: string): () => void {
  try {
    return holdInstanceLock(store);
  } catch (error) {
    if (error instanceof StoreInUseError) throw new RestoreError(`${store} is in use by the service: stop it first`);
    throw error;
  }
}

function copyIntoPlace(backup: string, store: string, directory: string, setAside: string | null): void {
  const partial = `${store}.partial`;
  try {
    copyFileSync(backup, partial);
    flushToDisk(partial);
    renameSync(partial, store);
    flushToDisk(directory);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new RestoreError(
      `the backup could not be copied into place (${error instanceof Error ? error.message : String(error)}); the store is at ${setAside ?? 'no path: there was none'}`,
    );
  }
}

/**
 * Proves nobody has the store open: an exclusive lock is refused while any connection (the
 * service's, a CLI command's) is open. Closing it as the last connection also folds the log into
 * the file, so what is set aside is whole on its own. A store SQLite cannot read is set aside as it
 * is: no command can work on it, and the instance lock keeps the service off; answers why it could
 * not be read, or null.
 */
function takeExclusively(store: string): string | null {
  let db;
  try {
    db = new BetterSqlite3(store, { fileMustExist: true });
  } catch (error) {
    if (error instanceof BetterSqlite3.SqliteError) return error.message;
    throw error;
  }
  let locked;
  try {
    locked = lockExclusively(db);
  } catch (error) {
    if (error instanceof BetterSqlite3.SqliteError) return error.message;
    throw error;
  } finally {
    db.close();
  }
  if (!locked) throw new RestoreError(`${store} is in use (another command has it open): let it finish first`);
  return null;
}
