// How the service asks the platform: no faster than a rate, and again after a transient failure
// with a growing pause.

/** A pause of `ms`, cut short once `stop` is aborted: a stopping service waits for no pause. */
export type Sleep = (ms: number, stop?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, stop) =>
  new Promise((resolve) => {
    if (stop?.aborted) return resolve();
    const end = () => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', end);
      resolve();
    };
    const timer = setTimeout(end, ms);
    stop?.addEventListener('abort', end);
  });

/** The slowest pace: a pause of 1,000 s between questions, well inside what a timer can hold. */
export const MIN_RATE = 0.001;

/** Requests a second as decimal text ("5", "0.5"; no exponent, hex or Infinity), MIN_RATE or more. */
export function parseRate(text: string): number | undefined {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text)) return undefined;
  const rate = Number(text);
  return rate >= MIN_RATE ? rate : undefined;
}

/** Starts of work spaced at least 1/rate seconds apart; a pause ends early once `stop` is aborted. */
export function pacer(ratePerSecond: number, wait: Sleep = sleep, now: () => number = Date.now): (stop?: AbortSignal) => Promise<void> {
  const interval = 1000 / ratePerSecond;
  let next = 0;
  return async (stop) => {
    const at = now();
    if (next > at) await wait(next - at, stop);
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
    await wait(firstPauseMs * 2 ** (attempt - 1), stop);
    if (stop?.aborted) break;
    result = await work();
  }
  return result;
}
