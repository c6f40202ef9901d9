// An operator's correction of a balance, in the account's currency and confirmed first: from the
// review queue, linked to a flagged callback (the confirmation says what that does to the callback's
// payment); from a payment's page, paying it by hand; or from an account's page, on its own (a
// refund made outside the platform, say).
import { useEffect, useState } from 'preact/hooks';
import { majorText, minorDigits, minorFromMajorText } from '../../../src/ledger/minor-units';
import { asProblem, type Api, type Problem, type Schemas } from '../api';
import { money } from '../format';
import { ProblemMessage } from '../ui';

type Payment = Schemas['Payment'];
type Account = Schemas['Account'];

/** Whether an adjustment of `minor` pays this payment by hand: positive, and the payment neither credited nor paid by hand. */
const paysByHand = (payment: Payment | null | undefined, minor: number | undefined): payment is Payment =>
  !!payment && payment.settled_by_adjustment === null && payment.status !== 'success' && minor !== undefined && minor > 0;

/** What an adjustment of `minor` linked to this payment does to the payment besides the balance. */
function AdjustmentEffect({ payment, minor }: { payment: Payment | null | undefined; minor: number }) {
  if (!payment) return null;
  if (payment.settled_by_adjustment !== null) {
    return (
      <>
        Payment {payment.payment_id} was already settled by hand (adjustment {payment.settled_by_adjustment}).{' '}
      </>
    );
  }
  if (payment.status === 'success') {
    return (
      <>
        Payment {payment.payment_id} has already credited <strong>{money(payment.amount, payment.currency)}</strong>.{' '}
      </>
    );
  }
  // The ledger's rule (operator-rules.ts): a positive adjustment settles an uncredited payment.
  if (paysByHand(payment, minor))
    return <>This settles payment {payment.payment_id} by hand: a later success for it will credit nothing. </>;
  return null;
}

/** "Two decimals at most." for KZT: what an amount in `currency` may be written with. */
function amountHint(currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return `Whole ${currency}: it has no minor unit.`;
  return `${['One', 'Two', 'Three', 'Four'][digits - 1] ?? digits} decimal${digits === 1 ? '' : 's'} at most.`;
}

/** How long typing pauses before the typed account is looked up. */
const LOOKUP_PAUSE_MS = 300;

/**
 * The account adjusted: the one given, or the one typed, looked up once typing pauses (its currency
 * says how to read the amount). `problem` says why there is none.
 */
