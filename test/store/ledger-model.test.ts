// The ledger's money over random histories, on each store: payments opened, callbacks delivered
// (again, several at once, from the status sync, with the wrong amount, for payments never opened),
// adjustments (retried, reusing a key, naming callbacks and payments), expiry, accounts closed and
// reopened. After every step each balance is what money alone says it must be: a payment's matching
// success credits it once unless an adjustment paid it by hand first (flagged when its account was
// closed meanwhile), an adjustment counts once, nothing goes below zero. At the end of a history the
// ledger check finds no broken rule.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { backends, createTestDatabase, type TestDatabase } from '../support/databases.js';

const ACCOUNTS = [0, 1] as const;
type AccountIndex = (typeof ACCOUNTS)[number];

type Command =
  | { kind: 'open'; account: AccountIndex; amount: number }
  | {
      kind: 'deliver';
      payment: number;
      status: string;
      overpaid: boolean;
      variant: number;
      copies: number;
      source: 'callback' | 'status_request';
    }
  | { kind: 'deliver-unknown'; variant: number }
  /** `to`: an account, or the account of the named payment or callback's payment (account 0 when there is none). */
  | {
      kind: 'adjust';
      to: AccountIndex | 'owner';
      amount: number;
      key: number | null;
      reason: number;
      callback: number | null;
      payment: number | null;
    }
  | { kind: 'expire' }
  | { kind: 'close' | 'reopen'; account: AccountIndex };

const account = fc.constantFrom<AccountIndex>(...ACCOUNTS);
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('open' as const), account, amount: fc.constantFrom(100, 250, 1000) }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      payment: fc.nat(20),
      status: fc.constantFrom('success', 'decline', 'processing', 'cancelled'),
      overpaid: fc.constantFrom(false, false, false, true),
      variant: fc.nat(1),
      copies: fc.integer({ min: 1, max: 3 }),
      source: fc.constantFrom('callback' as const, 'status_request' as const),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constant('deliver-unknown' as const), variant: fc.nat(1) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      to: fc.oneof({ arbitrary: fc.constant('owner' as const), weight: 3 }, { arbitrary: account, weight: 1 }),
      amount: fc.constantFrom(-300, -50, 50, 300, 300),
      key: fc.option(fc.nat(2), { nil: null, freq: 2 }),
      reason: fc.nat(1),
      callback: fc.option(fc.nat(3), { nil: null, freq: 4 }),
      payment: fc.option(fc.nat(3), { nil: null, freq: 2 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('expire' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constantFrom('close' as const, 'reopen' as const), account }), weight: 1 },
);

/** What money alone says about a payment. */
interface ModelPayment {
  id: string;
  account: AccountIndex;
  amount: number;
  /** The ledger credited it (once). */
  credited: boolean;
  /** An adjustment paid it by hand before any credit. */
  settled: boolean;
  /** The platform named a matching success (from then on an adjustment settles nothing). */
  succeeded: boolean;
  pending: boolean;
}

interface ModelAdjustment {
  account: AccountIndex;
  amount: number;
  reason: string;
  callbackId: number | null;
  paymentId: string | null;
}

