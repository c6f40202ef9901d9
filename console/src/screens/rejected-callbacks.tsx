// Signed callbacks refused for breaking the contract: why, how often, and the body as received.
import type { ScreenProps } from '../main';
import { Pager, ProblemMessage, RawJson, Time, usePages } from '../ui';

export function RejectedCallbacks({ api }: ScreenProps) {
  const list = usePages((cursor) => api.GET('/admin/v1/rejected-callbacks', { params: { query: cursor ? { cursor } : {} } }), 'rejected');
  return (
    <>
      <h1>Rejected callbacks</h1>
      <p class="muted">Correctly signed, refused for breaking the contract, not applied; the platform delivers them again.</p>
      <ProblemMessage problem={list.problem} />
      {!list.loading && list.items.length === 0 && !list.problem && <p>None.</p>}
      {list.items.map((r) => (
        <article class="callback" key={r.id}>
          <header>
            <strong>Rejected callback {r.id}</strong>: {r.reason}
          </header>
          <p class="muted">
            first <Time at={r.received_at} />, last <Time at={r.last_received_at} />, {r.deliveries}{' '}
            {r.deliveries === 1 ? 'delivery' : 'deliveries'}
          </p>
          <RawJson label="Raw body" text={r.raw_body} />
          <RawJson label="Headers" text={JSON.stringify(r.headers)} />
        </article>
      ))}
      <Pager more={list.more} loading={list.loading} count={list.items.length} />
    </>
  );
}
