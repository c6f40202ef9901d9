// The ledger feed's positions and the merge of its two streams: pure, no store.
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/ledger/model.js';
import { encodeCursor, InvalidCursorError } from '../../src/store/cursor.js';
import {
  checkFeedIds,
  checkFeedTransactions,
  decodeFeedPosition,
  encodeFeedPosition,
  FEED_START,
  FeedFromAnotherServerError,
  mergeFeed,
  type FeedRow,
} from '../../src/store/ledger-feed.js';

const row = (kind: LedgerEntry['kind'], id: number, tx: string, createdAt = '2026-12-01T00:00:00.000Z'): FeedRow => ({
  tx,
  entry: {
    kind,
    id,
    customerId: 'acc-1',
    amount: 1,
    currency: 'KZT',
    createdAt,
    paymentId: null,
    callbackId: null,
    reason: null,
    actor: null,
  },
});
const named = (rows: readonly { kind: string; id: number }[]) => rows.map((e) => `${e.kind[0]}${e.id}`);

describe('the ledger feed', () => {
  it('merges the streams by transaction, never reordering either, and moves each position past what it took', () => {
    // Credit 5 was written by an older transaction than credit 4: the stream gives it first.
    const credits = [row('credit', 5, '90'), row('credit', 4, '100'), row('credit', 6, '120')];
    const adjustments = [row('adjustment', 1, '95'), row('adjustment', 2, '130')];
    const all = mergeFeed(FEED_START, credits, adjustments, 10);
    expect(named(all.entries)).toEqual(['c5', 'a1', 'c4', 'c6', 'a2']);
    expect(all).toMatchObject({ more: false, position: { credit: { tx: '120', id: 6 }, adjustment: { tx: '130', id: 2 } } });

    const firstThree = mergeFeed(FEED_START, credits, adjustments, 3);
    expect(named(firstThree.entries)).toEqual(['c5', 'a1', 'c4']);
    expect(firstThree).toMatchObject({ more: true, position: { credit: { tx: '100', id: 4 }, adjustment: { tx: '95', id: 1 } } });
    // Transactions compare as numbers, past 2^53 too.
    const big = mergeFeed(FEED_START, [row('credit', 1, '18446744073709551615')], [row('adjustment', 1, '9007199254740993')], 10);
    expect(named(big.entries)).toEqual(['a1', 'c1']);
  });

  it('within a transaction, by time, kind and id; where none is known (SQLite: 0), by time alone', () => {
    const credits = [row('credit', 1, '0', '2026-12-01T10:00:00.000Z'), row('credit', 2, '0', '2026-12-01T08:00:00.000Z')];
    const adjustments = [row('adjustment', 1, '0', '2026-12-01T09:00:00.000Z')];
    // Credit 2 is dated before the adjustment but comes after credit 1: the stream's order holds.
    expect(named(mergeFeed(FEED_START, credits, adjustments, 10).entries)).toEqual(['a1', 'c1', 'c2']);
    const sameInstant = [row('credit', 1, '7'), row('adjustment', 1, '7')];
    expect(named(mergeFeed(FEED_START, [sameInstant[0]!], [sameInstant[1]!], 10).entries)).toEqual(['a1', 'c1']);
  });

  it('stays where it was when there is nothing past it', () => {
    const at = { credit: { tx: '42', id: 9 }, adjustment: { tx: '0', id: 3 } };
    expect(mergeFeed(at, [], [], 10)).toEqual({ entries: [], position: at, more: false });
    // One stream read to its end, the other not reached: that one keeps its position.
    expect(mergeFeed(at, [row('credit', 10, '43')], [], 10).position).toEqual({ credit: { tx: '43', id: 10 }, adjustment: at.adjustment });
  });

  it('reads back the positions it writes, and refuses any other, naming the parameter', () => {
    const at = { credit: { tx: '18446744073709551615', id: 12 }, adjustment: { tx: '0', id: 0 } };
    expect(decodeFeedPosition(encodeFeedPosition(at), 'after')).toEqual(at);
    expect(decodeFeedPosition(encodeFeedPosition(FEED_START), 'after')).toEqual(FEED_START);
    for (const wrong of [
      'not base64 json',
      encodeCursor(['0', 1, '0']),
      encodeCursor([0, 1, '0', 1]),
      encodeCursor(['-1', 1, '0', 1]),
      encodeCursor(['01', 1, '0', 1]),
      encodeCursor(['1e3', 1, '0', 1]),
      encodeCursor(['18446744073709551616', 1, '0', 1]),
      encodeCursor(['0', -1, '0', 1]),
      encodeCursor(['0', 1.5, '0', 1]),
      encodeCursor(['0', 2 ** 53, '0', 1]),
    ]) {
      expect(() => decodeFeedPosition(wrong, 'after'), wrong).toThrow(InvalidCursorError);
    }
    let thrown: unknown;
    try {
      decodeFeedPosition('x', 'after');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      field: 'after',
      reason: 'is not a position this feed answered: send the next_after of an earlier answer',
    });
  });
});

describe("the ledger feed's positions against the store", () => {
  it('takes a position within the stored entries, and refuses one past the newest of either kind', () => {
    const at = { credit: { tx: '0', id: 9 }, adjustment: { tx: '0', id: 3 } };
    expect(() => checkFeedIds(at, { credit: 9, adjustment: 3 }, 'after')).not.toThrow();
    expect(() => checkFeedIds(FEED_START, { credit: 0, adjustment: 0 }, 'after')).not.toThrow();
    for (const newest of [
      { credit: 8, adjustment: 3 },
      { credit: 9, adjustment: 2 },
    ]) {
      expect(() => checkFeedIds(at, newest, 'after')).toThrow(
        new InvalidCursorError(
          'after',
          'names an entry this store does not hold: another store answered it, or this one was restored from an earlier backup; start again without it',
        ),
      );
    }
  });
});

describe("the ledger feed's transactions on PostgreSQL", () => {
  const at = { credit: { tx: '500', id: 9 }, adjustment: { tx: '0', id: 0 } };

  it('takes a position and entries of transactions the server has handed out', () => {
    expect(() => checkFeedTransactions(at, '501', ['500', null], 'after')).not.toThrow();
    expect(() => checkFeedTransactions(FEED_START, '3', [null, null], 'after')).not.toThrow();
  });

  it('refuses a position another server answered, and says when the tables came from one', () => {
    for (const nextTx of ['500', '499']) {
      expect(() => checkFeedTransactions(at, nextTx, [null, null], 'after')).toThrow(
        new InvalidCursorError(
          'after',
          'names a transaction this database has not reached: another server answered it; start again without it',
        ),
      );
    }
    expect(() => checkFeedTransactions(FEED_START, '700', ['12', '9000'], 'after')).toThrow(FeedFromAnotherServerError);
    expect(() => checkFeedTransactions(FEED_START, '700', ['12', '9000'], 'after')).toThrow(
      /the ledger holds entries of transaction 9000, which this server has not reached \(its next is 700\)/,
    );
  });
});
