// Callbacks: the list and review queue, closing a review, and the signed callbacks refused for
// breaking the contract.
import type { AdminHandlers } from '../admin-handler.js';
import { pageRequest } from '../admin-handler.js';
import { problem, refusalProblem } from '../problem.js';
import { callbackJson, pageJson, rejectedCallbackJson } from '../representation.js';

type Handlers = Pick<AdminHandlers, 'listCallbacks' | 'reviewCallback' | 'listRejectedCallbacks'>;

export const callbackHandlers: Handlers = {
  async listCallbacks({ params, store }) {
    const { flagged, reviewed, payment_id: paymentId } = params;
    const page = await (
      await store.operatorReads()
    ).callbacks(
      {
        ...(flagged !== undefined && { flagged }),
        ...(reviewed !== undefined && { reviewed }),
        ...(paymentId !== undefined && { paymentId }),
      },
      pageRequest(params),
    );
    return { status: 200, body: pageJson(page, callbackJson) };
  },

  async reviewCallback({ params, body, identity, store }) {
    const outcome = await store.reviewCallback({ callbackId: params.callback_id, note: body.note, actor: identity.name });
    if ('refused' in outcome) return refusalProblem(outcome.refused);
    const reviewed = await (await store.operatorReads()).callback(params.callback_id);
    return reviewed ? { status: 200, body: callbackJson(reviewed) } : problem('not-found', `callback ${params.callback_id} does not exist`);
  },

  async listRejectedCallbacks({ params, store }) {
    const page = await (await store.operatorReads()).rejectedCallbacks(pageRequest(params));
    return { status: 200, body: pageJson(page, rejectedCallbackJson) };
  },
};
