// An operator's list page costs a page, however long the history: on SQLite, the queries behind the
// accounts, payments, callbacks and review lists, an account's ledger, the ledger of a period and
// the ledger feed, read in the list's order, never sort a table; the overview reads ranges of time
// indexes. (SQLite keeps no index of payments by customer, migration 0004: a customer's payments
// are one read of the table, sorted.)
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FEED_START } from '../../src/store/ledger-feed.js';
import { openSqliteDatabase, openStore } from '../../src/store/open-store.js';
import { KyselyOperatorReads, type OperatorReads } from '../../src/store/operator-reads.js';
import type { Database } from '../../src/store/schema.js';
import { paymentsListQuery, type ListQuery } from '../../src/store/sqlite/list-queries.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

let database: TestDatabase;
let kysely: Kysely<Database>;
let reads: OperatorReads;
let executed: CompiledQuery[] = [];

beforeEach(async () => {
  database = await createTestDatabase('sqlite');
  const store = await openStore(database.url);
  await store.migrate();
  await store.close();
  kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: openSqliteDatabase(database.url.slice('sqlite:'.length)) }),
    log: (event) => void executed.push(event.query),
  });
  reads = new KyselyOperatorReads(kysely, (work) => work(), { paymentsByCustomerIndex: false, feedOrder: 'ids' });
});
afterEach(async () => {
  await kysely.destroy();
  await database.drop();
});

/** SQLite's plan for every query `read` ran, one line per step. */
async function plansOf(read: () => Promise<unknown>): Promise<string[]> {
  executed = [];
  await read();
  const steps: string[] = [];
  for (const query of [...executed]) {
    const { rows } = await kysely.executeQuery<{ detail: string }>({ ...query, sql: `explain query plan ${query.sql}` });
    steps.push(...rows.map((row) => row.detail));
  }
  return steps;
}

const page = { limit: 50 };
const cursorAfter = async (list: () => Promise<{ nextCursor: string | null }>) => (await list()).nextCursor ?? undefined;

