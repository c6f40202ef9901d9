// Reconciliation past its batch and page sizes: records are compared some hundreds at a time, and
// the ledger's credits of the period are read page by page; neither boundary may drop or repeat a
// payment, and every count of the summary is exact.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcile, type Discrepancy } from '../../src/reconcile/reconcile.js';
import type { PlatformRecord } from '../../src/reconcile/records.js';
import type { RecordSource } from '../../src/reconcile/sources.js';
import type { Store } from '../../src/store/store.js';
import { backends, createTestDatabase, withStoreAt, type TestDatabase } from '../support/databases.js';

const id = (n: number) => `p-${String(n).padStart(4, '0')}`;
const AMOUNT = 5000;

/** Records given in order, read as often as asked. */
const sourceOf = (records: PlatformRecord[]): RecordSource => ({
  name: 'test:records',
  async *records() {
    for (const record of records) yield await Promise.resolve(record);
  },
});

const record = (line: number, paymentId: string, status = 'success', type = 'sale'): PlatformRecord => ({
  line,
  paymentId,
  status,
  amount: AMOUNT,
  currency: 'KZT',
  type,
});

describe.each(backends())('reconciliation across batches and pages on %s', (backend) => {
  let database: TestDatabase;
  const withStore = <T>(work: (store: Store) => Promise<T>) => withStoreAt(database.url, work);
  const period = () => ({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() });

  // 1,101 payments: p-0000…p-1049 credited here, p-1050…p-1100 pending.
  beforeEach(async () => {
    database = await createTestDatabase(backend);
    await withStore(async (store) => {
      await store.migrate();
      await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
      for (let from = 0; from <= 1100; from += 100) {
        const ns = Array.from({ length: Math.min(100, 1101 - from) }, (_, i) => from + i);
        await Promise.all(
          ns.map((n) => store.openPayment({ paymentId: id(n), projectId: 1234, customerId: 'acc-1', amount: AMOUNT, currency: 'KZT' })),
        );
        const outcomes = await Promise.all(
          ns
            .filter((n) => n < 1050)
            .map((n) => {
              const facts = { projectId: 1234, paymentId: id(n), status: 'success', amount: AMOUNT, currency: 'KZT' };
              return store.applyCallback({ facts, rawBody: JSON.stringify(facts), headers: {}, receivedAt: new Date() });
            }),
        );
        expect(outcomes.every((o) => o.result === 'credited')).toBe(true);
      }
    });
  }, 120_000);
  afterEach(() => database?.drop());

  it('compares every record once and finds every credit the platform does not show, with exact counts', async () => {
    // The platform shows p-0050…p-1049 successful, a refund, p-0057 again, and p-1100 successful:
    // the credits it does not show, p-0000…p-0049, are the oldest, on the last page of the ledger's.
    const records = [
      ...Array.from({ length: 1000 }, (_, n) => record(n + 2, id(50 + n))),
      record(1002, id(53), 'success', 'refund'),
      record(1003, id(57), 'decline'),
      record(1004, id(1100)),
    ];
    const reported: Discrepancy[] = [];
    const { summary, run } = await withStore((store) =>
      reconcile({ store, source: sourceOf(records), period: period(), apply: false, report: (d) => reported.push(d) }),
    );
    // The records' discrepancies in their order, then the credits not shown, newest first.
    expect(reported[0]?.kind).toBe('missing_here');
    expect(reported.slice(1).every((d) => d.kind === 'missing_there')).toBe(true);
    expect(
      reported
        .slice(1)
        .map((d) => d.payment_id)
        .sort(),
    ).toEqual(Array.from({ length: 50 }, (_, i) => id(i)));
    expect(reported[0]).toEqual({
      kind: 'missing_here',
      payment_id: id(1100),
      platform: { status: 'success', amount: AMOUNT, currency: 'KZT', line: 1004 },
      ledger: { status: 'pending', amount: AMOUNT, currency: 'KZT', customer_id: 'acc-1', created_at: expect.any(String) as unknown },
    });
    expect(reported.find((d) => d.payment_id === id(0))).toEqual({
      kind: 'missing_there',
      payment_id: id(0),
      platform: null,
      ledger: { status: 'success', amount: AMOUNT, currency: 'KZT', customer_id: 'acc-1', created_at: expect.any(String) as unknown },
    });
    expect(summary).toEqual({
      compared: 1001,
      matching: 1000,
      skipped: 1,
      period: expect.any(Object) as unknown,
      applied: 0,
      missing_here: 1,
      missing_there: 50,
      amount_mismatch: 0,
      status_mismatch: 0,
      unknown_payment: 0,
    });
    expect(run).toMatchObject({
      source: 'test:records',
      applied: false,
      discrepancies: 51,
      discrepanciesKept: 51,
      summary: { compared: 1001, matching: 1000, skipped: 1, applied: 0, missing_here: 1, missing_there: 50 },
    });
    expect(run.periodFrom).not.toBeNull();
  });

  it('with apply, credits what the platform shows paid, once, and says so in the summary and the run', async () => {
    const records = [record(2, id(1050)), record(3, id(1051), 'decline'), record(4, id(1052))];
    const run = () => withStore((store) => reconcile({ store, source: sourceOf(records), apply: true, report: () => undefined }));
    const first = await run();
    expect(first.summary).toMatchObject({ compared: 3, matching: 0, applied: 2, missing_here: 2, status_mismatch: 1 });
    expect(first.summary.period).toBeNull();
    expect(first.run).toMatchObject({ applied: true, periodFrom: null, periodTo: null, discrepancies: 3 });
    const again = await run();
    expect(again.summary).toMatchObject({ compared: 3, matching: 2, applied: 0, missing_here: 0, status_mismatch: 1 });
    expect(await withStore(async (store) => (await store.findAccount('acc-1'))?.balance)).toBe(1052 * AMOUNT);
  });
});
