// The writes awaiting the writer thread's answer: found by id whatever order the answers come in,
// each answered once, and none forgotten when the thread dies (ids() lists what is left).
import { describe, expect, it } from 'vitest';
import { PendingWrites } from '../../src/store/sqlite/pending-writes.js';

describe('PendingWrites', () => {
  it('hands each entry back once, by id, in any order', () => {
    const pending = new PendingWrites<string>();
    for (let id = 1; id <= 5; id++) pending.add(id, `write ${id}`);
    expect(pending.take(3)).toBe('write 3');
    expect(pending.take(3)).toBeUndefined();
    expect(pending.take(1)).toBe('write 1');
    expect(pending.size).toBe(3);
    expect(pending.ids()).toEqual([2, 4, 5]);
    pending.add(6, 'write 6');
    expect([5, 2, 6, 4].map((id) => pending.take(id))).toEqual(['write 5', 'write 2', 'write 6', 'write 4']);
    expect(pending.size).toBe(0);
    expect(pending.ids()).toEqual([]);
  });

  it('knows nothing of ids it was never given, before or after the pending ones', () => {
    const pending = new PendingWrites<string>();
    pending.add(1, 'a');
    pending.add(2, 'b');
    expect(pending.take(1)).toBe('a');
    expect(pending.take(1)).toBeUndefined();
    expect(pending.take(0)).toBeUndefined();
    expect(pending.take(3)).toBeUndefined();
    expect(pending.take(2)).toBe('b');
  });

  it('refuses an id out of turn instead of filing it where a lookup would not find it', () => {
    const pending = new PendingWrites<string>();
    pending.add(1, 'a');
    expect(() => pending.add(3, 'c')).toThrow(/expected 2, got 3/);
  });

  it('stays a short array through a long run of writes answered nearly in order', () => {
    const pending = new PendingWrites<number>();
    let next = 1;
    for (let round = 0; round < 10_000; round++) {
      for (let k = 0; k < 8; k++) pending.add(next, next++);
      // The batch's answers, the last two swapped.
      const first = next - 8;
      for (const id of [first, first + 1, first + 2, first + 3, first + 4, first + 5, first + 7, first + 6])
        expect(pending.take(id)).toBe(id);
    }
    expect(pending.size).toBe(0);
    expect(pending['entries'].length).toBe(0);
  });
});
