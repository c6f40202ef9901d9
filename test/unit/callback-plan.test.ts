// The one order in which every store applies a callback, step by step, with the store's answers
// played by the test.
import { describe, expect, it } from 'vitest';
import {
  CALLBACK_ID_TO_COME,
  callbackPlan,
  predictPlan,
  runPlan,
  type CallbackStep,
  type StepAnswer,
} from '../../src/ledger/callback-plan.js';
import type { CallbackFacts, Payment } from '../../src/ledger/model.js';
import { aPayment } from '../support/payments.js';

const payment = aPayment();
const facts = (status: string, amount = 10000): CallbackFacts => ({ projectId: 1234, paymentId: 'p-1', status, amount, currency: 'KZT' });

/** Runs the plan against a store that answers from `answers`, recording the steps asked. */
function play(
  callback: CallbackFacts,
  answers: { stored?: number; payment?: Payment; ledgerWritten?: boolean; accountOpen?: boolean },
  reviewIfCredited?: string,
) {
  const steps: CallbackStep[] = [];
  const outcome = runPlan(callbackPlan(callback, reviewIfCredited), (step): StepAnswer => {
    steps.push(step);
    if (step.step === 'storeCallback') return answers.stored;
    if (step.step === 'lockPayment') return answers.payment;
    if (step.step === 'insertLedgerEntry') return answers.ledgerWritten ?? true;
    if (step.step === 'creditBalance') return answers.accountOpen ?? true;
    return undefined;
  });
  return { outcome, steps };
}

describe('callbackPlan', () => {
  it('stores, locks, credits, updates the payment and records the result, in that order', () => {
    const { outcome, steps } = play(facts('success'), { stored: 7, payment });
    expect(steps).toEqual([
      { step: 'storeCallback' },
      { step: 'lockPayment' },
      { step: 'insertLedgerEntry', payment, callbackId: 7 },
      { step: 'creditBalance', payment },
      { step: 'updatePayment', paymentId: 'p-1', setStatus: 'success', lastCallbackStatus: 'success' },
      { step: 'recordResult', callbackId: 7, result: 'credited', reviewReason: undefined },
    ]);
    expect(outcome).toEqual({ result: 'credited', paymentId: 'p-1' });
  });

  it('keeps a recovery that credits for review, and only one that credits', () => {
    const recovered = play(facts('success'), { stored: 7, payment }, 'recovered by reconciliation');
    expect(recovered.outcome).toEqual({ result: 'credited', paymentId: 'p-1', reviewReason: 'recovered by reconciliation' });
    expect(recovered.steps.at(-1)).toEqual({
      step: 'recordResult',
      callbackId: 7,
      result: 'credited',
      reviewReason: 'recovered by reconciliation',
    });
    const alreadyCredited = play(facts('success'), { stored: 7, payment, ledgerWritten: false }, 'recovered by reconciliation');
    expect(alreadyCredited.outcome).toEqual({ result: 'recorded', paymentId: 'p-1' });
  });

  it('credits an account closed since the deposit, and keeps the callback for review', () => {
    const { outcome, steps } = play(facts('success'), { stored: 7, payment, accountOpen: false });
    const reviewReason =
      'credited to acc-1, which is closed: 100.00 KZT (10000 minor units) is held on a closed account (refund the customer or reopen it)';
    expect(steps.map((s) => s.step)).toEqual([
      'storeCallback',
      'lockPayment',
      'insertLedgerEntry',
      'creditBalance',
      'updatePayment',
      'recordResult',
    ]);
    expect(steps.at(-1)).toEqual({ step: 'recordResult', callbackId: 7, result: 'credited', reviewReason });
    expect(outcome).toEqual({ result: 'credited', paymentId: 'p-1', reviewReason });
    // A recovery's own reason is kept with it.
    expect(play(facts('success'), { stored: 7, payment, accountOpen: false }, 'recovered by reconciliation').outcome.reviewReason).toBe(
      `recovered by reconciliation; ${reviewReason}`,
    );
  });

  it('a redelivered body only counts the delivery', () => {
    const { outcome, steps } = play(facts('success'), { stored: undefined, payment });
    expect(steps).toEqual([{ step: 'storeCallback' }, { step: 'countDelivery' }]);
    expect(outcome).toEqual({ result: 'duplicate', paymentId: 'p-1' });
  });

  it('credits nothing when the ledger already holds the payment, and says recorded', () => {
    const { outcome, steps } = play(facts('success'), { stored: 8, payment: { ...payment, status: 'success' }, ledgerWritten: false });
    expect(steps.map((s) => s.step)).toEqual(['storeCallback', 'lockPayment', 'insertLedgerEntry', 'updatePayment', 'recordResult']);
    expect(outcome.result).toBe('recorded');
  });

  it('flags an amount mismatch: no credit, no payment update, the reason recorded', () => {
    const { outcome, steps } = play(facts('success', 5000), { stored: 9, payment });
    expect(steps.map((s) => s.step)).toEqual(['storeCallback', 'lockPayment', 'recordResult']);
    expect(steps.at(-1)).toEqual({
      step: 'recordResult',
      callbackId: 9,
      result: 'flagged',
      reviewReason: 'amount mismatch: callback 50.00 KZT (5000 minor units), deposit 100.00 KZT (10000 minor units)',
    });
    expect(outcome).toEqual({
      result: 'flagged',
      paymentId: 'p-1',
      reviewReason: 'amount mismatch: callback 50.00 KZT (5000 minor units), deposit 100.00 KZT (10000 minor units)',
    });
  });

  it('a canceled callback fails the payment without a credit', () => {
    const { outcome, steps } = play(facts('canceled'), { stored: 10, payment });
    expect(steps.map((s) => s.step)).toEqual(['storeCallback', 'lockPayment', 'updatePayment', 'recordResult']);
    expect(steps[2]).toEqual({ step: 'updatePayment', paymentId: 'p-1', setStatus: 'failed', lastCallbackStatus: 'canceled' });
    expect(outcome.result).toBe('failed');
  });
});

