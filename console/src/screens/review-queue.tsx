// The review queue: flagged callbacks not yet reviewed. An operator adds an adjustment linked to a
// callback (after a confirmation that says the amount in KZT) and closes the review with a note.
// Each item says what its payment holds now: a status sync or a reconciliation may have credited it
// since it was flagged, and an adjustment on top would pay twice.
import { useEffect, useState } from 'preact/hooks';
import { asProblem, type Api, type Problem, type Schemas } from '../api';
import { money } from '../format';
import type { ScreenProps } from '../main';
import { Pager, ProblemMessage, usePages } from '../ui';
import { AdjustmentForm } from './adjustment-form';
import { CallbackCard } from './payments';

type Payment = Schemas['Payment'];

/** The payment's state in words: whether, and how much, it has credited. */
function paymentState(payment: Payment): string {
  if (payment.settled_by_adjustment !== null) return `${payment.status}: settled by hand (adjustment ${payment.settled_by_adjustment})`;
  if (payment.status === 'success') return `success: ${money(payment.amount, payment.currency)} credited`;
  return `${payment.status}: nothing credited`;
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
