// While the store cannot write, callbacks get a non-200 and check_deposit a "temporarily
// unavailable"; once it can, the redelivered callback is applied exactly once. The failures are
// real SQLite errors on the service's own connection, which the test holds: its store writes inline
// on it. The writer thread carries the same errors across (test/store/thread-writer.test.ts). A
// failure no store error names (a bug) answers "internal error" with the request id it is logged under.
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/store/open-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { callbackBody, checkDepositRequest, post, signed, verifyRequest } from '../support/platform.js';
import { startService, type TestService } from '../support/service.js';

let service: TestService;
let db: BetterSqlite3.Database;
// While set, the named store method fails with `error` (a fault no store error names: a bug, say),
// or, without one, never answers.
let gremlin: { method: string; error?: Error } | undefined;

beforeEach(async () => {
  gremlin = undefined;
  service = await startService({
    accounts: [{ customerId: 'acc-1', currency: 'KZT' }],
    openStore: (url) => {
      db = openSqliteDatabase(url.slice('sqlite:'.length));
      const store = new SqliteStore(db);
      return new Proxy(store, {
        get(target, key, receiver) {
          const fault = gremlin;
          if (fault && key === fault.method) return () => (fault.error ? Promise.reject(fault.error) : new Promise(() => undefined));
          const value: unknown = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  });
});
afterEach(() => service.close());

const balance = async () => (await service.store.findAccount('acc-1'))?.balance;
const errorLines = () =>
  service.logs
    .join('')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => (line.level as number) >= 50);
const UNAVAILABLE = { code: 500, error_description: 'temporarily unavailable, please retry' };

/** `kassa24_request_failures_total` of `reason` on a scrape, by operation. */
async function failuresOf(reason: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const counted = [
    ...text.matchAll(new RegExp(`^kassa24_request_failures_total\\{operation="(\\w+)",reason="${reason}"\\} (\\d+)$`, 'gm')),
  ];
  return Object.fromEntries(counted.map(([, operation, count]) => [operation!, Number(count)]));
}

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
    expect(await post(service.url, '/callback', callback, { 'x-request-id': 'rq-503' })).toEqual({ status: 503, body: UNAVAILABLE });
    // Logged with the store's own error, for the operator who sees the 503s.
    expect(errorLines()).toEqual([
      expect.objectContaining({
        msg: 'request failed',
        requestId: 'rq-503',
        err: expect.objectContaining({ message: expect.any(String) as unknown }) as unknown,
      }),
    ]);
    if (refusesEveryWrite)
      expect((await post(service.url, '/terminal', signed(checkDepositRequest('acc-1', 100)))).body).toEqual(UNAVAILABLE);
    expect((await post(service.url, '/terminal', signed(verifyRequest('acc-1')))).body).toEqual({ code: 0, currency: 'KZT' });
    expect(await balance()).toBe(0);
    // What the Kassa24StoreUnavailable alert reads: a refused deposit told apart from the store down.
    expect(await failuresOf('store_unavailable')).toEqual({
      ...(refusesEveryWrite && { terminal: 1 }),
      callback: 1,
    });

    repairStore();
    expect((await post(service.url, '/callback', callback)).body.result).toBe('credited');
    expect((await post(service.url, '/callback', callback)).body.result).toBe('duplicate');
    expect(await balance()).toBe(10000);
  });
});

describe('a failure nothing names', () => {
  it('answers in the protocol with the request id, logs the error under it, and serves on once it is gone', async () => {
    const paymentId = await deposit(10000);
    const error = new TypeError("Cannot read properties of undefined (reading 'currency')");
    const internal = (requestId: string) => ({
      code: 500,
      error_description: `internal error; the service log has the details under request id ${requestId}`,
    });
    gremlin = { method: 'findAccount', error };
    // /terminal answers every outcome with HTTP 200; a callback's failure is a non-200, delivered again.
    expect(await post(service.url, '/terminal', signed(verifyRequest('acc-1')), { 'x-request-id': 'rq-verify' })).toEqual({
      status: 200,
      body: internal('rq-verify'),
    });
    gremlin = { method: 'applyCallback', error };
    const callback = signed(callbackBody(paymentId, 10000));
    expect(await post(service.url, '/callback', callback, { 'x-request-id': 'rq-callback' })).toEqual({
      status: 500,
      body: internal('rq-callback'),
    });
    expect(errorLines()).toEqual(
      ['rq-verify', 'rq-callback'].map(
        (requestId): unknown =>
          expect.objectContaining({
            msg: 'request failed',
            requestId,
            err: expect.objectContaining({ type: 'TypeError', message: error.message, stack: expect.any(String) as unknown }) as unknown,
          }) as unknown,
      ),
    );

    expect(await failuresOf('internal')).toEqual({ terminal: 1, callback: 1 });

    gremlin = undefined;
    expect((await post(service.url, '/terminal', signed(verifyRequest('acc-1')))).body).toEqual({ code: 0, currency: 'KZT' });
    expect((await post(service.url, '/callback', callback)).body.result).toBe('credited');
    expect(await balance()).toBe(10000);
    // Refusals in the protocol's terms are answers, not failures: no error line.
    await post(service.url, '/terminal', signed(verifyRequest('acc-1'), 'wrong'));
    await post(service.url, '/terminal', '{"broken":');
    expect(errorLines()).toHaveLength(2);
  });
});

describe('/readyz', () => {
  it('answers 503 while the store fails or does not answer within 2 s, and 200 again once it does', async () => {
    const unready = { status: 503, body: { status: 'unavailable', error_description: 'store did not answer' } };
    const readyz = async () => {
      const response = await fetch(`${service.url}/readyz`);
      return { status: response.status, body: await response.json() };
    };
    gremlin = { method: 'ping', error: new Error('connection reset') };
    expect(await readyz()).toEqual(unready);
    gremlin = { method: 'ping' };
    const started = Date.now();
    expect(await readyz()).toEqual(unready);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - started).toBeLessThan(5000);
    gremlin = undefined;
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
