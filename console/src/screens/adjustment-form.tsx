// An operator's correction of a balance, confirmed first in KZT: from the review queue, linked to a
// flagged callback (the confirmation says what that does to the callback's payment), or from an
// account's page, on its own (a refund made outside the platform, say).
import { useEffect, useState } from 'preact/hooks';
import { asProblem, type Api, type Problem, type Schemas } from '../api';
import { money, parseMajor } from '../format';
import { ProblemMessage } from '../ui';

type Payment = Schemas['Payment'];

/** What an adjustment of `minor` linked to this payment's callback does to the payment besides the balance. */
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
  if (minor > 0) return <>This settles payment {payment.payment_id} by hand: a later success for it will credit nothing. </>;
  return null;
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
  account?: string;
  /** The flagged callback the adjustment is linked to, and its payment (null: never issued here; undefined: loading). */
  callback?: Schemas['Callback'];
  payment?: Payment | null;
  onDone: (message: string, result: Schemas['AdjustmentResult']) => void;
}) {
  const id = callback ? String(callback.id) : 'account';
  // An adjustment naming a callback of one of our payments may only move that payment's account.
  const fixed = account ?? payment?.customer_id;
  const [customerId, setCustomerId] = useState(fixed ?? '');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const keyPrefix = callback ? `callback-${callback.id}` : 'account';
  const [idempotencyKey, setIdempotencyKey] = useState(() => newKey(keyPrefix));
  useEffect(() => {
    if (fixed !== undefined) setCustomerId(fixed);
  }, [fixed]);
  const minor = parseMajor(amount);
  const amountProblem = amount && (minor === undefined || minor === 0) ? 'an amount in KZT such as 50 or -12.50, not zero' : undefined;

  const submit = async () => {
    const { data, error } = await api.POST('/admin/v1/adjustments', {
      body: {
        customer_id: customerId,
        amount: minor!,
        reason,
        idempotency_key: idempotencyKey,
        ...(callback && { callback_id: callback.id }),
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
    onDone(`Adjustment ${data.adjustment.id} written: ${money(data.adjustment.amount)}; balance now ${money(data.balance)}.`, data);
  };

  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        setConfirming(true);
      }}
    >
      <h3>{callback ? `Add an adjustment for callback ${callback.id}` : 'Adjust the balance'}</h3>
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
      <label for={`adj-amount-${id}`}>Amount in KZT (negative takes money off)</label>
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
        {amountProblem ?? 'Two decimals at most.'}
      </p>
      <label for={`adj-reason-${id}`}>Reason</label>
      <textarea id={`adj-reason-${id}`} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      {confirming && minor !== undefined ? (
        <p role="alert" class="confirm">
          <AdjustmentEffect payment={payment} minor={minor} />
          {minor > 0 ? 'Credit' : 'Debit'} <strong>{money(Math.abs(minor))}</strong> {minor > 0 ? 'to' : 'from'} account{' '}
          <strong>{customerId}</strong>?{' '}
          <button type="button" onClick={() => void submit()}>
            Confirm adjustment
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </p>
      ) : (
        <button type="submit" disabled={!customerId || !reason || minor === undefined || minor === 0}>
          Add adjustment…
        </button>
      )}
      <ProblemMessage problem={problem} />
    </form>
  );
}
