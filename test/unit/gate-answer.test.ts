// What the Gate's answer to "what became of this payment?" is taken to say: only an answer about
// this very payment, naming a final status and its sum, is applied (through the exactly-once path,
// where the sum is judged against the deposit like a callback's).
import { describe, expect, it } from 'vitest';
import { readGateAnswer } from '../../src/platform/gate-answer.js';
import type { GateAnswer, GateResult } from '../../src/platform/gate-client.js';
import { aPayment } from '../support/payments.js';

const payment = aPayment({ paymentId: 'p-1', projectId: 1234 });
const answered = (answer: GateAnswer, status = 200): GateResult => ({ answer, text: JSON.stringify(answer), status });
const about = (status: string, extra: Partial<NonNullable<GateAnswer['payment']>> = {}): GateAnswer => ({
  project_id: 1234,
  payment: { id: 'p-1', status, sum: { amount: 10000, currency: 'KZT' }, ...extra },
  errors: [],
});

describe('readGateAnswer', () => {
  it('applies a final status with the sum the Gate names', () => {
    expect(readGateAnswer(payment, answered(about('success')))).toEqual({
      payment_id: 'p-1',
      outcome: 'applied',
      platform_status: 'success',
      apply: { status: 'success', amount: 10000, currency: 'KZT' },
    });
    // The sum is the Gate's, not the deposit's: the callback rules flag one that differs.
    expect(readGateAnswer(payment, answered(about('decline', { sum: { amount: 5000, currency: 'KZT' } })))).toMatchObject({
      outcome: 'applied',
      apply: { status: 'decline', amount: 5000, currency: 'KZT' },
    });
  });

  it('leaves the payment pending on an intermediate status', () => {
    expect(readGateAnswer(payment, answered(about('awaiting customer')))).toEqual({
      payment_id: 'p-1',
      outcome: 'still_pending',
      platform_status: 'awaiting customer',
    });
  });

  it('applies nothing from an answer about another payment or project, or a final status without its sum', () => {
    expect(readGateAnswer(payment, answered(about('success', { id: 'p-2' })))).toEqual({
      payment_id: 'p-1',
      outcome: 'refused',
      detail: 'the Gate answered about payment p-2 of project 1234, not about payment p-1 of project 1234: nothing applied',
    });
    expect(readGateAnswer(payment, answered({ ...about('success'), project_id: 99 }))).toMatchObject({
      outcome: 'refused',
      detail: 'the Gate answered about payment p-1 of project 99, not about payment p-1 of project 1234: nothing applied',
    });
    const { project_id: _unnamed, ...noProject } = about('success');
    expect(readGateAnswer(payment, answered(noProject))).toMatchObject({ outcome: 'applied' });
    const { sum: _none, ...noSum } = about('success').payment!;
    expect(readGateAnswer(payment, answered({ project_id: 1234, payment: noSum }))).toEqual({
      payment_id: 'p-1',
      outcome: 'refused',
      platform_status: 'success',
      detail: 'the Gate named a final status without payment.sum',
    });
  });

  it('says what the Gate said when it named no payment, and tells a failure to answer from a refusal', () => {
    const errors = [{ code: '3061', message: 'Transaction not found' }, { message: 'try later' }];
    expect(readGateAnswer(payment, answered({ errors }, 404))).toEqual({
      payment_id: 'p-1',
      outcome: 'refused',
      detail: 'the Gate named no payment (HTTP 404: 3061 Transaction not found; try later)',
    });
    expect(readGateAnswer(payment, answered({}, 200))).toMatchObject({ detail: 'the Gate named no payment (HTTP 200)' });
    expect(readGateAnswer(payment, { failed: 'transient', detail: 'timed out after 10000 ms' })).toEqual({
      payment_id: 'p-1',
      outcome: 'not_answered',
      detail: 'timed out after 10000 ms',
    });
    expect(readGateAnswer(payment, { failed: 'refused', detail: 'HTTP 401' })).toEqual({
      payment_id: 'p-1',
      outcome: 'refused',
      detail: 'HTTP 401',
    });
  });
});
