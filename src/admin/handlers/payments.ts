// Payments: find them, and read one with the callbacks that settled it.
import type { AdminHandlers } from '../admin-handler.js';
import { pageRequest } from '../admin-handler.js';
import { problem } from '../problem.js';
import { impossibleTime, impossibleTimeProblem } from './times.js';
import { callbackJson, pageJson, paymentJson, statusCheckJson } from '../representation.js';

type Handlers = Pick<AdminHandlers, 'listPayments' | 'getPayment'>;

export const paymentHandlers: Handlers = {
  async listPayments({ params, store }) {
    const wrong = impossibleTime(params);
    if (wrong) return impossibleTimeProblem(params, wrong);
    const { customer_id: customerId, status, from, to, flagged } = params;
    const page = await (
      await store.operatorReads()
    ).payments(
      {
        ...(customerId !== undefined && { customerId }),
        ...(status !== undefined && { status }),
        ...(from !== undefined && { from }),
        ...(to !== undefined && { to }),
        ...(flagged !== undefined && { flagged }),
      },
      pageRequest(params),
    );
    return { status: 200, body: pageJson(page, paymentJson) };
  },

  async getPayment({ params, store }) {
    const found = await (await store.operatorReads()).payment(params.payment_id);
    if (!found) return problem('not-found', `payment ${params.payment_id} does not exist`);
    return {
      status: 200,
      body: {
        payment: paymentJson(found.payment),
        callbacks: found.callbacks.map(callbackJson),
        status_check: statusCheckJson(found.statusCheck),
      },
    };
  },
};