function useAccount(api: Api, customerId: string, given: Account | undefined): { account?: Account; problem?: Problem } {
  const [found, setFound] = useState<{ customerId: string; account?: Account; problem?: Problem }>();
  useEffect(() => {
    if (given || !customerId) return;
    let current = true;
    const timer = setTimeout(() => {
      void api
        .GET('/admin/v1/accounts/{customer_id}', { params: { path: { customer_id: customerId } } })
        .then(({ data, error }) => current && setFound(data ? { customerId, account: data } : { customerId, problem: asProblem(error) }))
        .catch((error: unknown) => current && setFound({ customerId, problem: asProblem(error) }));
    }, LOOKUP_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [customerId, given]);
  if (given) return { account: given };
  return found?.customerId === customerId ? found : {};
}

/** A new key per adjustment: a retried or double-clicked submission writes it once, the next one is new. */
const newKey = (prefix: string): string => `${prefix}-${crypto.randomUUID()}`;

export function AdjustmentForm({
  api,
  account,
  callback,
  payment,
  onDone,
}: {
  api: Api;
  /** The account adjusted, fixed: an account's page. */
  account?: Account;
  /** The flagged callback the adjustment is linked to. */
  callback?: Schemas['Callback'];
  /**
   * The payment it concerns: the callback's (null: never issued here; undefined: loading), or, with
   * no callback, the payment it pays by hand.
   */
  payment?: Payment | null;
  onDone: (message: string, result: Schemas['AdjustmentResult']) => void;
}) {
  // Without a callback, a payment given is one paid by hand: a positive amount only.
  const paying = !callback && payment ? payment : undefined;
  const id = callback ? String(callback.id) : paying ? 'payment' : 'account';
  // An adjustment naming a callback of one of our payments may only move that payment's account.
  const fixed = account?.customer_id ?? payment?.customer_id;
  const [customerId, setCustomerId] = useState(fixed ?? '');
  // A payment paid by hand is paid its amount, unless the operator finds the customer paid another.
  const [amount, setAmount] = useState(() => (paying ? majorText(paying.amount, paying.currency) : ''));
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const keyPrefix = callback ? `callback-${callback.id}` : paying ? `payment-${paying.payment_id}` : 'account';
  const [idempotencyKey, setIdempotencyKey] = useState(() => newKey(keyPrefix));
  useEffect(() => {
    if (fixed !== undefined) setCustomerId(fixed);
  }, [fixed]);
  const target = useAccount(api, customerId, account);
  const currency = target.account?.currency;
  const minor = currency === undefined ? undefined : minorFromMajorText(amount, currency);
  const amountProblem =
    amount && currency !== undefined && (minor === undefined || minor === 0)
      ? `an amount in ${currency} such as 50 or -12${minorDigits(currency) > 0 ? '.5' : ''}, not zero`
      : paying && minor !== undefined && minor < 0
        ? 'a payment is paid with a positive amount'
        : undefined;
  // Named, the payment is judged in the adjustment's transaction: one credited meanwhile is refused, not paid twice.
  const settles = paysByHand(payment, minor);

  const submit = async () => {
    const { data, error } = await api.POST('/admin/v1/adjustments', {
      body: {
        customer_id: customerId,
        amount: minor!,
        reason,
        idempotency_key: idempotencyKey,
        ...(callback && { callback_id: callback.id }),
        ...(settles && { payment_id: payment.payment_id }),
      },
    });
    setConfirming(false);
    if (!data) {
      setProblem(asProblem(error));
      return;
    }
    setProblem(undefined);
    setAmount('');
    setReason('');
    setIdempotencyKey(newKey(keyPrefix));
    const { adjustment } = data;
    onDone(
      `Adjustment ${adjustment.id} written: ${money(adjustment.amount, adjustment.currency)}; balance now ${money(data.balance, adjustment.currency)}.`,
      data,
    );
  };

  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        setConfirming(true);
      }}
    >
      <h3>{callback ? `Add an adjustment for callback ${callback.id}` : paying ? 'Pay it by hand' : 'Adjust the balance'}</h3>
      {paying && (
        <p class="muted">
          Only when the customer shows the payment was made and the platform has not reported it (ask it first): a later success for it then
          credits nothing more.
        </p>
      )}
      {/* On an account's page the account goes without saying; the confirmation names it. */}
      {account === undefined && (
        <>
          <label for={`adj-customer-${id}`}>Account (customer id)</label>
          <input
            id={`adj-customer-${id}`}
            required
            readOnly={fixed !== undefined}
            aria-describedby={fixed !== undefined ? `adj-customer-help-${id}` : undefined}
            value={customerId}
            onInput={(e) => setCustomerId(e.currentTarget.value)}
          />
          {fixed !== undefined && (
            <p id={`adj-customer-help-${id}`} class="muted">
              The payment's account.
            </p>
          )}
        </>
      )}
      {target.problem && customerId && (
        <p class="field-error">
          {target.problem.status === 404 ? `No account ${customerId}.` : `${target.problem.title}: ${target.problem.detail}`}
        </p>
      )}
      <label for={`adj-amount-${id}`}>Amount{currency && ` in ${currency}`} (negative takes money off)</label>
      <input
        id={`adj-amount-${id}`}
        required
        inputMode="decimal"
        value={amount}
        aria-invalid={amountProblem ? 'true' : undefined}
        aria-describedby={`adj-amount-help-${id}`}
        onInput={(e) => setAmount(e.currentTarget.value)}
      />
      <p id={`adj-amount-help-${id}`} class={amountProblem ? 'field-error' : 'muted'}>
        {amountProblem ?? (currency ? amountHint(currency) : "In the account's currency.")}
      </p>
      <label for={`adj-reason-${id}`}>Reason</label>
      <textarea id={`adj-reason-${id}`} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      {confirming && minor !== undefined ? (
        <p role="alert" class="confirm">
          <AdjustmentEffect payment={payment} minor={minor} />
          {minor > 0 ? 'Credit' : 'Debit'} <strong>{money(Math.abs(minor), currency)}</strong> {minor > 0 ? 'to' : 'from'} account{' '}
          <strong>{customerId}</strong>?{' '}
          <button type="button" onClick={() => void submit()}>
            Confirm adjustment
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </p>
      ) : (
        <button type="submit" disabled={!customerId || !reason || minor === undefined || minor === 0 || amountProblem !== undefined}>
          Add adjustment…
        </button>
      )}
      <ProblemMessage problem={problem} />
    </form>
  );
}
