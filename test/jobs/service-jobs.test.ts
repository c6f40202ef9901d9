// The jobs the service runs by itself: the payments sync (STATUS_SYNC_INTERVAL) settles a lost
// payment, the expiry (PAYMENT_EXPIRY_INTERVAL) marks payments past the threshold expired, the
// ledger check (LEDGER_CHECK_INTERVAL) reports a broken rule on /metrics and in the log; a failed
// run is logged and tried again; each stops cleanly, waiting for a run in progress, a long
// payments sync ending after the payment in hand and a ledger check after the query in hand.
import Database from 'better-sqlite3';
import pg from 'pg';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricValueWithName } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gateClient } from '../../src/platform/gate-client.js';
import { startIntervalJob } from '../../src/jobs/interval-job.js';
import { startLedgerCheckJob } from '../../src/jobs/ledger-check-job.js';
import { startPaymentExpiryJob } from '../../src/jobs/payment-expiry-job.js';
import { Metrics } from '../../src/http/metrics.js';
import { STATUS_SYNC_JOB, startStatusSyncJob } from '../../src/jobs/status-sync-job.js';
import { openStore } from '../../src/store/open-store.js';
import type { ExpiryOptions } from '../../src/store/expire-in-batches.js';
import type { Store } from '../../src/store/store.js';
import { capturedLogger } from '../support/captured-logs.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { parseProjects } from '../../src/config.js';

const { logger, lines: logs } = capturedLogger();

