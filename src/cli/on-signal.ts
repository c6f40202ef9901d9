// A command holding something that must not outlive it (a spool of the merchant's payments) cleans
// it up when interrupted too: a signal's default ends the process before any `finally` runs.
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `work`, then `cleanUp`. A signal meanwhile runs `cleanUp` and ends the process with 128 +
 * the signal's number; a second signal ends it at once, as it would have without this.
 */
export async function cleaningUpOnSignal<T>(cleanUp: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  const listeners = SIGNALS.map((signal) => {
    const listener = () => {
      forget();
      void cleanUp().finally(() => process.exit(128 + constants.signals[signal]));
    };
    return { signal, listener };
  });
  const forget = () => {
    for (const { signal, listener } of listeners) process.off(signal, listener);
  };
  for (const { signal, listener } of listeners) process.on(signal, listener);
  try {
    return await work();
  } finally {
    forget();
    await cleanUp();
  }
}
