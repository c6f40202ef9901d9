import { success, type Outcome } from '../protocol/outcome.js';
import type { Health } from '../protocol/types.js';

/** The process is up and serving HTTP; deliberately does not touch the store. */
export function healthz(): Outcome<Health> {
  return success({ status: 'ok' });
}
