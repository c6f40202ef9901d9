// Structured JSON logs. Secrets never reach a log line: requests are logged by outcome, not content.
import { destination as pinoDestination, pino, type Logger } from 'pino';

export type { Logger };

// Buffered lines leave at 4 KB — about twenty access lines. A quiet service would otherwise hold
// its last requests (and any error) in memory until the next busy minute, or lose them with the
// process; on this timer they are out within a second, at the cost of one write a second.
const FLUSH_EVERY_MS = 1000;

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  if (options.destination) return pino({ level, base: undefined }, options.destination);
  // A synchronous write per request costs a system call each (a tenth of a verify request);
  // buffered, lines leave in batches. The service also flushes on shutdown.
  const destination = pinoDestination({ dest: 1, sync: false, minLength: 4096 });
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
