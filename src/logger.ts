// Structured JSON logs. Secrets never reach a log line: requests are logged by outcome, not content.
import { destination as pinoDestination, pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  // A synchronous write per request costs a system call each (a tenth of a verify request);
  // buffered, lines leave in batches. The service flushes on shutdown.
  const destination = options.destination ?? pinoDestination({ dest: 1, sync: false, minLength: 4096 });
  return pino({ level, base: undefined }, destination);
}
