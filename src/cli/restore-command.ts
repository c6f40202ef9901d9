// `restore --from FILE`: a backup put back in place of the SQLite store, the service stopped.
import { ledgerCheckJson } from '../admin/representation.js';
import { RestoreError, restoreSqlite } from '../store/sqlite/restore.js';
import { CliError } from './cli-error.js';

const RESTORE_USAGE = 'usage: restore --from FILE   (the service stopped; the store is set aside, never deleted)';

export async function restoreCommand(databaseUrl: string, from: string | undefined) {
  if (!from) throw new CliError(RESTORE_USAGE);
  if (!databaseUrl.startsWith('sqlite:')) {
    throw new CliError('restore replaces a SQLite store; restore PostgreSQL with its own tools, pg_restore or point-in-time recovery');
  }
  const store = databaseUrl.slice('sqlite:'.length);
  if (store === ':memory:') throw new CliError('a store in memory cannot be restored into');
  const now = new Date();
  try {
    const report = await restoreSqlite(from, store, now);
    return {
      store: report.store,
      from: report.from,
      set_aside: report.setAside,
      set_aside_unreadable: report.setAsideUnreadable,
      schema: report.schema,
      ledger: report.ledger && ledgerCheckJson(report.ledger, now),
    };
  } catch (error) {
    if (error instanceof RestoreError) throw new CliError(`restore not made: ${error.message}`, 1);
    throw error;
  }
}
