// The writes handed to the writer thread and not yet answered, by id. Ids are given out in order and
// answered in nearly that order, so the entries sit in an array that starts at the oldest one still
// pending: finding one is an index, answering the oldest trims the front. A Map with ids churning
// through it keeps rebuilding its table, and that garbage outlives a scavenge.
export class PendingWrites<T> {
  private readonly entries: Array<T | undefined> = [];
  /** The id of entries[0]. */
  private firstId = 1;
  private pending = 0;

  get size(): number {
    return this.pending;
  }

  /** Ids are added one after the other, from 1. */
  add(id: number, entry: T): void {
    if (id !== this.firstId + this.entries.length) {
      throw new Error(`pending writes take ids in order: expected ${this.firstId + this.entries.length}, got ${id}`);
    }
    this.entries.push(entry);
    this.pending++;
  }

  /** The entry for `id`, removed; undefined if it was never added or is already taken. */
  take(id: number): T | undefined {
    const index = id - this.firstId;
    if (index < 0 || index >= this.entries.length) return undefined;
    const entry = this.entries[index];
    if (entry === undefined) return undefined;
    this.entries[index] = undefined;
    this.pending--;
    while (this.entries.length > 0 && this.entries[0] === undefined) {
      this.entries.shift();
      this.firstId++;
    }
    return entry;
  }

  /** The ids still pending, oldest first. */
  ids(): number[] {
    const ids: number[] = [];
    this.entries.forEach((entry, index) => {
      if (entry !== undefined) ids.push(this.firstId + index);
    });
    return ids;
  }
}
