// Reconciliation straight from the Data API (a fake one that checks the token's signature and signs
// its answers): every page of the period is fetched once, and compared as a file would be.
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Discrepancy, ReconcileSummary } from '../../src/reconcile/reconcile.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, withStoreAt, type TestDatabase } from '../support/databases.js';
import { DATA_API, startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { runCli, spawnCli } from '../support/processes.js';

type Line = Discrepancy & { summary?: ReconcileSummary };

describe('cli reconcile --from --to (the Data API)', () => {
  let database: TestDatabase;
  let platform: FakePlatform;
  let env: NodeJS.ProcessEnv;
  // The spools in the temporary directory before a test: the one of the operations the CLI fetched
  // must not outlive its run (only this file's runs make them).
  const spools = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('kassa24-data-api-'));
  let spoolsBefore: string[];
  const withStore = <T>(work: (store: Store) => Promise<T>) => withStoreAt(database.url, work);
  const today = new Date().toISOString().slice(0, 10);

  beforeEach(async () => {
    spoolsBefore = await spools();
    database = await createTestDatabase('sqlite');
    platform = await startFakePlatform({});
    env = {
      DATABASE_URL: database.url,
      KASSA24_PROJECTS: JSON.stringify({ 1234: 'project-secret' }),
      DATA_API_URL: platform.url,
      DATA_API_TOKEN: DATA_API.token,
      DATA_API_SECRET: DATA_API.secret,
    };
    await withStore(async (store) => {
      await store.migrate();
      await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
      for (const paymentId of ['paid', 'lost'])
        await store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount: 5000, currency: 'KZT' });
      const facts = { projectId: 1234, paymentId: 'paid', status: 'success', amount: 5000, currency: 'KZT' };
      await store.applyCallback({ facts, rawBody: JSON.stringify(facts), headers: {}, receivedAt: new Date() });
    });
    const operation = (payment_id: string, operation_type: string, operation_status: string) => ({
      operation_id: platform.operations.length + 1,
      payment_id,
      project_id: 1234,
      operation_created_at: `${today} 10:00:00`,
      operation_type,
      operation_status,
      operation_sum_amount: 5000,
      operation_sum_currency: 'KZT',
    });
    // Over a page of refunds of other payments (skipped), then the two sales.
    for (let i = 0; i < 1203; i++) platform.operations.push(operation(`refunded-${i}`, 'refund', 'success'));
    platform.operations.push(operation('paid', 'sale', 'success'), operation('lost', 'sale', 'success'));
  });
  afterEach(async () => {
    // Whatever the run came to, it left none of the merchant's payments on disk.
    expect(await spools()).toEqual(spoolsBefore);
    await platform?.close();
    await database?.drop();
  });

  it('fetches every page once and finds the lost payment; --apply credits it once', async () => {
    const run = await runCli(['reconcile', '--from', today, '--to', today], env);
    expect(run.stderr).toBe('');
    const printed = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(printed.slice(0, -1).map((l) => [l.kind, l.payment_id])).toEqual([['missing_here', 'lost']]);
    expect(printed.at(-1)?.summary).toMatchObject({
      compared: 2,
      matching: 1,
      skipped: 1203,
      missing_here: 1,
      missing_there: 0,
      applied: 0,
    });
    // Without --apply it only reports.
    expect(await withStore(async (store) => (await store.findAccount('acc-1'))?.balance)).toBe(5000);
    expect(platform.pages).toEqual([0, 1000]);
    expect(platform.dataApiRequests[0]).toMatchObject({
      project_ids: [1234],
      interval_from: `${today} 00:00:00`,
      interval_to: `${today} 23:59:59`,
      time_zone: 'UTC',
    });

    expect(run.code).toBe(1);

    await runCli(['reconcile', '--from', today, '--to', today, '--apply'], env);
    await runCli(['reconcile', '--from', today, '--to', today, '--apply'], env);
    expect(await withStore(async (store) => (await store.findAccount('acc-1'))?.balance)).toBe(10000);
    // Settled: nothing left to report, and the exit status says so.
    const settled = await runCli(['reconcile', '--from', today, '--to', today], env);
    expect(settled.code).toBe(0);
    expect(JSON.parse(settled.stdout)).toMatchObject({ summary: { compared: 2, matching: 2, missing_here: 0 } });
  });

  it('reads operations by the field names DATA_API_FIELDS gives, as --map does', async () => {
    for (const operation of platform.operations) {
      operation.amount_paid = operation.operation_sum_amount;
      delete operation.operation_sum_amount;
    }
    const unmapped = await runCli(['reconcile', '--from', today, '--to', today], env);
    expect(unmapped).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Data API: operation 1: amount (column "operation_sum_amount") is empty or missing; nothing was compared or written\n',
    });
    const mapped = await runCli(['reconcile', '--from', today, '--to', today], { ...env, DATA_API_FIELDS: 'amount=amount_paid' });
    expect(mapped.stderr).toBe('');
    const printed = mapped.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(printed.at(-1)?.summary).toMatchObject({ compared: 2, matching: 1, missing_here: 1, amount_mismatch: 0 });
    // The query names the mapped field too: the Data API is asked for what the map reads.
    expect(platform.dataApiRequests.at(-1)?.fields).toContain('amount_paid');
  });

  it('stops with exit 2 when the Data API refuses, comparing and writing nothing', async () => {
    const run = await runCli(['reconcile', '--from', today, '--to', today], { ...env, DATA_API_SECRET: 'wrong' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Data API: the Data API answered 403');
    const missing = await runCli(['reconcile', '--from', today, '--to', today], {
      ...env,
      DATA_API_URL: '',
      DATA_API_TOKEN: '',
      DATA_API_SECRET: '',
    });
    expect(missing.stderr).toContain('DATA_API_URL, DATA_API_TOKEN and DATA_API_SECRET are not set');
  });

  it('stops at an operation it cannot read, on a later page, naming it; writes nothing', async () => {
    platform.operations[1100]!.operation_sum_amount = '50.00';
    const run = await runCli(['reconcile', '--from', today, '--to', today, '--apply'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'Data API: operation 1101: amount "50.00" is not an amount in minor units (15000); nothing was compared or written',
    );
    expect(await withStore(async (store) => (await store.findAccount('acc-1'))?.balance)).toBe(5000);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('removes its spool when a %s ends it mid-fetch (exit %i), having written nothing', async (signal, exitCode) => {
    platform.holdsDataApiFrom = 1000;
    const run = spawnCli(['reconcile', '--from', today, '--to', today, '--apply'], env);
    while (!platform.pages.includes(1000)) await new Promise((resolve) => setTimeout(resolve, 20));
    // The first page is spooled by now: the run has something to remove.
    expect((await spools()).length).toBe(spoolsBefore.length + 1);
    run.child.kill(signal);
    const { code, stdout } = await run.exited;
    expect(code).toBe(exitCode);
    expect(stdout).toBe('');
    expect(await withStore(async (store) => (await store.findAccount('acc-1'))?.balance)).toBe(5000);
  });

  it('refuses an answer that carries no signature: --apply credits nothing from it', async () => {
    platform.signsDataApiAnswers = false;
    const run = await runCli(['reconcile', '--from', today, '--to', today, '--apply'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/the Data API's answer at offset 0 breaks openapi\/platform\/data-api\.yaml: .*signature/);
    expect(await withStore(async (store) => (await store.findAccount('acc-1'))?.balance)).toBe(5000);
  });
});
