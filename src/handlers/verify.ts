// verify: does the account exist? Answers its currency (and the merchant's own customer id).
import { accountRefusal } from '../ledger/deposit-rules.js';
import { failure, success, type Outcome } from '../protocol/outcome.js';
import type { VerifyRequest, VerifyResponse } from '../protocol/types.js';
import type { HandlerDeps } from './deps.js';

export async function verify(body: VerifyRequest, deps: HandlerDeps): Promise<Outcome<VerifyResponse>> {
  const account = await deps.store.findAccount(body.customer_id);
  const refusal = accountRefusal(body.customer_id, account);
  if (refusal || !account) return failure(refusal?.reason ?? 'account_not_found', refusal?.message ?? 'Account does not exist');
  return success({
    code: 0,
    currency: account.currency,
    ...(account.additionalCustomerId !== null && { additional_customer_id: account.additionalCustomerId }),
  });
}