describe.each(backends())('the ledger over random histories: %s', (backend) => {
  let database: TestDatabase;
  let store: Store;
  let histories = 0;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    store = await openStore(database.url, { poolSize: 5 });
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  /** Plays `commands` on the store and the model side by side, failing at the first difference. */
  async function play(commands: Command[]): Promise<void> {
    const run = `h${++histories}`;
    const customerIds = ACCOUNTS.map((a) => `${run}-acc-${a}`);
    for (const customerId of customerIds) await store.addAccount({ customerId, currency: 'KZT' });
    const balances = [0, 0];
    const closed = [false, false];
    const payments: ModelPayment[] = [];
    const bodies = new Set<string>();
    const callbacks: Array<{ id: number; payment: ModelPayment | undefined }> = [];
    const adjustments = new Map<string, ModelAdjustment>();

    const storedCallbackId = async (paymentId: string, rawBody: string): Promise<number> => {
      const stored = (await store.listCallbacks({ paymentId })).find((c) => c.rawBody === rawBody);
      if (!stored) throw new Error(`callback not stored: ${rawBody}`);
      return stored.id;
    };

    for (const [step, c] of commands.entries()) {
      const at = `${run} step ${step}: ${JSON.stringify(c)}`;
      switch (c.kind) {
        case 'open': {
          const paymentId = `${run}-pay-${payments.length}`;
          const opening = await store.openPayment({
            paymentId,
            projectId: 1234,
            customerId: customerIds[c.account]!,
            amount: c.amount,
            currency: 'KZT',
          });
          expect('opened' in opening, at).toBe(!closed[c.account]);
          if ('opened' in opening) {
            payments.push({
              id: paymentId,
              account: c.account,
              amount: c.amount,
              credited: false,
              settled: false,
              succeeded: false,
              pending: true,
            });
          }
          break;
        }
        case 'deliver':
        case 'deliver-unknown': {
          const payment = c.kind === 'deliver' ? payments[c.payment % Math.max(payments.length, 1)] : undefined;
          if (c.kind === 'deliver' && !payment) break;
          const status = c.kind === 'deliver' ? c.status : 'success';
          const matches = c.kind === 'deliver' && !c.overpaid;
          const facts = {
            projectId: 1234,
            paymentId: payment?.id ?? `${run}-never-opened`,
            status,
            amount: (payment?.amount ?? 500) + (matches || !payment ? 0 : 5),
            currency: 'KZT',
          };
          const source = c.kind === 'deliver' ? c.source : 'callback';
          const rawBody = JSON.stringify({ ...facts, variant: c.variant, source });
          const copies = c.kind === 'deliver' ? c.copies : 1;
          const outcomes = await Promise.all(
            Array.from({ length: copies }, () => store.applyCallback({ facts, rawBody, headers: {}, receivedAt: new Date(), source })),
          );
          const results = outcomes.map((o) => o.result);
          const seen = bodies.has(rawBody);
          bodies.add(rawBody);
          const credits = !seen && payment !== undefined && matches && status === 'success' && !payment.credited && !payment.settled;
          expect(results.filter((r) => r === 'credited').length, at).toBe(credits ? 1 : 0);
          expect(results.filter((r) => r === 'duplicate').length, at).toBe(seen ? copies : copies - 1);
          if (payment && matches && !seen) {
            // A failure never takes back what the ledger credited; a payment paid by hand follows the
            // platform's last final status, since no credit hangs on it.
            if (status === 'success') {
              payment.succeeded = true;
              payment.pending = false;
            } else if (status !== 'processing' && (payment.settled || !payment.succeeded)) {
              payment.succeeded = false;
              payment.pending = false;
            }
          }
          if (credits) {
            // Money landing on an account closed since the deposit is kept for an operator's look.
            const credited = outcomes.find((o) => o.result === 'credited');
            expect(credited?.reviewReason?.includes('which is closed') ?? false, at).toBe(closed[payment.account]);
            payment.credited = true;
            balances[payment.account]! += payment.amount;
          }
          if (!seen) callbacks.push({ id: await storedCallbackId(facts.paymentId, rawBody), payment });
          break;
        }
        case 'adjust': {
          // Counted from the newest: an operator adjusts over what just came in.
          const named = c.callback === null || callbacks.length === 0 ? undefined : callbacks.at(-1 - (c.callback % callbacks.length));
          const paying = c.payment === null || payments.length === 0 ? undefined : payments.at(-1 - (c.payment % payments.length));
          const key = `${run}-key-${c.key ?? `new-${step}`}`;
          const concerned = paying ?? named?.payment;
          const to = c.to === 'owner' ? (concerned?.account ?? 0) : c.to;
          const request: ModelAdjustment = {
            account: to,
            amount: c.amount,
            reason: `reason ${c.reason}`,
            callbackId: named?.id ?? null,
            paymentId: paying?.id ?? null,
          };
          const outcome = await store.addAdjustment({
            customerId: customerIds[to]!,
            amount: c.amount,
            reason: request.reason,
            idempotencyKey: key,
            ...(named && { callbackId: named.id }),
            ...(paying && { paymentId: paying.id }),
            actor: 'model',
          });
          const earlier = adjustments.get(key);
          if (earlier) {
            const same = JSON.stringify(earlier) === JSON.stringify(request);
            expect(outcome, at).toMatchObject(same ? { replayed: true } : { refused: { reason: 'idempotency_conflict' } });
            break;
          }
          // Named together, a callback must be of the payment named.
          const mismatched = paying !== undefined && named !== undefined && named.payment !== paying;
          const elsewhere = concerned !== undefined && concerned.account !== to;
          const invalid = mismatched || elsewhere || (paying !== undefined && c.amount < 0);
          const paidAlready = paying !== undefined && (paying.succeeded || paying.settled);
          const negative = balances[to]! + c.amount < 0;
          if (invalid || paidAlready || negative) {
            const reason = invalid ? 'invalid' : paidAlready ? 'already_paid' : 'negative_balance';
            expect(outcome, at).toMatchObject({ refused: { reason } });
            break;
          }
          expect(outcome, at).toMatchObject({ replayed: false, balance: balances[to]! + c.amount });
          adjustments.set(key, request);
          balances[to]! += c.amount;
          const paid = concerned;
          // A positive adjustment naming a payment, or a callback of one, pays by hand a payment not yet paid.
          if (paid && c.amount > 0 && !paid.succeeded && !paid.settled) paid.settled = true;
          break;
        }
        case 'expire': {
          await store.expirePendingPayments(new Date(Date.now() + 86_400_000));
          for (const payment of payments) payment.pending = false;
          break;
        }
        case 'close':
        case 'reopen': {
          const request = { customerId: customerIds[c.account]!, actor: 'model' };
          const outcome = c.kind === 'close' ? await store.closeAccountAsOperator(request) : await store.reopenAccountAsOperator(request);
          const changes = c.kind === 'close' ? !closed[c.account] : closed[c.account];
          expect('account' in outcome, at).toBe(changes);
          closed[c.account] = c.kind === 'close';
          break;
        }
      }
      for (const a of ACCOUNTS)
        expect((await store.findAccount(customerIds[a]!))?.balance, `${at}: balance of account ${a}`).toBe(balances[a]);
    }

    const listed = await Promise.all(customerIds.map((customerId) => store.listPayments({ customerId })));
    const stored = new Map(listed.flat().map((p) => [p.paymentId, p]));
    for (const payment of payments) {
      const row = stored.get(payment.id)!;
      expect(row.settledByAdjustment !== null, `${run}: ${payment.id} settled by hand`).toBe(payment.settled);
      expect(row.status === 'pending', `${run}: ${payment.id} pending`).toBe(payment.pending);
      expect(row.status === 'success', `${run}: ${payment.id} succeeded`).toBe(payment.succeeded);
    }
    // The check reads the whole store, which earlier histories share: this history's own subjects.
    const broken = (await (await store.operatorReads()).ledgerCheck()).broken.flatMap((rule) =>
      rule.examples.filter((e) => e.subject.startsWith(`${run}-`)).map((e) => `${rule.kind}: ${e.subject} ${e.detail}`),
    );
    expect(broken, run).toEqual([]);
  }

  it('keeps every balance to what its payments and adjustments say, whatever the order and the repeats', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40, size: 'max' }), (commands) => play(commands)),
      { numRuns: backend === 'sqlite' ? 200 : 100 },
    );
  }, 120_000);
});
