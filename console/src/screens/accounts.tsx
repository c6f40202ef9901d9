// Accounts: search, open one; an account's balance, ledger, adjustments, closing and reopening.
import { useState } from 'preact/hooks';
import { asProblem, type Problem, type Schemas } from '../api';
import type { ScreenProps } from '../main';
import { AdjustmentForm } from './adjustment-form';
import { LedgerTable } from './ledger-table';
import { href } from '../route';
import { Money, Pager, ProblemMessage, Table, Time, usePages, useRecord } from '../ui';

function OpenAccount({ api, onOpened }: ScreenProps & { onOpened: () => void }) {
  const [customerId, setCustomerId] = useState('');
  const [additional, setAdditional] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const body = { customer_id: customerId, currency: 'KZT', ...(additional && { additional_customer_id: additional }) };
    const { data, error } = await api.POST('/admin/v1/accounts', { body });
    if (data) {
      setProblem(undefined);
      setCustomerId('');
      setAdditional('');
      onOpened();
    } else setProblem(asProblem(error));
  };
  return (
    <details class="action">
      <summary>Open an account</summary>
      <form onSubmit={(e) => void submit(e)}>
        <label for="new-customer-id">Customer id</label>
        <input id="new-customer-id" required value={customerId} onInput={(e) => setCustomerId(e.currentTarget.value)} />
        <label for="new-additional-id">Additional id (optional)</label>
        <input id="new-additional-id" value={additional} onInput={(e) => setAdditional(e.currentTarget.value)} />
        <button type="submit">Open account</button>
        <ProblemMessage problem={problem} />
      </form>
    </details>
  );
}

