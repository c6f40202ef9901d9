// Overview: the summary's figures, payments and credited amounts per day for 30 days, open review items.
import type { Schemas } from '../api';
import { money } from '../format';
import type { ScreenProps } from '../main';
import { href } from '../route';
import { Money, ProblemMessage, Section, Time, useRecord } from '../ui';

function Window({ title, window }: { title: string; window: Schemas['Window'] }) {
  const total = window.by_status.reduce((sum, s) => sum + s.count, 0);
  return (
    <div class="card">
      <h3>{title}</h3>
      <p class="figure">
        <Money amount={window.credited_amount} /> <span class="muted">credited</span>
      </p>
      <p class="muted">{total} payments opened</p>
      {window.by_status.length > 0 && (
        <table>
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
                  <Money amount={s.amount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
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

export function Overview({ api }: ScreenProps) {
  const { data: summary, problem } = useRecord(() => api.GET('/admin/v1/summary'), 'summary');

  if (!summary) return problem ? <ProblemMessage problem={problem} /> : <p>Loading…</p>;
  return (
    <>
      <h1>Overview</h1>
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
        <Window title="Last 24 hours" window={summary.last_24h} />
        <Window title="Last 30 days" window={summary.last_30d} />
      </div>
      <Section title="Last 30 days">
        <div class="charts">
          <DailyChart days={summary.days} pick={(d) => d.payments} label="Payments opened" format={String} />
          <DailyChart days={summary.days} pick={(d) => d.credited_amount} label="Amount credited" format={(n) => money(n)} />
        </div>
      </Section>
      <p class="muted">
        As of <Time at={summary.generated_at} />.
      </p>
    </>
  );
}
