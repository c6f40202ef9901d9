// The audit log: every operator action, done or refused, newest first.
import type { ScreenProps } from '../main';
import { Pager, ProblemMessage, RawJson, Table, Time, usePages } from '../ui';

export function AuditLog({ api }: ScreenProps) {
  const list = usePages((cursor) => api.GET('/admin/v1/audit-log', { params: { query: cursor ? { cursor } : {} } }), 'audit');
  return (
    <>
      <h1>Audit log</h1>
      <ProblemMessage problem={list.problem} />
      <Table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((e) => (
            <tr key={e.id} class={e.outcome}>
              <td>
                <Time at={e.created_at} />
              </td>
              <td>{e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{e.outcome}</td>
              <td>
                <RawJson label="request" text={JSON.stringify(e.request)} />
                <RawJson label="result" text={JSON.stringify(e.result)} />
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Pager more={list.more} loading={list.loading} count={list.items.length} />
    </>
  );
}
