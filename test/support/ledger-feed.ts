// Waiting for the ledger feed to give what was written. On PostgreSQL the feed gives an entry once
// every transaction on the server that began writing before it has ended — the server's, not only
// this test's: another test file writing meanwhile holds the newest entries back a moment.
import { FEED_START } from '../../src/store/ledger-feed.js';
import type { OperatorReads } from '../../src/store/operator-reads.js';

/** Resolves once the feed gives `count` entries from its start; fails after `ms`. */
export async function untilFeedGives(reads: OperatorReads, count: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const given = (await reads.ledgerFeed(FEED_START, count + 1)).entries.length;
    if (given >= count) return;
    if (Date.now() > deadline) throw new Error(`the ledger feed gave ${given} entries of ${count} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
