// While the store cannot write, callbacks get a non-200 and check_deposit a "temporarily
// unavailable"; once it can, the redelivered callback is applied exactly once. The failures are
// real SQLite errors on the service's own connection, which the test holds: its store writes inline
// on it. The writer thread carries the same errors across (test/store/thread-writer.test.ts).
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/store/open-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { callbackBody, checkDepositRequest, post, signed, verifyRequest } from '../support/platform.js';
import { startService, type TestService } from '../support/service.js';

let service: TestService;
let db: BetterSqlite3.Database;

beforeEach(async () => {
  service = await startService({
    accounts: [{ customerId: 'acc-1', currency: 'KZT' }],
    openStore: (url) => {
      db = openSqliteDatabase(url.slice('sqlite:'.length));
      return new SqliteStore(db);
    },
  });
});
afterEach(() => service.close());

const balance = async () => (await service.store.findAccount('acc-1'))?.balance;
const UNAVAILABLE = { code: 500, error_description: 'temporarily unavailable, please retry' };

async function deposit(amount: number): Promise<string> {
  const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('acc-1', amount)));
  return body.payment_id!;
}

describe.each([
  ['read-only', () => db.pragma('query_only = 1'), () => db.pragma('query_only = 0'), true],
  // A full database still takes a row that fits in a page it has; a 20 kB callback does not fit.
  // VACUUM first: the migrations' table rebuilds leave free pages, which a full file still has.
  [
    'full',
    () => {
      db.exec('VACUUM');
      db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
    },
    () => db.pragma('max_page_count = 1073741823'),
    false,
  ],
] as const)('a %s store', (_name, breakStore, repairStore, refusesEveryWrite) => {
  it('refuses writes in the protocol terms, keeps serving reads, and applies the redelivery once repaired', async () => {
    const paymentId = await deposit(10000);
    // Big enough to need new pages: a full database cannot take it.
    const callback = signed({ ...callbackBody(paymentId, 10000), note: 'x'.repeat(20_000) });
    breakStore();
    expect(await post(service.url, '/callback', callback)).toEqual({ status: 503, body: UNAVAILABLE });
    if (refusesEveryWrite)
      expect((await post(service.url, '/terminal', signed(checkDepositRequest('acc-1', 100)))).body).toEqual(UNAVAILABLE);
    expect((await post(service.url, '/terminal', signed(verifyRequest('acc-1')))).body).toEqual({ code: 0, currency: 'KZT' });
    expect(await balance()).toBe(0);

    repairStore();
    expect((await post(service.url, '/callback', callback)).body.result).toBe('credited');
    expect((await post(service.url, '/callback', callback)).body.result).toBe('duplicate');
    expect(await balance()).toBe(10000);
  });
});
