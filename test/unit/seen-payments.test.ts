// The set of payment ids a reconciliation has met: first mentions told apart from repeats, within a
// batch and across batches, and the ids never met found, past what the scratch database's cache holds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeenPayments } from '../../src/reconcile/seen-payments.js';

let seen: SeenPayments;
beforeEach(() => {
  seen = new SeenPayments();
});
afterEach(() => seen.close());

const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `${(from + i).toString(16).padStart(8, '0')}-0000-7000-8000-000000000000`);

describe('SeenPayments', () => {
  it('answers whether each id is met for the first time, repeats in one batch included', () => {
    expect(seen.firstMentions(['a', 'b', 'a'])).toEqual([true, true, false]);
    expect(seen.firstMentions(['c', 'b'])).toEqual([true, false]);
    expect(seen.firstMentions([])).toEqual([]);
  });

  it('finds the ids never met, in the order asked', () => {
    seen.firstMentions(['a', 'c']);
    expect(seen.unseen(['d', 'a', 'b', 'c'])).toEqual(['d', 'b']);
  });

  it('holds more ids than its cache: half a million, every repeat and every newcomer told right', () => {
    for (let from = 0; from < 500_000; from += 10_000) expect(seen.firstMentions(ids(from, from + 10_000))).not.toContain(false);
    expect(seen.firstMentions(ids(499_990, 500_010))).toEqual([...Array<boolean>(10).fill(false), ...Array<boolean>(10).fill(true)]);
    expect(seen.unseen([...ids(0, 3), ...ids(600_000, 600_002)])).toEqual(ids(600_000, 600_002));
  });
});
