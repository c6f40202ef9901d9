// The ledger as a feed: every entry once, in the order entries became readable, for a merchant's
// own systems to follow with a position they keep. A list by time cannot serve them: a credit is
// dated before its transaction commits, so one committed late lands behind a reader's last
// timestamp and is skipped. Each kind of entry is a stream read past the reader's position in it:
// on SQLite by id (one writer commits in id order); on PostgreSQL by (transaction id, id), and only
// below the oldest transaction still writing, since ids are handed out before commits, in any
// order. Pure: operator-reads.ts reads the streams.
import type { LedgerEntry } from '../ledger/model.js';
import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor.js';

/** Where a reader stands in one kind's stream: past the entry of this transaction and id. */
export interface StreamPosition {
  /** The writing transaction's id on PostgreSQL (xid8, as text); `'0'` on SQLite and for entries written before the feed. */
  tx: string;
  id: number;
}

export interface FeedPosition {
  credit: StreamPosition;
  adjustment: StreamPosition;
}

/** Before the first entry. */
export const FEED_START: FeedPosition = { credit: { tx: '0', id: 0 }, adjustment: { tx: '0', id: 0 } };

/** An entry as its stream gives it, with the transaction that wrote it. */
export interface FeedRow {
  tx: string;
  entry: LedgerEntry;
}

export interface LedgerFeed {
  /** Oldest first. */
  entries: LedgerEntry[];
  /** Past the last of `entries`; where the reader started when there are none. */
  position: FeedPosition;
  /** Whether more entries are readable now, past `position`. */
  more: boolean;
}

/** Entries committed but not yet readable in the feed, as of one read. */
export interface FeedHeldBack {
  /** Counted up to FEED_HELD_BACK_COUNTED of each kind: past that, the age tells more than the count. */
  entries: number;
  /** When the oldest of them was made (of those counted); null when there are none. */
  oldestCreatedAt: string | null;
}

export const FEED_HELD_BACK_COUNTED = 10_000;

const MAX_XID8 = 2n ** 64n - 1n;
// Starting again without it would read every entry again: say what to send instead.
const NOT_A_POSITION = 'is not a position this feed answered: send the next_after of an earlier answer';
const TX = /^(0|[1-9][0-9]{0,19})$/;

export const encodeFeedPosition = ({ credit, adjustment }: FeedPosition): string =>
  encodeCursor([credit.tx, credit.id, adjustment.tx, adjustment.id]);

/** The position in `text`; `field` names the parameter it came in, for the refusal. */
export function decodeFeedPosition(text: string, field: string): FeedPosition {
  let key;
  try {
    key = decodeCursor(text, ['string', 'number', 'string', 'number']);
  } catch {
    throw new InvalidCursorError(field, NOT_A_POSITION);
  }
  const [creditTx, creditId, adjustmentTx, adjustmentId] = key;
  const stream = (tx: string, id: number): StreamPosition => {
    if (!TX.test(tx) || BigInt(tx) > MAX_XID8 || !Number.isSafeInteger(id) || id < 0) throw new InvalidCursorError(field, NOT_A_POSITION);
    return { tx, id };
  };
  return { credit: stream(creditTx, creditId), adjustment: stream(adjustmentTx, adjustmentId) };
}

/** The ledger holds entries of transactions the server has not reached: its tables came from another server. */
export class FeedFromAnotherServerError extends Error {
  override name = 'FeedFromAnotherServerError';
}

/**
 * Whether a position is within the stored entries, `newest` the last id of each kind. Entries are
 * never deleted, so one past them was answered by another store — or by this one before it was
 * restored from an earlier backup, and then entries written since would take the ids it passed.
 */
export function checkFeedIds(after: FeedPosition, newest: { credit: number; adjustment: number }, field: string): void {
  if (after.credit.id > newest.credit || after.adjustment.id > newest.adjustment) {
    throw new InvalidCursorError(
      field,
      'names an entry this store does not hold: another store answered it, or this one was restored from an earlier backup; start again without it',
    );
  }
}

/**
 * On PostgreSQL, whether a position and the stored entries belong to this server's transactions:
 * `nextTx` is the first it has not handed out, `lastTxs` each table's latest. A logical dump
 * loaded into another server carries the entries' transaction ids but not the counter, so the
 * feed would hide those entries and refuse nothing: say so instead (README, "The ledger feed after a restore").
 */
export function checkFeedTransactions(after: FeedPosition, nextTx: string, lastTxs: ReadonlyArray<string | null>, field: string): void {
  const next = BigInt(nextTx);
  if (BigInt(after.credit.tx) >= next || BigInt(after.adjustment.tx) >= next) {
    throw new InvalidCursorError(
      field,
      'names a transaction this database has not reached: another server answered it; start again without it',
    );
  }
  const ahead = lastTxs.filter((tx): tx is string => tx !== null && BigInt(tx) >= next);
  if (ahead.length > 0) {
    throw new FeedFromAnotherServerError(
      `the ledger holds entries of transaction ${ahead[0]}, which this server has not reached (its next is ${nextTx}): ` +
        'the tables were loaded from another server; reset their tx to 0 before the feed is read (README, "The ledger feed after a restore")',
    );
  }
}

// Between the streams: by transaction, then time, kind and id. Within a stream, never reordered.
const sooner = (a: FeedRow, b: FeedRow): boolean => {
  const [ta, tb] = [BigInt(a.tx), BigInt(b.tx)];
  if (ta !== tb) return ta < tb;
  const { entry: x } = a;
  const { entry: y } = b;
  return (x.createdAt.localeCompare(y.createdAt) || x.kind.localeCompare(y.kind) || x.id - y.id) < 0;
};

/**
 * Up to `limit` entries of the two streams, each read in its own order past `after`, merged
 * without reordering either: the position then moves past what was taken, so whatever a stream
 * held beyond it is read next time.
 */
export function mergeFeed(after: FeedPosition, credits: readonly FeedRow[], adjustments: readonly FeedRow[], limit: number): LedgerFeed {
  const taken: FeedRow[] = [];
  let [c, a] = [0, 0];
  while (taken.length < limit && (c < credits.length || a < adjustments.length)) {
    const fromCredits = a >= adjustments.length || (c < credits.length && sooner(credits[c]!, adjustments[a]!));
    taken.push(fromCredits ? credits[c++]! : adjustments[a++]!);
  }
  const past = (read: number, rows: readonly FeedRow[], start: StreamPosition): StreamPosition =>
    read === 0 ? start : { tx: rows[read - 1]!.tx, id: rows[read - 1]!.entry.id };
  return {
    entries: taken.map((row) => row.entry),
    position: { credit: past(c, credits, after.credit), adjustment: past(a, adjustments, after.adjustment) },
    more: c < credits.length || a < adjustments.length,
  };
}
