// A backlog of expiry in batches: each batch one transaction (the stores' conformance suite holds
// them to that); here, when the loop goes on and when it ends.
import { describe, expect, it } from 'vitest';
import { EXPIRY_BATCH, expireInBatches } from '../../src/store/expire-in-batches.js';

/** A store with `backlog` payments to expire, recording each batch's limit. */
const backlogOf = (backlog: number, onBatch: () => void = () => {}) => {
  const limits: number[] = [];
  let left = backlog;
  const expireBatch = (limit: number) => {
    limits.push(limit);
    const done = Math.min(limit, left);
    left -= done;
    onBatch();
    return Promise.resolve(done);
  };
  return { limits, expireBatch, left: () => left };
};

describe('expireInBatches', () => {
  it('expires batch after batch until one comes back short, and answers the sum', async () => {
    const store = backlogOf(5);
    expect(await expireInBatches(store.expireBatch, { batch: 2 })).toBe(5);
    expect(store.limits).toEqual([2, 2, 2]);
  });

  it('asks once more after a backlog of whole batches, and once for none', async () => {
    const whole = backlogOf(4);
    expect(await expireInBatches(whole.expireBatch, { batch: 2 })).toBe(4);
    expect(whole.limits).toEqual([2, 2, 2]);
    const none = backlogOf(0);
    expect(await expireInBatches(none.expireBatch)).toBe(0);
    expect(none.limits).toEqual([EXPIRY_BATCH]);
  });

  it('starts no batch once told to stop, answering the batches committed', async () => {
    const stop = new AbortController();
    let batches = 0;
    const store = backlogOf(10, () => {
      if (++batches === 2) stop.abort();
    });
    expect(await expireInBatches(store.expireBatch, { batch: 3, stop: stop.signal })).toBe(6);
    expect(store.left()).toBe(4);
    const stopped = backlogOf(10);
    expect(await expireInBatches(stopped.expireBatch, { stop: AbortSignal.abort() })).toBe(0);
    expect(stopped.limits).toEqual([]);
  });

  it('refuses a batch that is not a whole number above 0', async () => {
    for (const batch of [0, -1, 1.5, Number.NaN]) {
      await expect(expireInBatches(backlogOf(1).expireBatch, { batch })).rejects.toThrow(
        `an expiry batch must be a whole number above 0, not ${batch}`,
      );
    }
  });
});
