// Adjustments: an operator's signed correction of a balance, idempotent by its key.
import type { AdminHandlers } from '../admin-handler.js';
import { refusalProblem } from '../problem.js';
import { adjustmentJson } from '../representation.js';

export const adjustmentHandlers: Pick<AdminHandlers, 'createAdjustment'> = {
  async createAdjustment({ body, identity, store }) {
    const outcome = await store.addAdjustment({
      customerId: body.customer_id,
      amount: body.amount,
      reason: body.reason,
      idempotencyKey: body.idempotency_key,
      ...(body.callback_id !== undefined && { callbackId: body.callback_id }),
      ...(body.payment_id !== undefined && { paymentId: body.payment_id }),
      actor: identity.name,
    });
    if ('refused' in outcome) return refusalProblem(outcome.refused);
    const answer = { adjustment: adjustmentJson(outcome.adjustment), balance: outcome.balance, replayed: outcome.replayed };
    // A replay is the first answer again: nothing was created by this request.
    return outcome.replayed ? { status: 200, body: answer } : { status: 201, body: answer };
  },
};
