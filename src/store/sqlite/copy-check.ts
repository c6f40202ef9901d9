// A copy of a SQLite store read back before anyone relies on it: SQLite's own integrity check, then
// the ledger's rules if the copy has this release's schema (an older one migrates when opened).
import BetterSqlite3 from 'better-sqlite3';
import { checkLedger, type LedgerCheck } from '../ledger-check.js';
import { MIGRATION_NAMES } from '../migration-names.js';

export interface CopyCheck {
  /** What SQLite's integrity check found wrong (at most five lines); empty for a sound file. */
  faults: string[];
  /** The last migration the copy's schema has. */
  schema: string | null;
  /** Null when the copy is damaged or its schema is not this release's. */
  ledger: LedgerCheck | null;
}

export async function checkCopy(file: string): Promise<CopyCheck> {
  const copy = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const found = copy.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
    const faults = found
      .map((row) => row.integrity_check)
      .filter((line) => line !== 'ok')
      .slice(0, 5);
    if (faults.length > 0) return { faults, schema: null, ledger: null };
    const migrated = copy.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get() !== undefined;
    const schema = migrated ? (copy.prepare('select max(name) as name from kysely_migration').get() as { name: string | null }).name : null;
    const ledger =
      schema === MIGRATION_NAMES.at(-1)
        ? await checkLedger((query, parameters) =>
            Promise.resolve(copy.prepare(query).all(...parameters) as Array<Record<string, unknown>>),
          )
        : null;
    return { faults, schema, ledger };
  } finally {
    copy.close();
  }
}
