// The alerting rules handed to operators (ops/prometheus-alerts.yml): valid to Prometheus, each
// rule firing on the series it is about and silent on a healthy service, and reading only metrics
// the service exposes. promtool (Debian's prometheus package) evaluates them; without it the test
// says it skipped, and in CI (which installs it) fails.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { load as parseYaml } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/http/metrics.js';

const RULES = path.resolve('ops/prometheus-alerts.yml');
const PROMTOOL = process.env.PROMTOOL_PATH ?? 'promtool';
const run = promisify(execFile);

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (parseYaml(await readFile(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const ruleNamed = (alert: string): Rule => {
  const rule = rules.find((r) => r.alert === alert);
  if (!rule) throw new Error(`no rule ${alert} in ${RULES}`);
  return rule;
};

async function havePromtool(): Promise<boolean> {
  try {
    await run(PROMTOOL, ['--version']);
    return true;
  } catch {
    const message = `Alerting rules tests SKIPPED: no ${PROMTOOL} (apt-get install prometheus, or set PROMTOOL_PATH).`;
    if (process.env.CI) throw new Error(message);
    console.warn(message);
    return false;
  }
}

/**
 * One story of scrapes, a minute apart, in promtool's notation (`0+5x30`: 0, then 5 more each
 * minute, 30 times); the alert is expected silent at `silentAt` minutes and firing at `firingAt`,
 * with the rule's labels and `labels` besides.
 */
interface AlertCase {
  alert: string;
  story: string;
  series: Record<string, string>;
  silentAt: number[];
  firingAt: number[];
  labels?: Record<string, string>;
}

const promtoolHere = await havePromtool();

const healthyCallbacks = { 'kassa24_requests_total{operation="callback",code="",status="200"}': '0+60x120' };
const CASES: AlertCase[] = [
  {
    alert: 'Kassa24Down',
    story: 'one of two instances stops answering at minute 10; a scrape missed at minute 3',
    series: { 'up{job="kassa24-bvu",instance="a"}': '1x120', 'up{job="kassa24-bvu",instance="b"}': '1x2 0 1x6 0x110' },
    silentAt: [3, 5, 11],
    firingAt: [13, 60],
    labels: { job: 'kassa24-bvu', instance: 'b' },
  },
  {
    alert: 'Kassa24CallbacksFailing',
    story: 'callbacks answered 503 from minute 10 on',
    series: { ...healthyCallbacks, 'kassa24_requests_total{operation="callback",code="",status="503"}': '0x10 0+30x110' },
    silentAt: [10, 20],
    firingAt: [22, 60],
  },
  {
    alert: 'Kassa24CallbacksFailing',
    story: 'a few 5xx for a minute, then none',
    series: { ...healthyCallbacks, 'kassa24_requests_total{operation="callback",code="",status="500"}': '0x10 3x110' },
    silentAt: [11, 15, 30],
    firingAt: [],
  },
  {
    alert: 'Kassa24StoreUnavailable',
    story: 'check_deposit refused as unavailable from minute 20; no callback comes, since no deposit opens',
    series: {
      'kassa24_requests_total{operation="terminal",code="0",status="200"}': '0+60x20 1200x100',
      'kassa24_requests_total{operation="terminal",code="500",status="200"}': '0+1x20 20+60x100',
      'kassa24_request_failures_total{operation="terminal",reason="amount_out_of_limits"}': '0+1x120',
      'kassa24_request_failures_total{operation="terminal",reason="store_unavailable"}': '0x20 0+60x100',
    },
    silentAt: [20, 24],
    firingAt: [27, 60],
  },
  {
    alert: 'Kassa24InternalErrors',
    story: 'one request fails at minute 30, for a bug',
    series: {
      'kassa24_request_failures_total{operation="terminal",reason="store_unavailable"}': '0x120',
      'kassa24_request_failures_total{operation="callback",reason="internal"}': '0x30 1x90',
    },
    silentAt: [29, 95],
    firingAt: [31, 80],
  },
  {
    alert: 'Kassa24SignaturesFailing',
    story: 'the secret changed on one side at minute 10: every request fails',
    series: {
      'kassa24_requests_total{operation="terminal",code="0",status="200"}': '0+60x10 600x110',
      'kassa24_requests_total{operation="terminal",code="400",status="200"}': '0x10 0+60x110',
      'kassa24_request_failures_total{operation="terminal",reason="signature_invalid"}': '0x10 0+60x110',
    },
    silentAt: [10],
    firingAt: [20, 60],
  },
  {
    alert: 'Kassa24SignaturesFailing',
    story: 'scanners send unsigned requests; one forged signature in an hour',
    series: {
      'kassa24_requests_total{operation="terminal",code="0",status="200"}': '0+60x120',
      'kassa24_request_failures_total{operation="terminal",reason="signature_missing"}': '0+30x120',
      'kassa24_request_failures_total{operation="terminal",reason="signature_invalid"}': '0x30 1x90',
    },
    silentAt: [20, 35, 40, 60],
    firingAt: [],
  },
  {
    alert: 'Kassa24CallbacksRejected',
    story: 'one callback refused for breaking the contract at minute 30',
    series: { kassa24_callbacks_rejected_total: '0x30 1x90' },
    silentAt: [20, 95],
    firingAt: [31, 80],
  },
  {
    alert: 'Kassa24ReviewQueueWaiting',
    story: 'a flagged callback waits from minute 10; another is reviewed within minutes',
    series: { 'kassa24_review_open_items{instance="a"}': '0x10 1x110', 'kassa24_review_open_items{instance="b"}': '0x5 1x5 0x110' },
    silentAt: [8, 60],
    firingAt: [71, 100],
  },
  {
    alert: 'Kassa24LedgerBroken',
    story: 'the ledger check at minute 30 finds a balance off its entries',
    series: {
      'kassa24_ledger_rule_violations{rule="balance_equals_entries"}': '0x30 1x30',
      'kassa24_ledger_rule_violations{rule="credit_matches_payment"}': '0x60',
    },
    silentAt: [29],
    firingAt: [31],
  },
  {
    alert: 'Kassa24LedgerUnchecked',
    story: 'checked hourly until minute 60, then never again',
    series: { kassa24_ledger_last_check_timestamp_seconds: '0x5 300x55 3600x300' },
    silentAt: [30, 200],
    firingAt: [250, 300],
  },
  {
    alert: 'Kassa24JobFailing',
    story: 'the payments sync fails at minute 20; the expiry always succeeds',
    series: {
      'kassa24_job_runs_total{job="kassa24-bvu:payments-sync",outcome="done"}': '0+1x20 20x100',
      'kassa24_job_runs_total{job="kassa24-bvu:payments-sync",outcome="failed"}': '0x20 1x100',
      'kassa24_job_runs_total{job="kassa24-bvu:payments-expire",outcome="done"}': '0+1x120',
    },
    silentAt: [10, 90],
    firingAt: [21, 60],
    labels: { job: 'kassa24-bvu:payments-sync' },
  },
  {
    alert: 'Kassa24PaymentsSyncStale',
    story: 'syncs end every 5 minutes until minute 30',
    series: { 'kassa24_job_last_success_timestamp_seconds{job="kassa24-bvu:payments-sync"}': '0+60x30 1800x120' },
    silentAt: [30, 85],
    firingAt: [95, 150],
  },
  {
    alert: 'Kassa24GateNotAnswering',
    story: 'the Gate stops answering at minute 40',
    series: {
      'kassa24_status_sync_payments_total{outcome="applied"}': '0+2x40 80x80',
      'kassa24_status_sync_payments_total{outcome="not_answered"}': '0x40 0+5x80',
    },
    silentAt: [30, 40],
    firingAt: [45],
  },
  {
    alert: 'Kassa24ReconciliationDiscrepancies',
    story: "yesterday's run at minute 30 finds a lost payment; the runs before found nothing",
    series: {
      'kassa24_reconciliation_discrepancies_total{kind="missing_here"}': '0x30 1x120',
      'kassa24_reconciliation_discrepancies_total{kind="amount_mismatch"}': '0x150',
    },
    silentAt: [29, 95],
    firingAt: [31, 80],
    labels: { kind: 'missing_here' },
  },
  {
    alert: 'Kassa24PoolExhausted',
    story: 'operations wait for a connection from minute 12; a moment of waiting at minute 3',
    series: { 'kassa24_store_pool_waiting{pool="platform"}': '0x2 4 0x7 3x50' },
    silentAt: [3, 8, 16],
    firingAt: [18, 40],
    labels: { pool: 'platform' },
  },
  {
    alert: 'Kassa24LedgerFeedHeldBack',
    story: 'ages of milliseconds under load for ten minutes, then a transaction left open',
    series: { kassa24_ledger_feed_held_back_seconds: '0.004x9 0+60x60' },
    silentAt: [8, 12],
    firingAt: [18, 40],
  },
  {
    alert: 'Kassa24CommitsSlow',
    story: 'commits of a millisecond, then of half a second from minute 30',
    series: {
      'kassa24_store_commit_seconds_bucket{store="sqlite",le="0.001"}': '0+100x30 3000x60',
      'kassa24_store_commit_seconds_bucket{store="sqlite",le="0.25"}': '0+100x30 3000x60',
      'kassa24_store_commit_seconds_bucket{store="sqlite",le="1"}': '0+100x30 3000+100x60',
      'kassa24_store_commit_seconds_bucket{store="sqlite",le="+Inf"}': '0+100x30 3000+100x60',
    },
    silentAt: [29, 40],
    firingAt: [50, 80],
  },
];

/** promtool's unit-test file for the cases: JSON, which is YAML. */
function promtoolTests(cases: AlertCase[]): string {
  return JSON.stringify({
    rule_files: [RULES],
    evaluation_interval: '1m',
    tests: cases.map((c) => {
      const rule = ruleNamed(c.alert);
      const firing = [{ exp_labels: { ...rule.labels, ...c.labels }, exp_annotations: rule.annotations ?? {} }];
      return {
        name: `${c.alert}: ${c.story}`,
        interval: '1m',
        input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          ...c.silentAt.map((minute) => ({ eval_time: `${minute}m`, alertname: c.alert, exp_alerts: [] })),
          ...c.firingAt.map((minute) => ({ eval_time: `${minute}m`, alertname: c.alert, exp_alerts: firing })),
        ],
      };
    }),
  });
}

/** Every metric name the service exposes, PostgreSQL's pools included, with a histogram's series. */
async function exposedNames(): Promise<Set<string>> {
  const metrics = new Metrics();
  metrics.watchStore({ dialect: 'postgres', poolUsage: () => [] });
  const names = new Set<string>();
  for (const { name, type } of await metrics.registry.getMetricsAsJSON()) {
    names.add(name);
    if (String(type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('the alerting rules (ops/prometheus-alerts.yml)', () => {
  it("read only metrics the service exposes, or the scrape's own", async () => {
    const exposed = await exposedNames();
    for (const rule of rules) {
      // Prometheus's own series of each scrape.
      if (/^up\{/.test(rule.expr)) continue;
      const read = rule.expr.match(/\bkassa24_[a-z0-9_]+/g) ?? [];
      expect(read.length, rule.alert).toBeGreaterThan(0);
      for (const name of read) expect(exposed, `${rule.alert} reads ${name}`).toContain(name);
    }
  });

  it('each has a story where it fires and one where it stays silent', () => {
    for (const { alert } of rules) {
      const cases = CASES.filter((c) => c.alert === alert);
      expect(
        cases.some((c) => c.firingAt.length > 0),
        `${alert} fires somewhere`,
      ).toBe(true);
      expect(
        cases.some((c) => c.silentAt.length > 0),
        `${alert} is silent somewhere`,
      ).toBe(true);
    }
  });

  describe.runIf(promtoolHere)('evaluated by promtool', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'kassa24-alerts-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('are valid rules', async () => {
      const { stdout } = await run(PROMTOOL, ['check', 'rules', RULES]);
      expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    });

    it('fire and stay silent as each story says', async () => {
      const file = path.join(dir, 'alerts.test.yml');
      await writeFile(file, promtoolTests(CASES));
      const result = await run(PROMTOOL, ['test', 'rules', file]).then(
        ({ stdout }) => ({ ok: true, output: stdout }),
        (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
      );
      expect(result.output, result.output).toContain('SUCCESS');
      expect(result.ok, result.output).toBe(true);
    });
  });
});
