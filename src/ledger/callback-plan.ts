// The steps of applying a callback, in the one order every store follows: store the body, lock and
// read the payment, decide (callback-rules.ts), credit, update the payment, record the result. A
// store runs the plan inside one write transaction and answers each step from its database; it
// decides nothing itself. A generator, so that a store can answer each step as it comes (SQLite's
// writer, PostgreSQL under contention), or predict the answers from one read and run the steps in
// one statement (PostgreSQL: predictPlan).
import { decideCallback, heldOnClosedAccount } from './callback-rules.js';
import type { CallbackFacts, CallbackOutcome, CallbackResult, Payment, PaymentStatus } from './model.js';

/** What the plan asks of the store, and what each question is answered with. */
export interface CallbackSteps {
  /**
   * Insert the callback (result `pending`). Answers its id, or undefined when this very body was
   * stored before for the payment (a redelivery: unique on payment id and body digest).
   */
  storeCallback: { ask: Record<never, never>; answer: number | undefined };
  /** A redelivery: count it on the stored callback; nothing else changes. */
  countDelivery: { ask: Record<never, never>; answer: void };
  /** Read the payment, locked against other writers until commit; undefined if never issued. */
  lockPayment: { ask: Record<never, never>; answer: Payment | undefined };
  /** Insert the payment's ledger entry (unique on payment id): answers whether it was written. */
  insertLedgerEntry: { ask: { payment: Payment; callbackId: number }; answer: boolean };
  /** Add the payment's amount to its account's balance: answers whether the account is open. */
  creditBalance: { ask: { payment: Payment }; answer: boolean };
  /** Change the payment's status and/or record the status the callback named. */
  updatePayment: { ask: { paymentId: string; setStatus: PaymentStatus | undefined; lastCallbackStatus: string | undefined }; answer: void };
  /** Record on the stored callback what it came to. */
  recordResult: {
    ask: { callbackId: number; result: Exclude<CallbackResult, 'duplicate'>; reviewReason: string | undefined };
    answer: void;
  };
}

export type StepName = keyof CallbackSteps;
export type CallbackStep = { [K in StepName]: { step: K } & CallbackSteps[K]['ask'] }[StepName];
export type StepAnswer = CallbackSteps[StepName]['answer'];
export type CallbackPlan = Generator<CallbackStep, CallbackOutcome, StepAnswer>;

/** Asks the store one step and hands back its answer, typed by the step. */
function* ask<K extends StepName>(
  step: { step: K } & CallbackSteps[K]['ask'],
): Generator<CallbackStep, CallbackSteps[K]['answer'], StepAnswer> {
  return yield step as CallbackStep;
}

/** `reviewIfCredited`: a credit made this way is also kept for an operator's look (recoveries). */
export function* callbackPlan(facts: CallbackFacts, reviewIfCredited?: string): CallbackPlan {
  const callbackId = yield* ask({ step: 'storeCallback' });
  if (callbackId === undefined) {
    yield* ask({ step: 'countDelivery' });
    return { result: 'duplicate', paymentId: facts.paymentId };
  }
  // Different bodies for one payment (a success and a decline, say) queue up on the payment's lock.
  const payment = yield* ask({ step: 'lockPayment' });
  const decision = decideCallback(payment, facts);
  let result = decision.result;
  let accountClosed = false;
  if (payment && decision.credit) {
    // The ledger's unique key, not this code, makes a second credit impossible.
    if (yield* ask({ step: 'insertLedgerEntry', payment, callbackId })) accountClosed = !(yield* ask({ step: 'creditBalance', payment }));
    else if (result === 'credited') result = 'recorded';
  }
  if (payment && (decision.setStatus || decision.recordStatus)) {
    yield* ask({
      step: 'updatePayment',
      paymentId: payment.paymentId,
      setStatus: decision.setStatus,
      lastCallbackStatus: decision.recordStatus ? facts.status : undefined,
    });
  }
  const reasons = [
    decision.reviewReason ?? (result === 'credited' ? reviewIfCredited : undefined),
    accountClosed && payment ? heldOnClosedAccount(payment) : undefined,
  ].filter((reason) => reason !== undefined);
  const reviewReason = reasons.length > 0 ? reasons.join('; ') : undefined;
  yield* ask({ step: 'recordResult', callbackId, result, reviewReason });
  return { result, paymentId: facts.paymentId, ...(reviewReason !== undefined && { reviewReason }) };
}

/** Runs a plan whose steps the store answers synchronously (inside one transaction). */
export function runPlan(plan: CallbackPlan, answer: (step: CallbackStep) => StepAnswer): CallbackOutcome {
  let next = plan.next();
  while (!next.done) next = plan.next(answer(next.value));
  return next.value;
}

/** Runs a plan whose steps the store answers asynchronously (inside one transaction). */
export async function runPlanAsync(plan: CallbackPlan, answer: (step: CallbackStep) => Promise<StepAnswer>): Promise<CallbackOutcome> {
  let next = plan.next();
  while (!next.done) next = plan.next(await answer(next.value));
  return next.value;
}

/** What a store read of a callback's payment just before running its plan in one statement. */
export interface PlanState {
  /** This very body is already stored for the payment (a redelivery). */
  callbackStored: boolean;
  payment: Payment | undefined;
  /** The payment already has its ledger entry. */
  ledgerEntered: boolean;
  /** The payment's account is open (not closed by an operator). */
  accountOpen: boolean;
}

/**
 * Stands for the id the store will give the callback, not known when the plan is predicted: the
 * executor puts the real one in its place.
 */
export const CALLBACK_ID_TO_COME = 0;

/** A step, with the answer the plan was decided on where the answer steers it. */
export type PredictedStep = CallbackStep & { expect?: boolean };

/**
 * The plan decided on the answers `state` implies, for a store that runs all its steps in one
 * statement: the executor checks each `expect` (and that the payment is the version read) and, on
 * any difference, undoes everything, so that the outcome holds exactly when the steps committed.
 */
export function predictPlan(plan: CallbackPlan, state: PlanState): { steps: PredictedStep[]; outcome: CallbackOutcome } {
  const steps: PredictedStep[] = [];
  const outcome = runPlan(plan, (step): StepAnswer => {
    switch (step.step) {
      case 'storeCallback':
        steps.push({ ...step, expect: !state.callbackStored });
        return state.callbackStored ? undefined : CALLBACK_ID_TO_COME;
      case 'lockPayment':
        steps.push({ ...step, expect: state.payment !== undefined });
        return state.payment;
      case 'insertLedgerEntry':
        steps.push({ ...step, expect: !state.ledgerEntered });
        return !state.ledgerEntered;
      case 'creditBalance':
        steps.push({ ...step, expect: state.accountOpen });
        return state.accountOpen;
      default:
        steps.push(step);
        return undefined;
    }
  });
  return { steps, outcome };
}
