// Structured JSON logs. Secrets never reach a log line: requests are logged by outcome, not content.
import { destination, pino, type Logger } from 'pino';

export type { Logger };

// Lines leave in writes of at least 4 kB (a write per line is a system call per request); a quiet
// service would hold its last lines, an error among them, until the next busy minute, so they are
// flushed at least this often.
const FLUSH_EVERY_MS = 1000;
const MIN_WRITE_BYTES = 4096;
// How long a stopping process waits for its last lines to be written (a stalled reader of stdout
// must not keep it from exiting).
const LAST_LINES_WAIT_MS = 2000;

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  if (options.destination) return pino({ level, base: undefined }, options.destination);
  const logger = pino({ level, base: undefined }, destination({ dest: 1, sync: false, minLength: MIN_WRITE_BYTES }));
  setInterval(() => {
    try {
      logger.flush();
    } catch {
      // The destination is closed: nothing left to write.
    }
  }, FLUSH_EVERY_MS).unref();
  return logger;
}

/** Exits once the lines logged so far are written (or after a short wait, if they cannot be). */
export function exitAfterLastLines(logger: Logger, code: number): void {
  setTimeout(() => process.exit(code), LAST_LINES_WAIT_MS).unref();
  logger.flush(() => process.exit(code));
}
