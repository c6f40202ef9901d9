// Structured JSON logs. Secrets never reach a log line: requests are logged by outcome, not content.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  return options.destination ? pino({ level, base: undefined }, options.destination) : pino({ level, base: undefined });
}
