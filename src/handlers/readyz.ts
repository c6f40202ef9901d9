import { success, type Outcome } from '../protocol/outcome.js';
import type { Health } from '../protocol/types.js';
import type { HandlerDeps } from './deps.js';

const PING_TIMEOUT_MS = 2000;

/** Ready when the store answers a query in time. */
export async function readyz(deps: HandlerDeps): Promise<Outcome<Health>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('store did not answer in time')), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([deps.store.ping(), timeout]);
    return success({ status: 'ok' });
  } catch {
    return success({ status: 'unavailable', error_description: 'store did not answer' }, 503);
  } finally {
    clearTimeout(timer);
  }
}
