// Ledger entries as a table: an account's (its own page) or every account's (the ledger screen).
import type { Schemas } from '../api';
import { href } from '../route';
import { Money, Table, Time } from '../ui';

export function LedgerTable({ entries, withAccount }: { entries: Array<Schemas['LedgerEntry']>; withAccount: boolean }) {
  return (
    <Table>
      <thead>
        <tr>
          <th scope="col">When</th>
          {withAccount && <th scope="col">Account</th>}
          <th scope="col">Kind</th>
          <th scope="col">Amount</th>
          <th scope="col">Payment / reason</th>
          <th scope="col">Callback</th>
          <th scope="col">By</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={`${e.kind}-${e.id}`}>
            <td>
              <Time at={e.created_at} />
            </td>
            {withAccount && (
              <td>
                <a href={href('accounts', e.customer_id)}>{e.customer_id}</a>
              </td>
            )}
            <td>{e.kind}</td>
            <td class="number">
              <Money amount={e.amount} currency={e.currency} />
            </td>
            <td>
              {e.payment_id && <a href={href('payments', e.payment_id)}>{e.payment_id}</a>}
              {/* An adjustment says why, beside the payment it paid by hand if it names one. */}
              {e.payment_id && e.reason !== null && <br />}
              {e.reason}
            </td>
            <td>{e.callback_id ?? '—'}</td>
            <td>{e.actor ?? 'platform'}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
