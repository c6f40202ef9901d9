// How the service asks the platform: no faster than a rate, and again after a transient failure
// with a growing pause.

export type Sleep = (ms: number) => Promise<void>;
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts of work spaced at least 1/rate seconds apart. */
export function pacer(ratePerSecond: number, wait: Sleep = sleep, now: () => number = Date.now): () => Promise<void> {
  const interval = 1000 / ratePerSecond;
  let next = 0;
  return async () => {
    const at = now();
    if (next > at) await wait(next - at);
    next = Math.max(at, next) + interval;
  };
}

export interface RetryPolicy {
  attempts: number;
  /** The pause after the first failure; doubled after each next one. */
  firstPauseMs: number;
}

/** Runs `work` until it is not a transient failure, at most `attempts` times, and not again once `stop` is aborted. */
export async function withRetry<T extends object>(
  work: () => Promise<T>,
  isTransient: (result: T) => boolean,
  { attempts, firstPauseMs }: RetryPolicy,
  wait: Sleep = sleep,
  stop?: AbortSignal,
): Promise<T> {
  let result = await work();
  for (let attempt = 1; attempt < attempts && isTransient(result) && !stop?.aborted; attempt++) {
    await wait(firstPauseMs * 2 ** (attempt - 1));
    if (stop?.aborted) break;
    result = await work();
  }
  return result;
}
