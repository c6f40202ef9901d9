// A logger whose lines a test reads: the service's own pino logger, written to an array.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger.js';

/** `lines` receives each line the logger writes, as written (call `logger.flush()` before reading). */
export function capturedLogger(level = 'info'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ destination, level }), lines };
}
