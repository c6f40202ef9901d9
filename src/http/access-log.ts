// One log line per request, with what it came to: an operator's view of the traffic.
import type { Logger } from 'pino';

export interface AccessEntry {
  requestId: string;
  method: string;
  path: string;
  /** An operationId of the contract, when the request matched one. */
  operation: string | undefined;
  status: number;
  /** The protocol code answered, if any. */
  code: number | undefined;
  /** For failures: the FailureReason. */
  reason: string | undefined;
  /** The name of the admin token the request came with, once identified (never the token). */
  actor: string | undefined;
  ip: string;
  ms: number;
}

export function accessLogger(logger: Logger): (entry: AccessEntry) => void {
  return (entry) => logger.info(entry, 'request');
}