export function Accounts({ api, canAct }: ScreenProps) {
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<'' | Schemas['AccountStatus']>('');
  const filter = { ...(query.trim() && { query: query.trim() }), ...(status && { status }) };
  const list = usePages(
    (cursor) => api.GET('/admin/v1/accounts', { params: { query: { ...filter, ...(cursor && { cursor }) } } }),
    JSON.stringify(filter),
  );
  return (
    <>
      <h1>Accounts</h1>
      <p>
        <a href={href('ledger')}>The ledger of every account, by period</a>
      </p>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="account-query">Customer id or additional id contains</label>
        <input id="account-query" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <label for="account-status">Status</label>
        <select id="account-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
          <option value="">any</option>
          <option value="active">active</option>
          <option value="closed">closed</option>
        </select>
      </form>
      {canAct && <OpenAccount api={api} canAct={canAct} onOpened={() => void list.reload()} />}
      <ProblemMessage problem={list.problem} />
      <Table>
        <thead>
          <tr>
            <th scope="col">Customer id</th>
            <th scope="col">Additional id</th>
            <th scope="col">Status</th>
            <th scope="col">Balance</th>
            <th scope="col">Opened</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((a) => (
            <tr key={a.customer_id}>
              <td>
                <a href={href('accounts', a.customer_id)}>{a.customer_id}</a>
              </td>
              <td>{a.additional_customer_id ?? <span class="muted">—</span>}</td>
              <td>{a.status}</td>
              <td class="number">
                <Money amount={a.balance} currency={a.currency} />
              </td>
              <td>
                <Time at={a.created_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Pager more={list.more} loading={list.loading} count={list.items.length} />
    </>
  );
}

type AccountStatus = Schemas['Account']['status'];

/** At most this many pending payments are counted before closing; more is said as "more than". */
const PENDING_COUNTED = 100;

/**
 * How many payments opened on an account still wait for their result: what closing it leaves to
 * settle (each success is credited and flagged), so the operator decides knowing it.
 */
function PendingPayments({ api, customerId }: Pick<ScreenProps, 'api'> & { customerId: string }) {
  const { data, problem } = useRecord(
    () => api.GET('/admin/v1/payments', { params: { query: { customer_id: customerId, status: 'pending', limit: PENDING_COUNTED } } }),
    customerId,
  );
  if (problem) return <> Its pending payments could not be counted: {problem.detail}</>;
  if (!data) return <> Counting its pending payments…</>;
  const count = data.items.length;
  if (count === 0) return <> No payment opened on it is pending.</>;
  const counted = data.next_cursor === null ? `${count}` : `More than ${count}`;
  const link = `${href('payments')}?customer_id=${encodeURIComponent(customerId)}&status=pending`;
  return (
    <>
      {' '}
      <a href={link}>{counted === '1' ? '1 payment opened on it is pending' : `${counted} payments opened on it are pending`}</a>.
    </>
  );
}

/** What an operator may do to an account in each status, and what the console asks first. */
const STATUS_ACTIONS: Record<AccountStatus, { button: string; question: (customerId: string) => string; confirm: string }> = {
  active: {
    button: 'Close account',
    question: (id) =>
      `Close account ${id}? verify and check_deposit will answer that it does not exist; a payment already opened that succeeds is still credited, and kept for review.`,
    confirm: 'Yes, close it',
  },
  closed: {
    button: 'Reopen account',
    question: (id) => `Reopen account ${id}? verify and check_deposit will find it again, with its balance.`,
    confirm: 'Yes, reopen it',
  },
};

export function AccountDetail({ api, canAct, customerId }: ScreenProps & { customerId: string }) {
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string>();
  const path = { params: { path: { customer_id: customerId } } };
  const {
    data: account,
    setData: setAccount,
    problem,
    setProblem,
  } = useRecord(() => api.GET('/admin/v1/accounts/{customer_id}', path), customerId);
  const ledger = usePages(
    (cursor) =>
      api.GET('/admin/v1/accounts/{customer_id}/ledger', {
        params: { path: { customer_id: customerId }, query: cursor ? { cursor } : {} },
      }),
    customerId,
  );
  /** Closes an active account, reopens a closed one. */
  const changeStatus = async (from: AccountStatus) => {
    const { data, error } =
      from === 'active'
        ? await api.POST('/admin/v1/accounts/{customer_id}/close', path)
        : await api.POST('/admin/v1/accounts/{customer_id}/reopen', path);
    setConfirming(false);
    if (data) setAccount(data);
    else setProblem(asProblem(error));
  };
  const statusAction = account && STATUS_ACTIONS[account.status];

  return (
    <>
      <p>
        <a href={href('accounts')}>← Accounts</a>
      </p>
      <h1>Account {customerId}</h1>
      <ProblemMessage problem={problem} />
      {account && (
        <dl class="facts">
          <dt>Balance</dt>
          <dd class="figure">
            <Money amount={account.balance} currency={account.currency} />
          </dd>
          <dt>Status</dt>
          <dd>{account.status}</dd>
          <dt>Additional id</dt>
          <dd>{account.additional_customer_id ?? '—'}</dd>
          <dt>Opened</dt>
          <dd>
            <Time at={account.created_at} />
          </dd>
          <dt>Payments</dt>
          <dd>
            <a href={`${href('payments')}?customer_id=${encodeURIComponent(customerId)}`}>payments of this account</a>
          </dd>
        </dl>
      )}
      {canAct && account && statusAction && (
        <div class="action">
          {confirming ? (
            <p role="alert">
              {statusAction.question(customerId)}
              {account.status === 'active' && <PendingPayments api={api} customerId={customerId} />}{' '}
              <button type="button" onClick={() => void changeStatus(account.status)}>
                {statusAction.confirm}
              </button>{' '}
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </p>
          ) : (
            <button type="button" onClick={() => setConfirming(true)}>
              {statusAction.button}
            </button>
          )}
        </div>
      )}
      {canAct && account && (
        <AdjustmentForm
          api={api}
          account={account}
          onDone={(text, result) => {
            setMessage(text);
            setAccount({ ...account, balance: result.balance });
            void ledger.reload();
          }}
        />
      )}
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      <h2>Ledger</h2>
      <ProblemMessage problem={ledger.problem} />
      <LedgerTable entries={ledger.items} withAccount={false} />
      <Pager more={ledger.more} loading={ledger.loading} count={ledger.items.length} />
    </>
  );
}
