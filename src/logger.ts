// Structured JSON logs. Secrets never reach a log line: requests are logged by outcome, not content.
import { destination as pinoDestination, pino, type Logger } from 'pino';
import { BatchedDestination } from './log-destination.js';

export type { Logger };

// Lines are written in batches (log-destination.ts). A quiet service would otherwise hold its last
// requests (and any error) in memory until the next busy minute, or lose them with the process; on
// this timer they are out within a second, at the cost of one write a second.
const FLUSH_EVERY_MS = 1000;
// How long a stopping process waits for its last lines to be written (a stalled reader of stdout
// must not keep it from exiting).
const LAST_LINES_WAIT_MS = 2000;

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  if (options.destination) return pino({ level, base: undefined }, options.destination);
  // A synchronous write per request costs a system call each (a tenth of a verify request);
  // buffered, lines leave in batches. The service also flushes on shutdown.
  const destination = new BatchedDestination(pinoDestination({ dest: 1, sync: false, minLength: 4096 }));
  setInterval(() => {
    try {
      // Returns at once while a write is under way; the lines go with the next.
      destination.flush();
    } catch {
      // Closed: nothing left to write.
    }
  }, FLUSH_EVERY_MS).unref();
  return pino({ level, base: undefined }, destination);
}

/** Exits once the lines logged so far are written (or after a short wait, if they cannot be). */
export function exitAfterLastLines(logger: Logger, code: number): void {
  setTimeout(() => process.exit(code), LAST_LINES_WAIT_MS);
  logger.flush(() => process.exit(code));
}
