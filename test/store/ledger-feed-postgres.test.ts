// On PostgreSQL ids are handed out before commits, in any order: a feed that stepped past an entry
// whose transaction was still open would never read it. Followed from position to position, the
// ledger feed reads every entry once however the transactions writing them interleave. (SQLite's
// one writer commits in id order: test/store/conformance.test.ts covers both stores.)
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FEED_START, FeedFromAnotherServerError, type FeedPosition } from '../../src/store/ledger-feed.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';
import { untilFeedGives } from '../support/ledger-feed.js';

describe.runIf(postgresUrl)('the ledger feed on PostgreSQL, transactions committing out of order', () => {
  let database: TestDatabase;
  let store: Store;
  let held: pg.Client;

  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    store = await openStore(database.url);
    await store.migrate();
    for (const customerId of ['acc-1', 'acc-2']) await store.addAccount({ customerId, currency: 'KZT' });
    held = new pg.Client({ connectionString: database.url });
    await held.connect();
  });
  afterEach(async () => {
    await held.end();
    await store.close();
    await database.drop();
  });

  const adjust = (idempotencyKey: string, reason: string) =>
    store.addAdjustment({ customerId: 'acc-1', amount: 100, reason, idempotencyKey, actor: 'anna' });

  it('reads nothing past an entry still being written, and that entry once it commits', async () => {
    const reads = await store.operatorReads();
    const read: string[] = [];
    let position: FeedPosition = FEED_START;
    const follow = async () => {
      const feed = await reads.ledgerFeed(position, 10);
      read.push(...feed.entries.map((e) => e.reason!));
      position = feed.position;
      return feed;
    };

    await adjust('a-1', 'first');
    await untilFeedGives(reads, 1);
    await follow();
    // A transaction takes the next id and stays open; one begun after it takes a later id and commits.
    await held.query('begin');
    const { rows } = await held.query<{ id: string }>(
      `insert into adjustments (idempotency_key, customer_id, amount, currency, reason, actor, created_at)
       values ('held', 'acc-2', 5, 'KZT', 'held open', 'bob', '2026-12-07T00:00:00.000Z') returning id`,
    );
    await adjust('a-2', 'committed meanwhile');
    const meanwhile = await follow();
    expect(meanwhile).toMatchObject({ entries: [], more: false });

    await held.query('commit');
    await untilFeedGives(reads, 3);
    await follow();
    expect(read).toEqual(['first', 'held open', 'committed meanwhile']);
    const ids = (await reads.ledgerFeed(FEED_START, 10)).entries.map((e) => e.id);
    // The entry held open is where its transaction began, before the one committed meanwhile.
    expect(ids[1]).toBe(Number(rows[0]!.id));
    expect(ids[1]).toBeLessThan(ids[2]!);
    expect(await reads.ledgerFeed(position, 10)).toEqual({ entries: [], position, more: false });
  });

  it('starts a reader at the end without skipping an entry still being written, however early it began', async () => {
    const reads = await store.operatorReads();
    await adjust('a-1', 'history');
    await untilFeedGives(reads, 1);
    await held.query('begin');
    await held.query(
      `insert into adjustments (idempotency_key, customer_id, amount, currency, reason, actor, created_at)
       values ('held', 'acc-2', 5, 'KZT', 'held open', 'bob', '2026-12-07T00:00:00.000Z')`,
    );
    await adjust('a-2', 'committed meanwhile');

    const end = await reads.ledgerFeedEnd();
    expect(await reads.ledgerFeed(end, 10)).toMatchObject({ entries: [], more: false });
    await held.query('commit');
    await untilFeedGives(reads, 3);
    const after = await reads.ledgerFeed(end, 10);
    expect(after.entries.map((e) => e.reason)).toEqual(['held open', 'committed meanwhile']);
  });

  it("says so, rather than hide entries, when the tables carry another server's transactions", async () => {
    const reads = await store.operatorReads();
    await adjust('a-1', 'written elsewhere');
    await untilFeedGives(reads, 1);
    const { position } = await reads.ledgerFeed(FEED_START, 10);
    const beyond = { ...position, adjustment: { tx: '99999999999', id: 1 } };
    await expect(reads.ledgerFeed(beyond, 10)).rejects.toMatchObject({ name: 'InvalidCursorError', field: 'after' });

    // As a logical dump loaded into a new server leaves them: ids of transactions it has not reached.
    await held.query(`update adjustments set tx = '99999999999'`);
    await expect(reads.ledgerFeed(FEED_START, 10)).rejects.toBeInstanceOf(FeedFromAnotherServerError);
    // The README's remedy: their transactions reset, every entry is read again.
    await held.query(`update adjustments set tx = '0'`);
    expect((await reads.ledgerFeed(FEED_START, 10)).entries.map((e) => e.reason)).toEqual(['written elsewhere']);
  });
});
