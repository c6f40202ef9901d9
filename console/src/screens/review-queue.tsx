// The review queue: flagged callbacks not yet reviewed. An operator adds an adjustment linked to a
// callback (after a confirmation that says the amount in KZT) and closes the review with a note.
// Each item says what its payment holds now: a status sync or a reconciliation may have credited it
// since it was flagged, and an adjustment on top would pay twice.
import { useEffect, useState } from 'preact/hooks';
import { asProblem, type Api, type Problem, type Schemas } from '../api';
import { money, parseMajor } from '../format';
import type { ScreenProps } from '../main';
import { Pager, ProblemMessage, usePages } from '../ui';
import { CallbackCard } from './payments';

type Payment = Schemas['Payment'];

/** The payment's state in words: whether, and how much, it has credited. */
function paymentState(payment: Payment): string {
  if (payment.settled_by_adjustment !== null) return `${payment.status}: settled by hand (adjustment ${payment.settled_by_adjustment})`;
  if (payment.status === 'success') return `success: ${money(payment.amount, payment.currency)} credited`;
  return `${payment.status}: nothing credited`;
}

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

/** The callback's payment: undefined while it loads, null when this service never issued it. */
function usePayment(api: Api, paymentId: string): Payment | null | undefined {
  const [payment, setPayment] = useState<Payment | null>();
  useEffect(() => {
    void api.GET('/admin/v1/payments/{payment_id}', { params: { path: { payment_id: paymentId } } }).then(({ data, response }) => {
      if (data) setPayment(data.payment);
      else if (response.status === 404) setPayment(null);
    });
  }, [api, paymentId]);
  return payment;
}

function AdjustmentForm({
  api,
  callback,
  payment,
  onDone,
}: {
  api: Api;
  callback: Schemas['Callback'];
  payment: Payment | null | undefined;
  onDone: (message: string) => void;
}) {
  const [customerId, setCustomerId] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  // One key per form: a retried or double-clicked submission writes the adjustment once.
  const [idempotencyKey] = useState(() => `callback-${callback.id}-${crypto.randomUUID()}`);
  useEffect(() => {
    // The payment names the account, when the payment is one of ours.
    if (payment) setCustomerId((current) => current || payment.customer_id);
  }, [payment]);
  const minor = parseMajor(amount);
  const amountProblem = amount && (minor === undefined || minor === 0) ? 'an amount in KZT such as 50 or -12.50, not zero' : undefined;

  const submit = async () => {
    const { data, error } = await api.POST('/admin/v1/adjustments', {
      body: { customer_id: customerId, amount: minor!, reason, idempotency_key: idempotencyKey, callback_id: callback.id },
    });
    setConfirming(false);
    if (data) onDone(`Adjustment ${data.adjustment.id} written: ${money(data.adjustment.amount)}; balance now ${money(data.balance)}.`);
    else setProblem(asProblem(error));
  };

  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        setConfirming(true);
      }}
    >
      <h3>Add an adjustment for callback {callback.id}</h3>
      <label for={`adj-customer-${callback.id}`}>Account (customer id)</label>
      {/* An adjustment naming a callback of one of our payments may only move that payment's account. */}
      <input
        id={`adj-customer-${callback.id}`}
        required
        readOnly={!!payment}
        aria-describedby={payment ? `adj-customer-help-${callback.id}` : undefined}
        value={customerId}
        onInput={(e) => setCustomerId(e.currentTarget.value)}
      />
      {payment && (
        <p id={`adj-customer-help-${callback.id}`} class="muted">
          The payment's account.
        </p>
      )}
      <label for={`adj-amount-${callback.id}`}>Amount in KZT (negative takes money off)</label>
      <input
        id={`adj-amount-${callback.id}`}
        required
        inputMode="decimal"
        value={amount}
        aria-invalid={amountProblem ? 'true' : undefined}
        aria-describedby={`adj-amount-help-${callback.id}`}
        onInput={(e) => setAmount(e.currentTarget.value)}
      />
      <p id={`adj-amount-help-${callback.id}`} class={amountProblem ? 'field-error' : 'muted'}>
        {amountProblem ?? 'Two decimals at most.'}
      </p>
      <label for={`adj-reason-${callback.id}`}>Reason</label>
      <textarea id={`adj-reason-${callback.id}`} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
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

function ReviewForm({ api, callback, onDone }: { api: Api; callback: Schemas['Callback']; onDone: (message: string) => void }) {
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const { data, error } = await api.POST('/admin/v1/callbacks/{callback_id}/review', {
      params: { path: { callback_id: callback.id } },
      body: { note },
    });
    if (data) onDone(`Callback ${callback.id} marked reviewed.`);
    else setProblem(asProblem(error));
  };
  return (
    <form class="action" onSubmit={(e) => void submit(e)}>
      <label for={`note-${callback.id}`}>Review note for callback {callback.id}</label>
      <textarea id={`note-${callback.id}`} required value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <button type="submit" disabled={note.trim() === ''}>
        Mark reviewed
      </button>
      <ProblemMessage problem={problem} />
    </form>
  );
}

function QueueItem({
  api,
  callback,
  canAct,
  onAdjusted,
  onReviewed,
}: {
  api: Api;
  callback: Schemas['Callback'];
  canAct: boolean;
  onAdjusted: (message: string) => void;
  onReviewed: (message: string) => void;
}) {
  const payment = usePayment(api, callback.payment_id);
  return (
    <div class="queue-item">
      <CallbackCard callback={callback} />
      <p>
        Payment: <a href={`#/payments/${encodeURIComponent(callback.payment_id)}`}>{callback.payment_id}</a>
        {payment && <> — {paymentState(payment)}</>}
        {payment === null && <> — never issued here: nothing credited</>}
      </p>
      {canAct && (
        <div class="actions">
          <AdjustmentForm api={api} callback={callback} payment={payment} onDone={onAdjusted} />
          <ReviewForm api={api} callback={callback} onDone={onReviewed} />
        </div>
      )}
    </div>
  );
}

export function ReviewQueue({ api, canAct }: ScreenProps) {
  const [message, setMessage] = useState<string>();
  const list = usePages(
    (cursor) => api.GET('/admin/v1/callbacks', { params: { query: { flagged: true, reviewed: false, ...(cursor && { cursor }) } } }),
    'queue',
  );
  const done = (text: string) => {
    setMessage(text);
    void list.reload();
  };
  return (
    <>
      <h1>Review queue</h1>
      <p class="muted">Flagged callbacks whose review is open, newest first.</p>
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      <ProblemMessage problem={list.problem} />
      {!list.loading && list.items.length === 0 && !list.problem && <p>Nothing to review.</p>}
      {list.items.map((c) => (
        <QueueItem key={c.id} api={api} callback={c} canAct={canAct} onAdjusted={setMessage} onReviewed={done} />
      ))}
      <Pager more={list.more} loading={list.loading} count={list.items.length} />
    </>
  );
}
