// Requests of one turn of the event loop made as one query: under load the platform's requests
// arrive many to a turn, and on PostgreSQL a round trip (and, for a write, a commit) costs more than
// the rows it carries. A request waits at most for the end of the turn it was made in (as SQLite's
// reads share a read transaction per turn, and its writes a commit per batch).

/** Keeps one query's parameters and answer small whatever the load. */
const MOST_PER_QUERY = 500;

type Waiter<V> = { resolve: (value: V | undefined) => void; reject: (error: unknown) => void };
type Asked<I, V> = { item: I; waiters: Array<Waiter<V>> };

/** Requests `I` by key (one request per key and turn: askers of the same key share its answer). */
export class TurnBatches<I, V> {
  private waiting = new Map<string, Asked<I, V>>();

  /** `query` answers some of the keys' requests, by key; a key not answered gets undefined. */
  constructor(private readonly query: (asked: Array<[string, I]>) => Promise<Map<string, V>>) {}

  ask(key: string, item: I): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) setImmediate(() => this.flush());
      const asked = this.waiting.get(key);
      if (asked) asked.waiters.push({ resolve, reject });
      else this.waiting.set(key, { item, waiters: [{ resolve, reject }] });
    });
  }

  private flush(): void {
    const batch = [...this.waiting];
    this.waiting = new Map();
    for (let i = 0; i < batch.length; i += MOST_PER_QUERY) void this.answer(batch.slice(i, i + MOST_PER_QUERY));
  }

  private async answer(batch: Array<[string, Asked<I, V>]>): Promise<void> {
    try {
      const found = await this.query(batch.map(([key, { item }]) => [key, item]));
      for (const [key, { waiters }] of batch) for (const waiter of waiters) waiter.resolve(found.get(key));
    } catch (error) {
      for (const [, { waiters }] of batch) for (const waiter of waiters) waiter.reject(error);
    }
  }
}
