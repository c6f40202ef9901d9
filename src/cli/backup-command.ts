// `backup --to FILE`: an online, checked copy of the SQLite store, taken while the service runs.
import { BackupError, backUpSqlite } from '../store/sqlite/backup.js';
import { CliError } from './cli-error.js';
import { ledgerCheckJson } from '../admin/representation.js';

const BACKUP_USAGE = 'usage: backup --to FILE   (a new file: a backup never overwrites one)';

export async function backupCommand(databaseUrl: string, to: string | undefined) {
  if (!to) throw new CliError(BACKUP_USAGE);
  if (!databaseUrl.startsWith('sqlite:')) {
    throw new CliError(
      'backup copies a SQLite store; back PostgreSQL up with its own tools, pg_dump or continuous archiving (README: Backups)',
    );
  }
  const source = databaseUrl.slice('sqlite:'.length);
  if (source === ':memory:') throw new CliError('a store in memory has nothing to back up');
  try {
    const report = await backUpSqlite(source, to);
    return {
      file: report.file,
      bytes: report.bytes,
      taken_at: report.takenAt,
      schema: report.schema,
      ledger: report.ledger && ledgerCheckJson(report.ledger, new Date(report.takenAt)),
    };
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(`backup not made: ${error.message}`, 1);
    throw error;
  }
}
