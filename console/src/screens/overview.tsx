// Overview: the summary's figures, payments and credited amounts per day for 30 days, open review
// items, the last run of each job the service runs by itself, and the ledger's rules checked on
// request. Figures are of one currency at a time.
import { useState } from 'preact/hooks';
import { asProblem, type Api, type Problem, type Schemas } from '../api';
import { counted, money } from '../format';
import type { ScreenProps } from '../main';
import { href } from '../route';
import { Money, ProblemMessage, Section, Table, Time, useRecord } from '../ui';

function Window({ title, window, currency }: { title: string; window: Schemas['Window']; currency: string }) {
  const total = window.by_status.reduce((sum, s) => sum + s.count, 0);
  return (
    <div class="card">
      <h3>{title}</h3>
      <p class="figure">
        <Money amount={window.credited_amount} currency={currency} /> <span class="muted">credited</span>
      </p>
      <p class="muted">{total} payments opened</p>
      {window.by_status.length > 0 && (
        <Table>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Payments</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {window.by_status.map((s) => (
              <tr key={s.status}>
                <td>{s.status}</td>
                <td class="number">{s.count}</td>
                <td class="number">
                  <Money amount={s.amount} currency={currency} />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}

/** Bars per day, one chart per figure: an SVG, readable at any width. */
function DailyChart({
  days,
  pick,
  label,
  format,
}: {
  days: Schemas['Day'][];
  pick: (d: Schemas['Day']) => number;
  label: string;
  format: (n: number) => string;
}) {
  const max = Math.max(1, ...days.map(pick));
  const width = 300;
  const height = 80;
  const bar = width / days.length;
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${label} per day, last ${days.length} days`}
        preserveAspectRatio="none"
      >
        {days.map((d, i) => {
          const h = (pick(d) / max) * (height - 2);
          return (
            <rect key={d.date} x={i * bar + 1} y={height - h} width={Math.max(1, bar - 2)} height={h}>
              <title>{`${d.date}: ${format(pick(d))}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption>
        {label} per day (UTC), {days[0]?.date} to {days.at(-1)?.date}; highest {format(max)}
      </figcaption>
    </figure>
  );
}

/** The ledger's rules, checked when asked: a check reads whole tables, seconds at a million accounts. */
function LedgerCheckCard({ api }: { api: Api }) {
  const [check, setCheck] = useState<Schemas['LedgerCheck']>();
  const [problem, setProblem] = useState<Problem>();
  const [checking, setChecking] = useState(false);
  const run = async () => {
    setChecking(true);
    setProblem(undefined);
    try {
      const { data, error } = await api.GET('/admin/v1/ledger-check');
      if (data) setCheck(data);
      else setProblem(asProblem(error));
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setChecking(false);
    }
  };
  return (
    <div class="card ledger-check">
      <p class="muted">Every balance the sum of its credits and adjustments, every credit its payment's, every success paid once.</p>
      <button type="button" onClick={() => void run()} disabled={checking}>
        {checking ? 'Checking…' : 'Check the ledger'}
      </button>
      <ProblemMessage problem={problem} />
      {check && (
        <div role="status">
          {check.broken.length === 0 ? (
            <p class="figure">Every rule holds</p>
          ) : (
            <ul class="broken">
              {check.broken.map((b) => (
                <li key={b.kind}>
                  <strong>
                    {b.count} × {b.says}
                  </strong>
                  <ul>
                    {b.examples.map((e) => (
                      <li key={e.subject}>
                        <code>{e.subject}</code>: {e.detail}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
          {check.by_currency.map((t) => (
            <p key={t.currency}>
              Balances <Money amount={t.balances_total} currency={t.currency} /> = credits{' '}
              <Money amount={t.credited_total} currency={t.currency} /> + adjustments{' '}
              <Money amount={t.adjusted_total} currency={t.currency} />
              {t.balances_total !== t.credited_total + t.adjusted_total && <strong> — they do not add up</strong>}
            </p>
          ))}
          <p class="muted">
            {counted(check.accounts, 'account')}, {counted(check.payments, 'payment')}, {counted(check.credits, 'credit')},{' '}
            {counted(check.adjustments, 'adjustment')}; checked <Time at={check.checked_at} />.
          </p>
        </div>
      )}
    </div>
  );
}

const JOB_NAMES: Record<string, string> = {
  'kassa24-bvu:payments-sync': 'Payments sync (STATUS_SYNC_INTERVAL)',
  'kassa24-bvu:payments-expire': 'Expiry (PAYMENT_EXPIRY_INTERVAL)',
  'kassa24-bvu:ledger-check': 'Ledger check (LEDGER_CHECK_INTERVAL)',
  'kassa24-bvu:reconcile': 'Reconciliation (RECONCILE_INTERVAL)',
};

/** Each job's last run: where an operator who watches no metrics sees a job failing. */
function JobRuns({ api }: { api: Api }) {
  const { data, problem } = useRecord(() => api.GET('/admin/v1/jobs'), 'jobs');
  if (!data) return problem ? <ProblemMessage problem={problem} /> : <p>Loading…</p>;
  if (data.items.length === 0)
    return <p class="muted">No job has run: the service runs each only where its interval is set (README, Configuration).</p>;
  return (
    <Table>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Last run ended</th>
          <th scope="col">Outcome</th>
          <th scope="col">Last done</th>
        </tr>
      </thead>
      <tbody>
        {data.items.map((run) => (
          <tr key={run.job} class={run.outcome === 'failed' ? 'refused' : undefined}>
            <td>{JOB_NAMES[run.job] ?? run.job}</td>
            <td>
              <Time at={run.finished_at} />
            </td>
            <td>{run.outcome === 'failed' ? `failed: ${run.error ?? 'no reason given'}` : 'done'}</td>
            <td>{run.last_done_at ? <Time at={run.last_done_at} /> : 'never'}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** The API's currency when none is asked for: always offered, so that a choice can be undone. */
const DEFAULT_CURRENCY = 'KZT';

/** The currency the figures are in, and the others there are to choose from. */
function CurrencyChoice({ summary, choose }: { summary: Schemas['Summary']; choose: (currency: string) => void }) {
  const currencies = [...new Set([DEFAULT_CURRENCY, ...summary.currencies])].sort();
  if (currencies.length < 2) return null;
  return (
    <p>
      <label for="summary-currency">Figures in </label>
      <select id="summary-currency" value={summary.currency} onChange={(e) => choose(e.currentTarget.value)}>
        {currencies.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>{' '}
      <span class="muted">(payments of each currency are counted apart)</span>
    </p>
  );
}

export function Overview({ api }: ScreenProps) {
  // Undefined: the API's own choice, the method's currency.
  const [currency, setCurrency] = useState<string>();
  const { data: summary, problem } = useRecord(
    () => api.GET('/admin/v1/summary', { params: { query: currency ? { currency } : {} } }),
    `summary-${currency ?? ''}`,
  );

  if (!summary) return problem ? <ProblemMessage problem={problem} /> : <p>Loading…</p>;
  return (
    <>
      <h1>Overview</h1>
      <CurrencyChoice summary={summary} choose={setCurrency} />
      <div class="cards">
        <div class="card">
          <h3>Review queue</h3>
          <p class="figure">{summary.open_review_items}</p>
          <p>
            <a href={href('review')}>{summary.open_review_items === 1 ? 'flagged callback to review' : 'flagged callbacks to review'}</a>
          </p>
          <p class="muted">
            Last callback: <Time at={summary.last_callback_received_at} />
          </p>
        </div>
        <Window title="Last 24 hours" window={summary.last_24h} currency={summary.currency} />
        <Window title="Last 30 days" window={summary.last_30d} currency={summary.currency} />
      </div>
      <Section title="Last 30 days">
        <div class="charts">
          <DailyChart days={summary.days} pick={(d) => d.payments} label="Payments opened" format={String} />
          <DailyChart
            days={summary.days}
            pick={(d) => d.credited_amount}
            label="Amount credited"
            format={(n) => money(n, summary.currency)}
          />
        </div>
      </Section>
      <p class="muted">
        As of <Time at={summary.generated_at} />.
      </p>
      <Section title="Jobs">
        <JobRuns api={api} />
      </Section>
      <Section title="Ledger">
        <LedgerCheckCard api={api} />
      </Section>
    </>
  );
}