describe('the operator lists on SQLite', () => {
  it.each([
    ['accounts', () => reads.accounts({}, page)],
    [
      'accounts, a page further',
      async () => reads.accounts({}, { ...page, cursor: await cursorAfter(() => reads.accounts({}, { limit: 1 })) }),
    ],
    ['payments', () => reads.payments({}, page)],
    ['payments of a period', () => reads.payments({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' }, page)],
    ['payments by status', () => reads.payments({ status: 'pending' }, page)],
    ['payments kept for review', () => reads.payments({ flagged: true }, page)],
    ['credited payments of a period', () => reads.creditedPaymentIds({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' }, page)],
    ['callbacks kept for review', () => reads.callbacks({ flagged: true, reviewed: false }, page)],
    ['callbacks', () => reads.callbacks({}, page)],
    ["an account's ledger", () => reads.ledger('A-1', page)],
    ["every account's ledger of a period", () => reads.ledgerOfPeriod({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' }, page)],
    [
      "every account's ledger, a slice of an export",
      () => reads.ledgerInPeriod({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' }, { limit: 1000 }),
    ],
    ['the ledger feed', () => reads.ledgerFeed(FEED_START, 500)],
    ["the ledger feed's end", () => reads.ledgerFeedEnd()],
  ])('%s: no table scanned, no sort of the table', async (_name, read) => {
    await kysely
      .insertInto('accounts')
      .values({
        customer_id: 'A-1',
        currency: 'KZT',
        status: 'active',
        additional_customer_id: null,
        created_at: '2026-12-01T00:00:00Z',
        updated_at: '2026-12-01T00:00:00Z',
      })
      .execute();
    const steps = await plansOf(read);
    expect(steps.length).toBeGreaterThan(0);
    // Callbacks are stored in id order, the list's own: reading their table backwards is a page.
    for (const step of steps) expect(step).not.toMatch(/^SCAN (accounts|payments|ledger_entries|adjustments)$/);
    // Sorting is for the few rows a review index found, never for a whole table.
    const sorts = steps.filter((step) => /TEMP B-TREE FOR ORDER BY/.test(step));
    expect(sorts.length).toBeLessThanOrEqual(steps.some((step) => /callbacks_for_review/.test(step)) ? 1 : 0);
  });

  it('the overview: credits and the last delivery read from their time indexes, the days without a sort', async () => {
    const steps = await plansOf(() => reads.summary(new Date('2026-12-05T12:00:00Z'), 'KZT'));
    for (const step of steps) expect(step).not.toMatch(/^SCAN (payments|ledger_entries|callbacks)$/);
    // A period's rows are read for their currency: a range of the index, then the rows in it.
    expect(steps).toContain('SEARCH ledger_entries USING INDEX ledger_by_creation (created_at>? AND created_at<?)');
    expect(steps).toContain('SEARCH payments USING INDEX payments_by_creation (created_at>? AND created_at<?)');
    expect(steps).toContain('SEARCH callbacks USING COVERING INDEX callbacks_by_last_delivery');
    // Only the two periods' payments are grouped (by status); the days are ranges, not a sorted month.
    expect(steps.filter((step) => /TEMP B-TREE FOR GROUP BY/.test(step))).toHaveLength(2);
  });

  it('the payments a status sync asks about: a range of the unsettled payments, never the table', async () => {
    const steps = await plansOf(() => reads.pendingPaymentsToAsk(new Date('2026-12-05T12:00:00Z'), 1000));
    expect(steps).toContain('SEARCH p USING INDEX payments_unsettled (status=? AND created_at<?)');
    for (const step of steps) expect(step).not.toMatch(/^SCAN/);
  });

  it("a period's next page starts at the cursor, not at the period's end", async () => {
    // Payments of one instant (an import, a burst): only the cursor's payment id tells them apart.
    await kysely
      .insertInto('accounts')
      .values({ customer_id: 'A-1', currency: 'KZT', status: 'active', additional_customer_id: null, created_at: 'x', updated_at: 'x' })
      .execute();
    await kysely
      .insertInto('payments')
      .values(
        ['p-1', 'p-2', 'p-3'].map((paymentId) => ({
          payment_id: paymentId,
          project_id: 1234,
          customer_id: 'A-1',
          amount: 100,
          currency: 'KZT',
          status: 'success',
          last_callback_status: null,
          created_at: '2026-12-01T10:00:00.000Z',
          updated_at: '2026-12-01T10:00:00.000Z',
        })),
      )
      .execute();
    const period = { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' };
    const cursor = await cursorAfter(() => reads.payments(period, { limit: 1 }));
    const steps = await plansOf(() => reads.payments(period, { limit: 1, cursor }));
    expect(steps.find((step) => /payments_by_creation/.test(step))).toMatch(/\(created_at,payment_id\)<\(\?,\?\)/);
    expect((await reads.payments(period, { limit: 5, cursor })).items.map((p) => p.paymentId)).toEqual(['p-2', 'p-1']);
  });

  it("a customer's payments: one read of the table and a sort of theirs, never a walk of the creation index", async () => {
    await kysely
      .insertInto('accounts')
      .values(
        ['A-1', 'A-2'].map((id) => ({
          customer_id: id,
          currency: 'KZT',
          status: 'active',
          additional_customer_id: null,
          created_at: 'x',
          updated_at: 'x',
        })),
      )
      .execute();
    await kysely
      .insertInto('payments')
      .values(
        [1, 2, 3, 4, 5].map((i) => ({
          payment_id: `p-${i}`,
          project_id: 1234,
          customer_id: i % 2 === 0 ? 'A-2' : 'A-1',
          amount: 100,
          currency: 'KZT',
          status: 'success',
          last_callback_status: null,
          created_at: `2026-12-0${i}T10:00:00.000Z`,
          updated_at: `2026-12-0${i}T10:00:00.000Z`,
        })),
      )
      .execute();
    const ofCustomer = { customerId: 'A-1', from: '2026-12-01T00:00:00Z', to: '2026-12-31T00:00:00Z' };
    const first = await reads.payments(ofCustomer, { limit: 2 });
    const next = await reads.payments(ofCustomer, { limit: 2, cursor: first.nextCursor! });
    expect([first.items, next.items].map((items) => items.map((p) => p.paymentId))).toEqual([['p-5', 'p-3'], ['p-1']]);
    for (const read of [() => reads.payments(ofCustomer, page), () => reads.payments(ofCustomer, { ...page, cursor: first.nextCursor! })]) {
      const steps = await plansOf(read);
      expect(steps.filter((step) => /^(SCAN|SEARCH) payments\b/.test(step))).toEqual(['SCAN payments']);
    }
  });
});

describe('the CLI lists on SQLite, read a slice at a time', () => {
  /** The plan of a list query on this database, one line per step. */
  const planOf = async ({ text, params }: ListQuery) => {
    const { rows } = await kysely.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, params));
    return rows.map((row) => row.detail);
  };
  const after = { createdAt: '2026-12-01T00:00:00.000Z', paymentId: 'pay-1' };

  // A slice enters the creation index at the last key read and sorts nothing: with a million
  // payments of one instant (an import, a seed), a sort per slice made the list quadratic.
  it.each([
    ['payments', {}],
    ['payments by status', { status: 'pending' as const }],
    ['payments of a customer', { customerId: 'acc-1' }],
  ])('%s: the creation index from the last key, no sort', async (_name, filter) => {
    const steps = await planOf(paymentsListQuery(filter, { after, limit: 1000 }));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatch(/^SEARCH payments USING (COVERING )?INDEX payments_by_creation \(\(created_at,payment_id\)>\(\?,\?\)\)$/);
  });

  // Read whole, the unsettled payments of a status are found in their own index, however many
  // successful ones the table holds.
  it.each(['pending', 'failed', 'expired'] as const)('payments %s, read whole: the index of unsettled payments', async (status) => {
    const steps = await planOf(paymentsListQuery({ status }));
    expect(steps.filter((step) => /^(SCAN|SEARCH) payments\b/.test(step))).toEqual([
      'SEARCH payments USING INDEX payments_unsettled (status=?)',
    ]);
  });
});
