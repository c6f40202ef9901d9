// The ledger feed costs a page, however long the ledger, on PostgreSQL too: each stream is a range
// of its (tx, id) index from the reader's position, the bounds check and the feed's end read the
// ends of indexes, and what the feed holds back is a range of the same index. Checked on a ledger
// written in several transactions and analysed, so that the planner chooses as in production.
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_START } from '../../src/store/ledger-feed.js';
import { openStore } from '../../src/store/open-store.js';
import { KyselyOperatorReads, type OperatorReads } from '../../src/store/operator-reads.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';

const TRANSACTIONS = 20;
const ENTRIES_EACH = 1000;

/** Each node of a JSON plan, depth first. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe.runIf(postgresUrl)('the ledger feed on PostgreSQL: ranges of indexes, never a table', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let kysely: Kysely<Database>;
  let reads: OperatorReads;
  let executed: CompiledQuery[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const store = await openStore(database.url);
    await store.migrate();
    await store.close();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const at = `'2026-12-01T10:00:00.000Z'`;
    await pool.query(
      `insert into accounts (customer_id, currency, status, created_at, updated_at) values ('acc-1', 'KZT', 'active', ${at}, ${at})`,
    );
    // Each transaction its own tx: the index orders by it first.
    for (let t = 0; t < TRANSACTIONS; t += 1) {
      const [from, to] = [t * ENTRIES_EACH + 1, (t + 1) * ENTRIES_EACH];
      await pool.query(`
        with paid as (
          insert into payments (payment_id, project_id, customer_id, amount, currency, status, created_at, updated_at)
          select 'p-' || i, 1234, 'acc-1', 100, 'KZT', 'success', ${at}, ${at} from generate_series(${from}, ${to}) as i
          returning payment_id
        ), told as (
          insert into callbacks (body_sha256, project_id, payment_id, status, raw_body, headers, received_at, last_received_at,
            deliveries, result, source)
          select md5(payment_id), 1234, payment_id, 'success', '{}', '{}', ${at}, ${at}, 1, 'credited', 'callback' from paid
          returning id, payment_id
        ), credited as (
          insert into ledger_entries (payment_id, customer_id, amount, currency, callback_id, created_at)
          select payment_id, 'acc-1', 100, 'KZT', id, ${at} from told
        )
        insert into adjustments (idempotency_key, customer_id, amount, currency, reason, actor, created_at)
        select 'k-' || i, 'acc-1', 1, 'KZT', 'seeded', 'anna', ${at} from generate_series(${from}, ${to}) as i`);
    }
    await pool.query('analyze');
    kysely = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => void executed.push(event.query),
    });
    reads = new KyselyOperatorReads(kysely, (work) => work(), { paymentsByCustomerIndex: true, feedOrder: 'transactions' });
  });
  afterAll(async () => {
    await kysely?.destroy();
    await database?.drop();
  });

  /** The plan of every query `read` ran, as its nodes. */
  async function plansOf(read: () => Promise<unknown>): Promise<PlanNode[][]> {
    executed = [];
    await read();
    const plans: PlanNode[][] = [];
    for (const query of [...executed]) {
      const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${query.sql}`, [
        ...query.parameters,
      ]);
      plans.push(nodesOf(rows[0]!['QUERY PLAN'][0].Plan));
    }
    return plans;
  }

  const isLedger = (node: PlanNode) => node['Relation Name'] === 'ledger_entries' || node['Relation Name'] === 'adjustments';
  /** Each query's indexes of the ledger's tables, the queries in any order (the streams are read concurrently). */
  const indexesOf = (plans: PlanNode[][]) =>
    plans
      .map((nodes) =>
        nodes
          .filter(isLedger)
          .map((node) => node['Index Name'] ?? `${node['Node Type']} ${node['Relation Name']}`)
          .join(' '),
      )
      .sort();

  // The bounds check reads the newest id of each table and its latest transaction: index ends.
  const boundsCheck = 'ledger_entries_pkey adjustments_pkey ledger_entries_in_feed_order adjustments_in_feed_order';
  const page = [boundsCheck, 'ledger_entries_in_feed_order', 'adjustments_in_feed_order'];

  it.each([
    ['a page from the start', () => reads.ledgerFeed(FEED_START, 500), page],
    [
      'pages from positions further on',
      async () => {
        const { position } = await reads.ledgerFeed(FEED_START, 500);
        return reads.ledgerFeed((await reads.ledgerFeed(position, 500)).position, 500);
      },
      [...page, ...page, ...page],
    ],
    ['its end, for a reader starting now', () => reads.ledgerFeedEnd(), ['ledger_entries_in_feed_order adjustments_in_feed_order']],
    ['what it holds back', () => reads.feedHeldBack(), ['ledger_entries_in_feed_order adjustments_in_feed_order']],
  ])('%s: each table through its (tx, id) index in its order, nothing sorted', async (_name, read, indexes) => {
    const plans = await plansOf(read);
    expect(indexesOf(plans)).toEqual([...indexes].sort());
    for (const node of plans.flat()) {
      if (isLedger(node)) expect(node['Node Type']).toMatch(/^Index (Only )?Scan$/);
      expect(node['Node Type']).not.toBe('Sort');
    }
  });
});
