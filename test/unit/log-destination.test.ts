// Log lines are gathered and handed to the real destination in chunks, in order, all of them.
import { describe, expect, it } from 'vitest';
import { BatchedDestination, type TextDestination } from '../../src/log-destination.js';

function recording() {
  const writes: string[] = [];
  let flushes = 0;
  const destination: TextDestination = {
    write: (text) => writes.push(text),
    flush: (callback) => {
      flushes++;
      callback?.();
    },
  };
  return { writes, destination, flushes: () => flushes };
}

const line = (i: number) => `{"n":${i},"pad":"${'x'.repeat(180)}"}\n`;

describe('batched log destination', () => {
  it('holds lines until it has 16 kB, then hands them over as one chunk, in order', () => {
    const target = recording();
    const batched = new BatchedDestination(target.destination);
    let i = 0;
    while (target.writes.length === 0) batched.write(line(i++));
    expect(target.writes).toHaveLength(1);
    expect(target.writes[0]!.length).toBeGreaterThanOrEqual(16 * 1024);
    expect(target.writes[0]!.length).toBeLessThan(16 * 1024 + line(0).length);
    expect(target.writes[0]).toBe(Array.from({ length: i }, (_, n) => line(n)).join(''));
  });

  it('hands over what it holds when flushed, and the callback runs after the destination flushed', () => {
    const target = recording();
    const batched = new BatchedDestination(target.destination);
    batched.write(line(1));
    batched.write(line(2));
    expect(target.writes).toEqual([]);
    let called = false;
    batched.flush(() => (called = true));
    expect(target.writes).toEqual([line(1) + line(2)]);
    expect(target.flushes()).toBe(1);
    expect(called).toBe(true);
  });

  it('writes nothing more on a flush with nothing held', () => {
    const target = recording();
    const batched = new BatchedDestination(target.destination);
    batched.flush();
    expect(target.writes).toEqual([]);
    expect(target.flushes()).toBe(1);
  });
});
