// The service's own reconciliation (RECONCILE_INTERVAL) against a fake Data API that signs its
// answers and filters by interval: each of the last week's days compared once, its run kept, its
// discrepancies counted and logged, however many runs of other sources and periods came after;
// with RECONCILE_APPLY a lost payment credited once; a day whose fetch fails compared at the next
// run; a fetch the Data API never answers given up when the service stops.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/http/metrics.js';
import { RECONCILE_JOB, startReconcileJob } from '../../src/jobs/reconcile-job.js';
import type { IntervalJob } from '../../src/jobs/interval-job.js';
import { DAY_SETTLES_MS, daysToReconcile, RECONCILED_DAYS } from '../../src/reconcile/days-to-reconcile.js';
import { parseFieldMap } from '../../src/reconcile/records.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { capturedLogger } from '../support/captured-logs.js';
import { createTestDatabase, writePastTheStore, type TestDatabase } from '../support/databases.js';
import { DATA_API, startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { startServiceProcess } from '../support/processes.js';

describe("the service's reconciliation with the Data API", () => {
  let database: TestDatabase;
  let store: Store;
  let platform: FakePlatform;
  let metrics: Metrics;
  let job: IntervalJob | undefined;
  const { logger, lines: logs } = capturedLogger();
  // The newest day the job compares now, and one three days before it.
  const days = daysToReconcile(new Date(), new Set());
  const [newest, older] = [days.at(-1)!, days.at(-4)!];
  const at = (day: { from: string }, time: string) => `${day.from.slice(0, 10)}T${time}.000Z`;

  beforeEach(async () => {
    logs.length = 0;
    metrics = new Metrics();
    database = await createTestDatabase('sqlite');
    store = await openStore(database.url);
    await store.migrate();
    await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
    for (const paymentId of ['paid', 'lost', 'credited-here-only'])
      await store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount: 5000, currency: 'KZT' });
    for (const paymentId of ['paid', 'credited-here-only']) {
      const facts = { projectId: 1234, paymentId, status: 'success', amount: 5000, currency: 'KZT' };
      await store.applyCallback({ facts, rawBody: JSON.stringify(facts), headers: {}, receivedAt: new Date() });
    }
    // Opened and credited on the days the platform's records are of.
    await writePastTheStore(database, [
      `update payments set created_at = '${at(newest, '10:00:00')}' where payment_id in ('paid', 'lost')`,
      `update payments set created_at = '${at(older, '09:00:00')}' where payment_id = 'credited-here-only'`,
      `update ledger_entries set created_at = '${at(newest, '10:05:00')}' where payment_id = 'paid'`,
      `update ledger_entries set created_at = '${at(older, '09:05:00')}' where payment_id = 'credited-here-only'`,
    ]);
    platform = await startFakePlatform({});
    const sale = (payment_id: string) => ({
      operation_id: platform.operations.length + 1,
      payment_id,
      project_id: 1234,
      operation_created_at: `${newest.from.slice(0, 10)} 10:00:00`,
      operation_type: 'sale',
      operation_status: 'success',
      operation_sum_amount: 5000,
      operation_sum_currency: 'KZT',
    });
    platform.operations.push(sale('paid'), sale('lost'));
  });
  afterEach(async () => {
    await job?.stop();
    job = undefined;
    await platform.close();
    await store.close();
    await database.drop();
  });

  const start = (apply: boolean, afterMs = DAY_SETTLES_MS) =>
    (job = startReconcileJob(
      { store, dataApi: { url: platform.url, ...DATA_API }, projectIds: [1234], fields: parseFieldMap(undefined), apply, afterMs },
      50,
      logger,
      metrics,
    ));
  const runs = async () => (await (await store.operatorReads()).reconciliations({ limit: 100 })).items;
  const counted = async (name: string, label: string) =>
    Object.fromEntries(
      (await metrics.registry.getSingleMetric(name)!.get()).values
        .filter((v) => v.value > 0)
        .map((v) => [String(v.labels[label]), v.value]),
    );
  const BY_HAND = '2026-12-01T00:00:00.000Z';
  const reconcileByHand = (period: { from: string; to: string }, source: string) =>
    store.recordReconciliation(
      {
        startedAt: BY_HAND,
        finishedAt: BY_HAND,
        source,
        periodFrom: period.from,
        periodTo: period.to,
        applied: false,
        summary: {},
        discrepancies: 0,
      },
      [],
    );
  const balance = async () => (await store.findAccount('acc-1'))?.balance;

  it('compares each of the last seven days once: the lost payment and the credit the platform lacks found on their days', async () => {
    start(false);
    await expect.poll(async () => (await runs()).length, { timeout: 10_000 }).toBe(RECONCILED_DAYS);
    // Later runs find every day compared: nothing is fetched again.
    const requests = platform.dataApiRequests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(platform.dataApiRequests.length).toBe(requests);
    expect(await runs()).toHaveLength(RECONCILED_DAYS);

    const byDay = new Map((await runs()).map((run) => [run.periodFrom, run]));
    expect([...byDay.keys()].sort()).toEqual(days.map((d) => d.from));
    expect(byDay.get(newest.from)).toMatchObject({ source: 'data-api', periodTo: newest.to, applied: false, discrepancies: 1 });
    expect(byDay.get(newest.from)!.summary).toMatchObject({ compared: 2, matching: 1, missing_here: 1 });
    expect(byDay.get(older.from)).toMatchObject({ discrepancies: 1 });
    expect(byDay.get(older.from)!.summary).toMatchObject({ missing_there: 1 });
    expect([...byDay.values()].reduce((sum, run) => sum + run.discrepancies, 0)).toBe(2);
    // Reported, not applied: the lost payment waits for an operator (or RECONCILE_APPLY).
    expect(await balance()).toBe(10000);
    expect(await counted('kassa24_reconciliation_discrepancies_total', 'kind')).toEqual({ missing_here: 1, missing_there: 1 });
    expect(await counted('kassa24_job_runs_total', 'job')).toMatchObject({ [RECONCILE_JOB]: expect.any(Number) as unknown });
    logger.flush();
    await expect.poll(() => logs.join('')).toContain('reconciliation: the day differs from the Data API');
  });

  it('compares a day RECONCILE_AFTER it ended: two days later, the week before', async () => {
    const twoDays = 2 * 86_400_000;
    start(false, twoDays);
    await expect.poll(async () => (await runs()).length, { timeout: 10_000 }).toBe(RECONCILED_DAYS);
    const compared = (await runs()).map((run) => run.periodFrom).sort();
    expect(compared).toEqual(daysToReconcile(new Date(), new Set(), twoDays).map((day) => day.from));
    expect(compared).not.toContain(newest.from);
    expect(compared).toContain(days[0]!.from);
  });

  it('knows the days compared however many runs came after them', async () => {
    // The week compared by hand, then a thousand runs of other sources and periods on top.
    for (const day of days) await reconcileByHand(day, 'data-api');
    for (let i = 0; i < 1000; i += 1)
      await reconcileByHand(
        i % 2 === 0 ? newest : { from: newest.from, to: at(newest, '06:00:00') },
        i % 2 === 0 ? 'file:report.csv' : 'data-api',
      );
    start(false);
    await expect
      .poll(() => counted('kassa24_job_runs_total', 'outcome'), { timeout: 10_000 })
      .toMatchObject({ done: expect.any(Number) as unknown });
    expect(platform.dataApiRequests).toEqual([]);
    expect((await runs()).filter((run) => run.startedAt !== BY_HAND)).toEqual([]);
  });

  it('with RECONCILE_APPLY credits the lost payment once, through the exactly-once path', async () => {
    start(true);
    await expect.poll(async () => (await runs()).length, { timeout: 10_000 }).toBe(RECONCILED_DAYS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await balance()).toBe(15000);
    const newestRun = (await runs()).find((run) => run.periodFrom === newest.from)!;
    expect(newestRun).toMatchObject({ applied: true });
    expect(newestRun.summary).toMatchObject({ missing_here: 1, applied: 1 });
    const lost = await (await store.operatorReads()).payment('lost');
    expect(lost?.payment.status).toBe('success');
    expect(lost?.callbacks.map((c) => c.source)).toEqual(['reconciliation']);
  });

  it('compares a day whose fetch the Data API refused at the next run, and counts the failed run', async () => {
    platform.dataApiFaults.push({ status: 403, body: JSON.stringify({ status: 'error', message: 'Invalid token or signature' }) });
    start(false);
    await expect.poll(async () => (await runs()).length, { timeout: 10_000 }).toBe(RECONCILED_DAYS);
    expect(await counted('kassa24_job_runs_total', 'outcome')).toMatchObject({ failed: 1 });
    logger.flush();
    expect(logs.join('')).toContain('the Data API answered 403 at offset 0');
  });

  it('is run by the service under RECONCILE_INTERVAL and RECONCILE_AFTER, and ends with it', async () => {
    await store.close();
    const service = await startServiceProcess({
      DATABASE_URL: database.url,
      KASSA24_PROJECTS: JSON.stringify({ 1234: 'project-secret' }),
      DATA_API_URL: platform.url,
      DATA_API_TOKEN: DATA_API.token,
      DATA_API_SECRET: DATA_API.secret,
      RECONCILE_INTERVAL: '1s',
      RECONCILE_AFTER: '3d',
    });
    try {
      await expect.poll(() => service.output().split('reconciliation: the day').length - 1, { timeout: 15_000 }).toBe(RECONCILED_DAYS);
    } finally {
      expect(await service.stop()).toBe(0);
      store = await openStore(database.url);
    }
    expect((await runs()).map((run) => run.periodFrom).sort()).toEqual(
      daysToReconcile(new Date(), new Set(), 3 * 86_400_000).map((day) => day.from),
    );
    expect(new Set(platform.dataApiRequests.map((r) => r.interval_from)).size).toBe(RECONCILED_DAYS);
  });

  it('gives up a fetch the Data API never answers when the service stops, and records nothing of its day', async () => {
    platform.holdsDataApiFrom = 0;
    start(false);
    await expect.poll(() => platform.dataApiRequests.length, { timeout: 5000 }).toBe(1);
    const stopped = Date.now();
    await job!.stop();
    job = undefined;
    expect(Date.now() - stopped).toBeLessThan(2000);
    expect(await runs()).toEqual([]);
    logger.flush();
    expect(logs.join('')).toContain('reconciliation: stopped with the service; the day is compared at its next run');
  });
});
