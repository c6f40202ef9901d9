// A digest of every row of every table of a SQLite store: equal digests, byte-for-byte equal data.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

export function storeDigest(databaseUrl: string): string {
  const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true });
  try {
    const hash = createHash('sha256');
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
      .all() as Array<{ name: string }>;
    for (const { name } of tables) {
      hash.update(`table ${name}\n`);
      // Rows in a fixed order whatever the table's layout (WITHOUT ROWID tables have no rowid).
      const rows = db
        .prepare(`select * from "${name}"`)
        .raw()
        .all()
        .map((row) => JSON.stringify(row));
      for (const row of rows.sort()) hash.update(`${row}\n`);
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}