describe('predictPlan', () => {
  it('names the one-statement plan on the answers it was decided on', () => {
    const { steps, outcome } = predictPlan(callbackPlan(facts('success')), {
      callbackStored: false,
      payment,
      ledgerEntered: false,
      accountOpen: true,
    });
    expect(steps).toEqual([
      { step: 'storeCallback', expect: true },
      { step: 'lockPayment', expect: true },
      { step: 'insertLedgerEntry', payment, callbackId: CALLBACK_ID_TO_COME, expect: true },
      { step: 'creditBalance', payment, expect: true },
      { step: 'updatePayment', paymentId: 'p-1', setStatus: 'success', lastCallbackStatus: 'success' },
      { step: 'recordResult', callbackId: CALLBACK_ID_TO_COME, result: 'credited', reviewReason: undefined },
    ]);
    expect(outcome).toEqual({ result: 'credited', paymentId: 'p-1' });
  });

  it('expects a redelivery to store nothing, and an unknown payment to be absent', () => {
    expect(
      predictPlan(callbackPlan(facts('success')), { callbackStored: true, payment, ledgerEntered: true, accountOpen: true }).steps,
    ).toEqual([{ step: 'storeCallback', expect: false }, { step: 'countDelivery' }]);
    const unknown = predictPlan(callbackPlan(facts('success')), {
      callbackStored: false,
      payment: undefined,
      ledgerEntered: false,
      accountOpen: false,
    });
    expect(unknown.steps.slice(0, 2)).toEqual([
      { step: 'storeCallback', expect: true },
      { step: 'lockPayment', expect: false },
    ]);
    expect(unknown.outcome.result).toBe('flagged');
  });

  // The executor runs exactly the steps the plan asks on the answers predicted: every state and
  // status gives the steps and the outcome that answering step by step gives.
  it('is the step-by-step plan, answered as predicted, for every state and status', () => {
    const statuses = ['success', 'decline', 'canceled', 'processing', 'awaiting 3ds'];
    const payments = [undefined, ...(['pending', 'success', 'failed', 'expired'] as const).map((status) => ({ ...payment, status }))];
    for (const status of statuses)
      for (const state of payments)
        for (const callbackStored of [false, true])
          for (const ledgerEntered of [false, true])
            for (const accountOpen of [true, false])
              for (const review of [undefined, 'recovered']) {
                const predicted = predictPlan(callbackPlan(facts(status), review), {
                  callbackStored,
                  payment: state,
                  ledgerEntered,
                  accountOpen,
                });
                const played = play(
                  facts(status),
                  { stored: callbackStored ? undefined : CALLBACK_ID_TO_COME, payment: state, ledgerWritten: !ledgerEntered, accountOpen },
                  review,
                );
                expect(predicted.outcome).toEqual(played.outcome);
                expect(predicted.steps.map(({ expect: _, ...step }) => step)).toEqual(played.steps);
              }
  });
});
