// A whole list, read a slice at a time in its own order: printing a million payments costs the
// memory of one slice. Not one snapshot: each slice is read as the table stands then.
import type { ListSlice } from './store.js';

/** Slice length: a few hundred kilobytes of rows, few enough round trips for a million. */
export const SLICE_LENGTH = 1000;

export async function* readInSlices<T, K>(
  read: (slice: ListSlice<K>) => Promise<T[]>,
  keyOf: (item: T) => K,
  limit = SLICE_LENGTH,
): AsyncGenerator<T> {
  let after: K | undefined;
  for (;;) {
    const items = await read(after === undefined ? { limit } : { after, limit });
    yield* items;
    if (items.length < limit) return;
    after = keyOf(items[items.length - 1]!);
  }
}
