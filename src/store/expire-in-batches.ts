// Expiry of a backlog in many short transactions: one statement over every payment pending past the
// threshold (a first run over months of abandoned deposits) would hold SQLite's one writer, and the
// platform's deposits and callbacks queued behind it, for seconds, and on PostgreSQL outrun the
// operator's statement timeout at a couple of million payments, expiring none.

/** Payments expired per transaction. */
export const EXPIRY_BATCH = 2_000;

export interface ExpiryOptions {
  /** Payments expired per transaction (EXPIRY_BATCH). */
  batch?: number;
  /** Once aborted, no further batch is started; the batches committed are answered. */
  stop?: AbortSignal;
}

/**
 * Runs `expireBatch` (one transaction expiring at most `batch` payments, the longest pending first,
 * answering how many) until one expires fewer than `batch`; answers how many were expired in all.
 */
export async function expireInBatches(
  expireBatch: (limit: number) => Promise<number>,
  { batch = EXPIRY_BATCH, stop }: ExpiryOptions = {},
): Promise<number> {
  if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`an expiry batch must be a whole number above 0, not ${batch}`);
  let expired = 0;
  while (!stop?.aborted) {
    const done = await expireBatch(batch);
    expired += done;
    if (done < batch) break;
  }
  return expired;
}
