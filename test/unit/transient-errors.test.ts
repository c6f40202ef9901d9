// Which driver errors mean "the store cannot serve right now" (answered 503, delivered again) and
// which mean the query itself failed; told apart by code, never by message text.
import { describe, expect, it } from 'vitest';
import { isTransientStoreError, isUniqueViolation } from '../../src/store/transient-errors.js';

const withCode = (code: unknown): Error => Object.assign(new Error('whatever the driver says'), { code });

describe('isTransientStoreError', () => {
  it.each([
    // SQLite: locked, read-only, full, I/O, unopenable or damaged files, with their extended codes.
    'SQLITE_BUSY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_LOCKED',
    'SQLITE_READONLY',
    'SQLITE_READONLY_DBMOVED',
    'SQLITE_FULL',
    'SQLITE_IOERR_WRITE',
    'SQLITE_CANTOPEN',
    'SQLITE_PROTOCOL',
    'SQLITE_NOTADB',
    'SQLITE_CORRUPT',
    // PostgreSQL: connection (08), resources (53), operator intervention (57), serialization, deadlock.
    '08006',
    '08001',
    '53300',
    '53100',
    '57P01',
    '57014',
    '40001',
    '40P01',
    // The network under the driver.
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    'EHOSTUNREACH',
  ])('%s is the store unable to serve now', (code) => {
    expect(isTransientStoreError(withCode(code))).toBe(true);
  });

  it.each([
    'SQLITE_CONSTRAINT_UNIQUE',
    'SQLITE_ERROR',
    'SQLITE_MISMATCH',
    '23505',
    '22012',
    '42P01',
    '40002',
    // Not SQLSTATEs, though they start like the transient classes.
    '0800',
    '080060',
    'X08006',
    '08p01',
    'ENOENT',
    'EACCES',
  ])('%s is the query failing, not the store', (code) => {
    expect(isTransientStoreError(withCode(code))).toBe(false);
  });

  it('reads only a string code of an Error', () => {
    expect(isTransientStoreError(withCode(8006))).toBe(false);
    expect(isTransientStoreError(new Error('connection reset by peer'))).toBe(false);
    expect(isTransientStoreError({ code: 'ECONNRESET', message: 'not an Error' })).toBe(false);
    expect(isTransientStoreError(undefined)).toBe(false);
  });
});

describe('isUniqueViolation', () => {
  it('is a duplicate key on either store, and nothing else', () => {
    for (const code of ['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE', '23505'])
      expect(isUniqueViolation(withCode(code))).toBe(true);
    for (const code of ['SQLITE_CONSTRAINT_NOTNULL', 'SQLITE_CONSTRAINT_FOREIGNKEY', '23503', '23514', undefined])
      expect(isUniqueViolation(withCode(code))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});
