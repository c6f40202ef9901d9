// Reconciliation runs (cli reconcile): what each compared and found, and each discrepancy.
import type { ScreenProps } from '../main';
import { href } from '../route';
import { Money, Pager, ProblemMessage, Table, Time, usePages, useRecord } from '../ui';

const counts = (summary: Record<string, number>) =>
  Object.entries(summary)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name.replace(/_/g, ' ')} ${n}`)
    .join(', ');

export function Reconciliations({ api }: ScreenProps) {
  const list = usePages((cursor) => api.GET('/admin/v1/reconciliations', { params: { query: cursor ? { cursor } : {} } }), 'runs');
  return (
    <>
      <h1>Reconciliations</h1>
      <p class="muted">
        Runs of <code>cli reconcile</code>: the platform's records against the ledger.
      </p>
      <ProblemMessage problem={list.problem} />
      {!list.loading && list.items.length === 0 && !list.problem && <p>No run yet.</p>}
      <Table>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Finished</th>
            <th scope="col">Source</th>
            <th scope="col">Discrepancies</th>
            <th scope="col">Counts</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={href('reconciliations', String(r.id))}>#{r.id}</a>
                {r.applied && <span class="muted"> (applied)</span>}
              </td>
              <td>
                <Time at={r.finished_at} />
              </td>
              <td>{r.source}</td>
              <td class="number">
                {r.discrepancies}
                {r.discrepancies_kept < r.discrepancies && <span class="muted"> ({r.discrepancies_kept} listed)</span>}
              </td>
              <td>{counts(r.summary)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Pager more={list.more} loading={list.loading} count={list.items.length} />
    </>
  );
}

/** One side of a discrepancy: its status and amount, or a dash when that side has no record. */
function Side({ record }: { record: Record<string, unknown> | null }) {
  if (!record) return <span class="muted">—</span>;
  const amount = typeof record.amount === 'number' ? record.amount : undefined;
  const currency = typeof record.currency === 'string' ? record.currency : undefined;
  return (
    <span>
      {String(record.status)} {amount !== undefined && <Money amount={amount} currency={currency} />}
    </span>
  );
}

export function ReconciliationDetail({ api, runId }: ScreenProps & { runId: number }) {
  const path = { reconciliation_id: runId };
  const { data: first, problem } = useRecord(
    () => api.GET('/admin/v1/reconciliations/{reconciliation_id}', { params: { path, query: { limit: 1 } } }),
    `run-${runId}`,
  );
  const findings = usePages(async (cursor) => {
    const { data, error } = await api.GET('/admin/v1/reconciliations/{reconciliation_id}', {
      params: { path, query: cursor ? { cursor } : {} },
    });
    return data ? { data: { items: data.discrepancies, next_cursor: data.next_cursor } } : { error };
  }, `findings-${runId}`);
  const run = first?.run;
  return (
    <>
      <p>
        <a href={href('reconciliations')}>← Reconciliations</a>
      </p>
      <h1>Reconciliation #{runId}</h1>
      <ProblemMessage problem={problem} />
      {run && (
        <dl class="facts">
          <dt>Source</dt>
          <dd>{run.source}</dd>
          <dt>Period</dt>
          <dd>
            {run.period_from && run.period_to ? (
              <>
                <Time at={run.period_from} /> to <Time at={run.period_to} />
              </>
            ) : (
              'none given: credits here were not checked against the platform'
            )}
          </dd>
          <dt>Ran</dt>
          <dd>
            <Time at={run.started_at} /> to <Time at={run.finished_at} />
          </dd>
          <dt>Applied</dt>
          <dd>{run.applied ? 'yes: payments missing here were applied' : 'no'}</dd>
          <dt>Counts</dt>
          <dd>{counts(run.summary)}</dd>
        </dl>
      )}
      <h2>Discrepancies</h2>
      {run && run.discrepancies_kept < run.discrepancies && (
        <p class="muted">
          {run.discrepancies_kept} of {run.discrepancies} are listed: a run keeps the first of each kind up to a limit. The counts above
          include every one, as did the command's output.
        </p>
      )}
      <ProblemMessage problem={findings.problem} />
      <Table>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Payment</th>
            <th scope="col">Platform</th>
            <th scope="col">Here</th>
            <th scope="col">Applied</th>
          </tr>
        </thead>
        <tbody>
          {findings.items.map((d) => (
            <tr key={d.id}>
              <td>{d.kind.replace(/_/g, ' ')}</td>
              <td>{d.ledger ? <a href={href('payments', d.payment_id)}>{d.payment_id}</a> : d.payment_id}</td>
              <td>
                <Side record={d.platform} />
              </td>
              <td>
                <Side record={d.ledger} />
              </td>
              <td>{d.applied ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Pager more={findings.more} loading={findings.loading} count={findings.items.length} />
    </>
  );
}
