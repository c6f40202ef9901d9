// A list read a slice at a time: each read resumes after the last key, and the reading stops at
// the first slice shorter than asked, an empty one when the list ends on a slice's edge.
import { describe, expect, it } from 'vitest';
import { readInSlices } from '../../src/store/read-in-slices.js';
import type { ListSlice } from '../../src/store/store.js';

/** A list of ids 1..length, read as a store reads it, keeping each slice asked for. */
function listOf(length: number) {
  const asked: ListSlice<number>[] = [];
  const read = (slice: ListSlice<number>) => {
    asked.push(slice);
    const from = slice.after ?? 0;
    return Promise.resolve(Array.from({ length: Math.max(0, Math.min(slice.limit, length - from)) }, (_, i) => ({ id: from + i + 1 })));
  };
  return { asked, read };
}

async function readAll(length: number, limit: number) {
  const { asked, read } = listOf(length);
  const ids: number[] = [];
  for await (const item of readInSlices(read, (i) => i.id, limit)) ids.push(item.id);
  return { ids, asked };
}

describe('readInSlices', () => {
  it('reads every item once, in order, resuming after the last key of each slice', async () => {
    const { ids, asked } = await readAll(7, 3);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(asked).toEqual([{ limit: 3 }, { after: 3, limit: 3 }, { after: 6, limit: 3 }]);
  });

  it('asks once more when the list ends on the edge of a slice, and once for an empty list', async () => {
    expect((await readAll(6, 3)).asked).toEqual([{ limit: 3 }, { after: 3, limit: 3 }, { after: 6, limit: 3 }]);
    expect(await readAll(0, 3)).toEqual({ ids: [], asked: [{ limit: 3 }] });
  });

  it('reads a slice only when the one before has been consumed', async () => {
    const { asked, read } = listOf(10);
    const reading = readInSlices(read, (i) => i.id, 4);
    await reading.next();
    expect(asked).toHaveLength(1);
    await reading.return(undefined);
    expect(asked).toHaveLength(1);
  });
});
