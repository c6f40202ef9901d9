// The ledger of every account by period: each credit and adjustment that moved a balance, newest first.
import { useState } from 'preact/hooks';
import { dayStart } from '../format';
import type { ScreenProps } from '../main';
import { href } from '../route';
import { Pager, ProblemMessage, usePages } from '../ui';
import { LedgerTable } from './ledger-table';

export function Ledger({ api }: ScreenProps) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const fromIso = dayStart(from);
  const toIso = dayStart(to, 1);
  const query = { ...(fromIso && { from: fromIso }), ...(toIso && { to: toIso }) };
  const list = usePages(
    (cursor) => api.GET('/admin/v1/ledger', { params: { query: { ...query, ...(cursor && { cursor }) } } }),
    JSON.stringify(query),
  );
  return (
    <>
      <p>
        <a href={href('accounts')}>← Accounts</a>
      </p>
      <h1>Ledger</h1>
      <p>
        Every credit and adjustment, of every account, newest first. <code>cli ledger export</code> writes a period as CSV.
      </p>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="ledger-from">Made from</label>
        <input id="ledger-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        <label for="ledger-to">to (inclusive)</label>
        <input id="ledger-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      </form>
      <ProblemMessage problem={list.problem} />
      <LedgerTable entries={list.items} withAccount={true} />
      <Pager more={list.more} loading={list.loading} count={list.items.length} />
    </>
  );
}
