// Which driver errors mean "the store cannot serve right now" rather than "this code is wrong".

const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|READONLY|FULL|IOERR|CANTOPEN|PROTOCOL|NOTADB|CORRUPT)/;
// PostgreSQL classes 08 (connection), 53 (resources), 57 (operator intervention), 40001/40P01 (retry).
const PG_TRANSIENT = /^(08|53|57|40001|40P01)/;
const NODE_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

export function isTransientStoreError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return SQLITE_TRANSIENT.test(code) || NODE_NETWORK.has(code) || (/^[0-9A-Z]{5}$/.test(code) && PG_TRANSIENT.test(code));
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
