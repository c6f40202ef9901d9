// Payments: find them, read one with the callbacks that settled it, ask the platform's Gate about one.
import type { AdminHandlers } from '../admin-handler.js';
import { pageRequest } from '../admin-handler.js';
import { problem } from '../problem.js';
import { periodProblem } from './times.js';
import { pageJson, paymentDetailJson, paymentJson } from '../representation.js';

type Handlers = Pick<AdminHandlers, 'listPayments' | 'getPayment' | 'checkPaymentStatus'>;

export const paymentHandlers: Handlers = {
  async listPayments({ params, store }) {
    const wrong = periodProblem(params);
    if (wrong) return wrong;
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
    return { status: 200, body: paymentDetailJson(found) };
  },

  async checkPaymentStatus({ params, store, identity, askGate }) {
    if (!askGate) {
      return problem(
        'gate-not-configured',
        "GATE_URL is not set: the service does not know the platform's Gate to ask (the platform gives its address)",
      );
    }
    const reads = await store.operatorReads();
    const found = await reads.payment(params.payment_id);
    if (!found) return problem('not-found', `payment ${params.payment_id} does not exist`);
    const asked = await askGate(found.payment, identity.name);
    const now = await reads.payment(params.payment_id);
    if (!now) throw new Error(`payment ${params.payment_id} was there before the Gate was asked, and is not now`);
    return {
      status: 200,
      body: {
        outcome: asked.outcome,
        platform_status: asked.platform_status ?? null,
        ...(asked.result !== undefined && { result: asked.result }),
        detail: asked.detail ?? null,
        payment: paymentDetailJson(now),
      },
    };
  },
};
