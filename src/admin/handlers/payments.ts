// Payments: find them, and read one with the callbacks that settled it.
import type { AdminHandlers } from '../admin-handler.js';
import { pageRequest } from '../admin-handler.js';
import { problem } from '../problem.js';
import { callbackJson, pageJson, paymentJson, statusCheckJson } from '../representation.js';

type Handlers = Pick<AdminHandlers, 'listPayments' | 'getPayment'>;

/** Whether the date of an RFC 3339 date-time (already of the right shape) is on the calendar. */
function onCalendar(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && !Number.isNaN(Date.parse(text));
}

/** A date-time the format check let through but the calendar has not (2026-02-30). */
const impossibleTime = (params: { from?: string; to?: string }) =>
  (['from', 'to'] as const).find((name) => params[name] !== undefined && !onCalendar(params[name]));

export const paymentHandlers: Handlers = {
  async listPayments({ params, store }) {
    const wrong = impossibleTime(params);
    if (wrong) {
      const message = `"${params[wrong]}" is not a date and time that exists`;
      return problem('invalid-request', `${wrong}: ${message}`, [{ field: wrong, message }]);
    }
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
