// A digest of every row of every table of a SQLite store: equal digests, byte-for-byte equal data.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

export function storeDigest(databaseUrl: string): string {
  const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true });
  try {
    const hash = createHash('sha256');
    const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>;
    for (const { name } of tables) {
      hash.update(`table ${name}\n`);
      for (const row of db.prepare(`select * from "${name}" order by rowid`).raw().all()) hash.update(`${JSON.stringify(row)}\n`);
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}
