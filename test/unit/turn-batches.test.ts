// Requests made in one event-loop turn are one query; each asker gets its own key's answer; a
// failed query fails only the requests it carried.
import { describe, expect, it } from 'vitest';
import { TurnBatches } from '../../src/store/postgres/turn-batches.js';

/** A table of two rows, and a record of the queries asked of it. */
function table(failing = new Set<number>()) {
  const rows = new Map([
    ['a', 1],
    ["b'; drop table accounts; --", 2],
  ]);
  const queries: string[][] = [];
  const batches = new TurnBatches<string, number>((asked) => {
    const keys = asked.map(([key, item]) => {
      expect(item).toBe(`item of ${key}`);
      return key;
    });
    queries.push(keys);
    if (failing.has(queries.length)) return Promise.reject(new Error(`query ${queries.length} failed`));
    return Promise.resolve(new Map(keys.filter((k) => rows.has(k)).map((k) => [k, rows.get(k)!])));
  });
  return { read: (key: string) => batches.ask(key, `item of ${key}`), queries };
}

describe('TurnBatches', () => {
  it('answers every read of a turn from one query, each key asked once, unknown keys undefined', async () => {
    const { read, queries } = table();
    const ids = ['a', 'nobody', "b'; drop table accounts; --", 'a', 'A'];
    expect(await Promise.all(ids.map((id) => read(id)))).toEqual([1, undefined, 2, 1, undefined]);
    expect(queries).toEqual([['a', 'nobody', "b'; drop table accounts; --", 'A']]);
    // A later turn is a query of its own.
    expect(await read('a')).toBe(1);
    expect(queries).toHaveLength(2);
  });

  it('fails the reads of a failed query, and only those', async () => {
    const { read } = table(new Set([1]));
    const failed = await Promise.allSettled([read('a'), read('nobody')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await read('a')).toBe(1);
  });

  it('splits a very large turn into queries of at most 500 keys', async () => {
    const { read, queries } = table();
    const answers = await Promise.all(Array.from({ length: 1201 }, (_, i) => read(i === 0 ? 'a' : `k${i}`)));
    expect(answers[0]).toBe(1);
    expect(queries.map((q) => q.length)).toEqual([500, 500, 201]);
  });
});
