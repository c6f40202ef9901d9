// Payments: filtered lists, and one payment with the timeline of its callbacks; an operator may ask
// the platform's Gate about it.
import { useState } from 'preact/hooks';
import { asProblem, type Schemas } from '../api';
import type { ScreenProps } from '../main';
import { dayStart } from '../format';
import { href } from '../route';
import { Money, Pager, ProblemMessage, RawJson, Table, Time, usePages, useRecord } from '../ui';
import { AdjustmentForm } from './adjustment-form';

type Status = '' | Schemas['PaymentStatus'];
const STATUSES = ['pending', 'success', 'failed', 'expired'] as const satisfies readonly Schemas['PaymentStatus'][];

/** A status named in a link, if it is one (anything else lists every status). */
const statusNamed = (text: string | undefined): Status => STATUSES.find((s) => s === text) ?? '';
type StatusCheck = Schemas['StatusCheck'];

export function Payments({
  api,
  customerId: initialCustomer,
  status: initialStatus,
}: ScreenProps & { customerId?: string | undefined; status?: string | undefined }) {
  const [status, setStatus] = useState<Status>(statusNamed(initialStatus));
  const [customerId, setCustomerId] = useState(initialCustomer ?? '');
  const [flagged, setFlagged] = useState<'' | 'true' | 'false'>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const fromIso = dayStart(from);
  const toIso = dayStart(to, 1);
  const query = {
    ...(status && { status }),
    ...(customerId.trim() && { customer_id: customerId.trim() }),
    ...(flagged && { flagged: flagged === 'true' }),
    ...(fromIso && { from: fromIso }),
    ...(toIso && { to: toIso }),
  };
  const list = usePages(
    (cursor) => api.GET('/admin/v1/payments', { params: { query: { ...query, ...(cursor && { cursor }) } } }),
    JSON.stringify(query),
  );
  return (
    <>
      <h1>Payments</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="payment-status">Status</label>
        <select id="payment-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as Status)}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label for="payment-customer">Customer id</label>
        <input id="payment-customer" value={customerId} onInput={(e) => setCustomerId(e.currentTarget.value)} />
        <label for="payment-flagged">Flagged</label>
        <select id="payment-flagged" value={flagged} onChange={(e) => setFlagged(e.currentTarget.value as typeof flagged)}>
          <option value="">either</option>
          <option value="true">flagged</option>
          <option value="false">not flagged</option>
        </select>
        <label for="payment-from">Opened from</label>
        <input id="payment-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        <label for="payment-to">to (inclusive)</label>
        <input id="payment-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      </form>
      <ProblemMessage problem={list.problem} />
      <Table>
        <thead>
          <tr>
            <th scope="col">Payment</th>
            <th scope="col">Customer</th>
            <th scope="col">Amount</th>
            <th scope="col">Status</th>
            <th scope="col">Opened</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((p) => (
            <tr key={p.payment_id}>
              <td>
                <a href={href('payments', p.payment_id)}>{p.payment_id}</a> {p.flagged && <span class="flag">flagged</span>}
              </td>
              <td>
                <a href={href('accounts', p.customer_id)}>{p.customer_id}</a>
              </td>
              <td class="number">
                <Money amount={p.amount} currency={p.currency} />
              </td>
              <td>{p.status}</td>
              <td>
                <Time at={p.created_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Pager more={list.more} loading={list.loading} count={list.items.length} />
    </>
  );
}

/** Where a callback's facts came from, when not from the platform's own delivery. */
const ORIGINS: Record<Schemas['Callback']['source'], string | undefined> = {
  callback: undefined,
  status_request: "from the Gate's payment status",
  reconciliation: 'from a reconciliation',
};

/** One callback as the timeline shows it: what came, from where, how often, what it did, its review. */
export function CallbackCard({ callback, expanded = false }: { callback: Schemas['Callback']; expanded?: boolean }) {
  const origin = ORIGINS[callback.source];
  const askedBy = callback.headers['asked-by'];
  return (
    <article class="callback">
      <header>
        <strong>Callback {callback.id}</strong>
        {origin && (
          <>
            {' '}
            ({origin}
            {askedBy && `, asked by ${askedBy}`})
          </>
        )}
        : status <code>{callback.status}</code> → <strong>{callback.result}</strong>
      </header>
      <p class="muted">
        received <Time at={callback.received_at} />, {callback.deliveries} {callback.deliveries === 1 ? 'delivery' : 'deliveries'}, last{' '}
        <Time at={callback.last_received_at} />
      </p>
      {callback.review_reason && (
        <p class="reason">
          <span class="flag">flagged</span> {callback.review_reason}
        </p>
      )}
      {callback.review && (
        <p>
          Reviewed by {callback.review.reviewed_by} at <Time at={callback.review.reviewed_at} />: {callback.review.note}
        </p>
      )}
      <RawJson label="Raw body" text={callback.raw_body} open={expanded} />
      <RawJson label="Headers" text={JSON.stringify(callback.headers)} />
    </article>
  );
}

const CHECK_OUTCOMES: Record<NonNullable<StatusCheck>['last_outcome'], string> = {
  applied: 'a final status, applied',
  still_pending: 'still pending',
  not_answered: 'no answer',
  refused: 'no payment to be had',
};

/** What the Gate last said about the payment when asked (by the status sync or an operator), and how often. */
function StatusCheckFacts({ check }: { check: StatusCheck }) {
  if (!check) return <>never</>;
  return (
    <>
      {check.asks === 1 ? 'once' : `${check.asks} times`}, last <Time at={check.last_asked_at} />: {CHECK_OUTCOMES[check.last_outcome]}
      {check.last_platform_status !== null && <> ({check.last_platform_status})</>}
    </>
  );
}

/** What asking the Gate just now came to, in words. */
function askedText(answer: Schemas['StatusCheckAnswer']): string {
  const said = answer.platform_status === null ? '' : ` The Gate says ${answer.platform_status}.`;
  switch (answer.outcome) {
    case 'applied':
      return `${said} Applied: ${answer.result ?? 'done'}.`.trim();
    case 'still_pending':
      return `${said} Nothing changes while the payment is pending there.`.trim();
    case 'not_answered':
      return `The Gate did not answer (${answer.detail ?? 'no answer'}); ask again later.`;
    case 'refused':
      return `No answer to be had: ${answer.detail ?? 'the Gate named no payment'}.`;
  }
}

export function PaymentDetail({ api, canAct, paymentId }: ScreenProps & { paymentId: string }) {
  const path = { params: { path: { payment_id: paymentId } } };
  const {
    data: detail,
    setData: setDetail,
    problem,
    setProblem,
  } = useRecord(() => api.GET('/admin/v1/payments/{payment_id}', path), paymentId);
  const [asking, setAsking] = useState(false);
  const [asked, setAsked] = useState<string>();
  const [paid, setPaid] = useState<string>();
  /** Asks the platform's Gate about the payment now; what it applied shows at once. */
  const askGate = async () => {
    setAsking(true);
    setAsked(undefined);
    const { data, error } = await api.POST('/admin/v1/payments/{payment_id}/status-check', path);
    setAsking(false);
    if (data) {
      setDetail(data.payment);
      setAsked(askedText(data));
    } else setProblem(asProblem(error));
  };
  const payment = detail?.payment;
  return (
    <>
      <p>
        <a href={href('payments')}>← Payments</a>
      </p>
      <h1>Payment {paymentId}</h1>
      <ProblemMessage problem={problem} />
      {payment && (
        <dl class="facts">
          <dt>Amount</dt>
          <dd class="figure">
            <Money amount={payment.amount} currency={payment.currency} />
          </dd>
          <dt>Status</dt>
          <dd>
            {payment.status} {payment.flagged && <span class="flag">flagged</span>}
          </dd>
          <dt>Account</dt>
          <dd>
            <a href={href('accounts', payment.customer_id)}>{payment.customer_id}</a>
          </dd>
          <dt>Project</dt>
          <dd>{payment.project_id}</dd>
          <dt>Last platform status</dt>
          <dd>{payment.last_callback_status ?? '—'}</dd>
          {payment.settled_by_adjustment !== null && (
            <>
              <dt>Settled by hand</dt>
              <dd>
                adjustment {payment.settled_by_adjustment} (on <a href={href('accounts', payment.customer_id)}>the account's ledger</a>): a
                success from the platform credits nothing more
              </dd>
            </>
          )}
          <dt>Opened</dt>
          <dd>
            <Time at={payment.created_at} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <Time at={payment.updated_at} />
          </dd>
          <dt>Asked at the Gate</dt>
          <dd>
            <StatusCheckFacts check={detail.status_check} />
          </dd>
        </dl>
      )}
      {canAct && payment && (
        <div class="action">
          <button type="button" disabled={asking} onClick={() => void askGate()}>
            {asking ? 'Asking the Gate…' : 'Ask the platform now'}
          </button>
          {asked && <p role="status">{asked}</p>}
        </div>
      )}
      {canAct && payment && payment.status !== 'success' && payment.settled_by_adjustment === null && (
        <AdjustmentForm
          api={api}
          payment={payment}
          onDone={(text) => {
            setPaid(text);
            void api.GET('/admin/v1/payments/{payment_id}', path).then(({ data }) => data && setDetail(data));
          }}
        />
      )}
      {paid && <p role="status">{paid}</p>}
      {detail && (
        <>
          <h2>Callbacks, oldest first</h2>
          {detail.callbacks.length === 0 && <p class="muted">No callback yet.</p>}
          <ol class="timeline">
            {detail.callbacks.map((c) => (
              <li key={c.id}>
                <CallbackCard callback={c} expanded />
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
