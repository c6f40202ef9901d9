// verify: does the account exist? Answers its currency (and the merchant's own customer id).
import { depositAccount } from '../ledger/deposit-rules.js';
import { failure, success, type Outcome } from '../protocol/outcome.js';
import type { VerifyRequest, VerifyResponse } from '../protocol/types.js';
import type { HandlerDeps } from './deps.js';

export async function verify(body: VerifyRequest, deps: HandlerDeps): Promise<Outcome<VerifyResponse>> {
  const found = depositAccount(body.customer_id, await deps.store.findAccount(body.customer_id));
  if ('refusal' in found) return failure(found.refusal.reason, found.refusal.message);
  const { account } = found;
  return success({
    code: 0,
    currency: account.currency,
    ...(account.additionalCustomerId !== null && { additional_customer_id: account.additionalCustomerId }),
  });
}