describe('the service by itself', () => {
  let database: TestDatabase;
  let store: Store;
  let platform: FakePlatform;
  let metrics: Metrics;

  beforeEach(async () => {
    metrics = new Metrics();
    database = await createTestDatabase('sqlite');
    store = await openStore(database.url);
    await store.migrate();
    await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
    await store.openPayment({ paymentId: 'lost', projectId: 1234, customerId: 'acc-1', amount: 7000, currency: 'KZT' });
    platform = await startFakePlatform({ 1234: 'secret' });
    platform.payments.set('lost', { projectId: 1234, status: 'success', amount: 7000, currency: 'KZT' });
  });
  afterEach(async () => {
    await platform.close();
    await store.close();
    await database.drop();
  });

  /** A labelled metric's values by one label, as /metrics shows them. */
  const byLabel = async (name: string, label: string, where: Record<string, string> = {}): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await metrics.registry.getSingleMetric(name)!.get()).values
        .filter((v) => Object.entries(where).every(([key, value]) => v.labels[key] === value))
        .map((v): [string, number] => [String(v.labels[label]), v.value]),
    );
  const jobRuns = (job: string) => byLabel('kassa24_job_runs_total', 'outcome', { job });
  const lastSuccess = async (job: string) => (await byLabel('kassa24_job_last_success_timestamp_seconds', 'job'))[job];
  const syncedPayments = () => byLabel('kassa24_status_sync_payments_total', 'outcome');
  /** The job duration histogram's series: each bucket, count and sum by its name. */
  const jobDurations = async () =>
    (await metrics.registry.getSingleMetric('kassa24_job_duration_seconds')!.get()).values as Array<MetricValueWithName<string>>;

  /**
   * The service's payments sync, every 50 ms, against the fake platform unless another Gate is
   * given, each question tried `attempts` times, 100 a second unless slower.
   */
  const startSyncJob = (attempts: number, { gateUrl = platform.url, ratePerSecond = 100, firstPauseMs = 10 } = {}) =>
    startStatusSyncJob(
      {
        store,
        gate: gateClient(gateUrl),
        projects: parseProjects(JSON.stringify({ 1234: 'secret' })),
        olderThanMs: 0,
        limit: 100,
        ratePerSecond,
        retry: { attempts, firstPauseMs },
      },
      50,
      logger,
      metrics,
    );

  it('credits a lost payment at the next interval, once, and stops', async () => {
    const loop = startSyncJob(2);
    await expect.poll(async () => (await store.findAccount('acc-1'))?.balance, { timeout: 5000 }).toBe(7000);
    // Later runs find nothing pending: nothing is asked again.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await loop.stop();
    expect(platform.requests.get('lost')).toBe(1);
    expect(await syncedPayments()).toEqual({ applied: 1, still_pending: 0, not_answered: 0, refused: 0 });
    expect((await jobRuns(STATUS_SYNC_JOB)).done).toBeGreaterThanOrEqual(2);
    logger.flush();
    await expect.poll(() => logs.join('')).toContain('payments sync: pending payments asked about at the Gate');
  });

  it('ends a long payments sync when the service stops; each payment asked is credited once, or waits unasked if its answer was given up', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `paid-${i}`);
    for (const paymentId of ids) {
      await store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount: 100, currency: 'KZT' });
      platform.payments.set(paymentId, { projectId: 1234, status: 'success', amount: 100, currency: 'KZT' });
    }
    // Ten questions a second: the run would take four seconds.
    const job = startSyncJob(1, { ratePerSecond: 10 });
    const asked = () => ids.filter((id) => platform.requests.has(id)).length;
    await expect.poll(asked, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    const started = performance.now();
    await job.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    const askedAtStop = asked();
    expect(askedAtStop).toBeLessThan(ids.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(asked()).toBe(askedAtStop);
    // What was answered was applied, once. The question in flight at the stop may have reached the
    // Gate with its answer given up: that payment waits, pending and not counted as asked, with
    // the rest for the next run.
    const reads = await store.operatorReads();
    const credited: string[] = [];
    const waiting: string[] = [];
    for (const id of ids.filter((paymentId) => platform.requests.has(paymentId))) {
      const found = (await reads.payment(id))!;
      if (found.payment.status === 'success') credited.push(id);
      else if (found.statusCheck === null) waiting.push(id);
    }
    expect(credited.length + waiting.length).toBe(askedAtStop);
    expect(waiting.length).toBeLessThanOrEqual(1);
    // The payment every test starts with, opened first, was asked about first: 70.00 KZT.
    expect((await store.findAccount('acc-1'))?.balance).toBe(7000 + 100 * credited.length);
    logger.flush();
    await expect.poll(() => logs.join('')).toContain('payments sync: stopped with the service');
  });

  it('ends a sync paced slowly when the service stops, without waiting out the pause before its next question', async () => {
    for (const paymentId of ['slow-1', 'slow-2']) {
      await store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount: 100, currency: 'KZT' });
      platform.payments.set(paymentId, { projectId: 1234, status: 'success', amount: 100, currency: 'KZT' });
    }
    // A question every 20 s: after the first, the run pauses.
    const job = startSyncJob(1, { ratePerSecond: 0.05 });
    await expect.poll(() => platform.requests.size, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    const started = performance.now();
    await job.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(platform.requests.size).toBe(1);
  });

  it('gives up the question in flight when the service stops, even to a Gate that never answers', async () => {
    const questions: ServerResponse[] = [];
    const silent = createServer((_request, response) => questions.push(response));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const job = startSyncJob(4, {
        gateUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        ratePerSecond: 10,
        firstPauseMs: 500,
      });
      await expect.poll(() => questions.length, { timeout: 5000 }).toBe(1);
      const started = performance.now();
      await job.stop();
      expect(performance.now() - started).toBeLessThan(1000);
      // Not asked again, nothing applied, and the question not counted as asked: the payment waits
      // for the next run in the place it had.
      expect(questions).toHaveLength(1);
      expect((await store.findAccount('acc-1'))?.balance).toBe(0);
      expect((await (await store.operatorReads()).payment('lost'))?.statusCheck).toBeNull();
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('warns about a payment the Gate does not know once, not at each of its turns', async () => {
    // Never known to the platform (abandoned before it was paid, say): the Gate refuses it every time.
    await store.openPayment({ paymentId: 'unknown-there', projectId: 1234, customerId: 'acc-1', amount: 1000, currency: 'KZT' });
    const job = startSyncJob(1);
    const syncLines = () => {
      logger.flush();
      return logs
        .join('')
        .split('\n')
        .filter((line) => line.includes('payments sync:'));
    };
    // Two runs after the first have ended (a run in flight at the stop is given up, unlogged).
    await expect
      .poll(() => syncLines().filter((line) => line.includes('"refused_again":1')).length, { timeout: 5000 })
      .toBeGreaterThanOrEqual(2);
    await job.stop();
    expect(syncLines().filter((line) => line.includes('could not be asked about'))).toHaveLength(1);
  });

  it('expires payments pending beyond the 36 days, and only those, at the next interval', async () => {
    await store.openPayment({ paymentId: 'abandoned', projectId: 1234, customerId: 'acc-1', amount: 3000, currency: 'KZT' });
    // Opened 37 days ago, as far as the ledger can tell.
    const db = new Database(database.url.slice('sqlite:'.length));
    db.prepare('update payments set created_at = ? where payment_id = ?').run(
      new Date(Date.now() - 37 * 86_400_000).toISOString(),
      'abandoned',
    );
    db.close();
    const job = startPaymentExpiryJob(store, 50, logger, metrics);
    await expect
      .poll(async () => (await store.listPayments({ status: 'expired' })).map((p) => p.paymentId), { timeout: 5000 })
      .toEqual(['abandoned']);
    await job.stop();
    expect((await store.listPayments({ status: 'pending' })).map((p) => p.paymentId)).toEqual(['lost']);
    logger.flush();
    await expect.poll(() => logs.join('')).toContain('payments expire: pending payments past the threshold expired');
  });

  it('ends an expiry run after the batch in hand when the service stops, and says how far it got', async () => {
    let asked: ExpiryOptions | undefined;
    // A backlog long enough to be cut short: its batches go on until the stop.
    const longBacklog = Object.assign(Object.create(store) as Store, {
      expirePendingPayments: (_cutoff: Date, options?: ExpiryOptions) => {
        asked = options;
        return new Promise<number>((resolve) => options?.stop?.addEventListener('abort', () => resolve(4000)));
      },
    });
    const logsBefore = logs.length;
    const job = startPaymentExpiryJob(longBacklog, 50, logger, metrics);
    await expect.poll(() => asked, { timeout: 5000 }).toBeDefined();
    await job.stop();
    logger.flush();
    await expect
      .poll(() => logs.slice(logsBefore).join(''))
      .toContain('payments expire: cut short by the service stopping; the next run goes on');
    expect(logs.slice(logsBefore).join('')).toContain('"expired":4000');
    expect(logs.slice(logsBefore).join('')).not.toContain('pending payments past the threshold expired');
  });

  it('checks the ledger at each interval: /metrics carries each rule, the log an error while one is broken', async () => {
    const violations = async (): Promise<Record<string, number>> =>
      Object.fromEntries(
        (await metrics.registry.getSingleMetric('kassa24_ledger_rule_violations')!.get()).values.map((v): [string, number] => [
          String(v.labels.rule),
          v.value,
        ]),
      );
    const lastCheck = async () =>
      (await metrics.registry.getSingleMetric('kassa24_ledger_last_check_timestamp_seconds')!.get()).values[0]?.value;

    const job = startLedgerCheckJob(store, 50, logger, metrics);
    await expect.poll(lastCheck, { timeout: 5000 }).toBeGreaterThan(0);
    expect(await violations()).toEqual({
      balance_off: 0,
      credit_off_payment: 0,
      success_uncredited: 0,
      credited_and_settled: 0,
      settled_elsewhere: 0,
    });

    // A balance edited past the store: the next check names it.
    const db = new Database(database.url.slice('sqlite:'.length));
    db.prepare("update accounts set balance = 100 where customer_id = 'acc-1'").run();
    db.close();
    await expect.poll(async () => (await violations()).balance_off, { timeout: 5000 }).toBe(1);
    await job.stop();
    logger.flush();
    const errors = logs
      .join('')
      .split('\n')
      .filter((line) => line.includes('ledger check: the ledger breaks its rules'));
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(errors[0]!)).toMatchObject({
      level: 50, // pino's error
      accounts: 1,
      broken: [{ kind: 'balance_off', count: 1, examples: [{ subject: 'acc-1', detail: 'balance 100, credits and adjustments 0' }] }],
    });
    expect(logs.join('')).toContain('ledger check: every rule holds');
  });

  it('counts a run left to whoever holds the job, as elsewhere', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding = store.runExclusively('test-job', () => held);
    const job = startIntervalJob(store, { name: 'test-job', intervalMs: 20, run: () => Promise.resolve() }, logger, metrics);
    await expect.poll(async () => (await jobRuns('test-job')).elsewhere ?? 0, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    release();
    await holding;
    await expect.poll(async () => (await jobRuns('test-job')).done ?? 0, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    await job.stop();
    // A run left elsewhere took no time here: only the runs done here are timed.
    const timed = (await jobDurations()).filter(
      (v) => v.labels.job === 'test-job' && v.metricName === 'kassa24_job_duration_seconds_count',
    );
    expect(timed.map((v) => [v.labels.outcome, v.value])).toEqual([['done', (await jobRuns('test-job')).done]]);
  });

  it('logs a failed run and runs again at the next interval; stopping waits for the run in progress', async () => {
    let runs = 0;
    let inProgress = false;
    const job = startIntervalJob(
      store,
      {
        name: 'test-job',
        intervalMs: 20,
        async run() {
          runs++;
          if (runs === 1) throw new Error('the first run fails');
          inProgress = true;
          await new Promise((resolve) => setTimeout(resolve, 100));
          inProgress = false;
        },
      },
      logger,
      metrics,
    );
    await expect.poll(() => inProgress, { timeout: 5000 }).toBe(true);
    await job.stop();
    expect(inProgress).toBe(false);
    const runsAtStop = runs;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toBe(runsAtStop);
    // /metrics counts each run by what came of it; the last success is the run that ended at the stop.
    expect(await jobRuns('test-job')).toEqual({ failed: 1, done: runsAtStop - 1 });
    // And how long each took: the failed run at once, each done one its 100 ms at least.
    const durations = (await jobDurations()).filter((v) => v.labels.job === 'test-job' && !('le' in v.labels));
    const duration = (outcome: string, part: 'count' | 'sum') =>
      durations.find((v) => v.labels.outcome === outcome && v.metricName === `kassa24_job_duration_seconds_${part}`)!.value;
    expect(duration('failed', 'count')).toBe(1);
    expect(duration('failed', 'sum')).toBeLessThan(0.1);
    expect(duration('done', 'count')).toBe(runsAtStop - 1);
    // A timer fires by the event loop's clock, which can be up to a millisecond behind performance.now().
    expect(duration('done', 'sum')).toBeGreaterThanOrEqual(0.099 * (runsAtStop - 1));
    expect(await lastSuccess('test-job')).toBeGreaterThan(Date.now() / 1000 - 5);
    logger.flush();
    await expect.poll(() => logs.join('')).toContain('the first run fails');
  });

  it("keeps each job's last run for the admin API: a failure with its reason, and when it was last done", async () => {
    let fail = true;
    const failing = startIntervalJob(
      store,
      {
        name: 'test-job',
        intervalMs: 20,
        run() {
          return fail ? Promise.reject(new Error('the Data API answered 403 at offset 0')) : Promise.resolve();
        },
      },
      logger,
      metrics,
    );
    const kept = async () => (await (await store.operatorReads()).jobRuns()).find((run) => run.job === 'test-job');
    await expect
      .poll(kept, { timeout: 5000 })
      .toMatchObject({ outcome: 'failed', error: 'the Data API answered 403 at offset 0', lastDoneAt: null });
    fail = false;
    await expect.poll(async () => (await kept())?.outcome, { timeout: 5000 }).toBe('done');
    fail = true;
    await expect.poll(async () => (await kept())?.outcome, { timeout: 5000 }).toBe('failed');
    await failing.stop();
    const last = (await kept())!;
    // The last failure, and the done run before it.
    expect(last.lastDoneAt).not.toBeNull();
    expect(last.lastDoneAt! <= last.startedAt && last.startedAt <= last.finishedAt).toBe(true);
  });

  it('runs a job whose run cannot be kept all the same, and says so in the log', async () => {
    let runs = 0;
    const unkept = Object.assign(Object.create(store) as Store, {
      recordJobRun: () => Promise.reject(new Error('disk I/O error')),
    });
    const job = startIntervalJob(unkept, { name: 'test-job', intervalMs: 20, run: () => Promise.resolve(void runs++) }, logger, metrics);
    await expect.poll(() => runs, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await job.stop();
    expect((await jobRuns('test-job')).done).toBe(runs);
    logger.flush();
    await expect.poll(() => logs.join('')).toContain('the run could not be kept for the admin API');
  });
});

describe.runIf(postgresUrl)('a ledger check in progress when the service stops (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: Store;
  let locker: pg.Client;
  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    store = await openStore(database.url);
    await store.migrate();
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
  });
  afterEach(async () => {
    await locker.end();
    await store.close();
    await database.drop();
  });

  it('ends after the query in hand: nothing reported, nothing logged as checked', async () => {
    const metrics = new Metrics();
    const logsBefore = logs.length;
    // An operator's migration holding a table the check reads: the first query reading it waits.
    await locker.query('begin');
    await locker.query('lock table adjustments in access exclusive mode');
    const lockerPid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const job = startLedgerCheckJob(store, 10, logger, metrics);
    const waiting = async () =>
      (await locker.query('select 1 from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [lockerPid])).rowCount;
    await expect.poll(waiting, { timeout: 5000 }).toBe(1);

    const stopped = job.stop();
    await locker.query('commit');
    await stopped;

    logger.flush();
    const logged = logs.slice(logsBefore).join('');
    expect(logged).toContain('ledger check: cut short by the service stopping');
    expect(logged).not.toContain('ledger check: every rule holds');
    expect(logged).not.toContain('"level":50');
    const lastCheck = (await metrics.registry.getSingleMetric('kassa24_ledger_last_check_timestamp_seconds')!.get()).values;
    expect(lastCheck.map((v) => v.value)).toEqual([0]); // never checked
  });
});
