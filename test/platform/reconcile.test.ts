// Reconciliation, end to end: a Dashboard CSV report (semicolons, quotes, BOM, Windows line ends,
// amounts in KZT, a payment named twice) against a ledger with one planted discrepancy of each kind;
// --apply credits the lost payment once however often it runs; a bad row stops everything and is
// named.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcile as reconcileRecords, type Discrepancy, type ReconcileSummary } from '../../src/reconcile/reconcile.js';
import { parseFieldMap } from '../../src/reconcile/records.js';
import { csvFileSource } from '../../src/reconcile/sources.js';
import type { Store } from '../../src/store/store.js';
import { backends, createTestDatabase, withStoreAt, writePastTheStore, type TestDatabase } from '../support/databases.js';
import { runCli } from '../support/processes.js';

type Line = Discrepancy & { summary?: ReconcileSummary };
const lines = (text: string): Line[] =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);

describe.each(backends())('cli reconcile on %s', (backend) => {
  let database: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const withStore = <T>(work: (store: Store) => Promise<T>) => withStoreAt(database.url, work);
  const callback = (paymentId: string, amount: number, status = 'success') => ({
    facts: { projectId: 1234, paymentId, status, amount, currency: 'KZT' },
    rawBody: JSON.stringify({ paymentId, amount, status }),
    headers: {},
    receivedAt: new Date(),
  });

  beforeEach(async () => {
    database = await createTestDatabase(backend);
    dir = mkdtempSync(path.join(tmpdir(), 'kassa24-reconcile-'));
    env = { DATABASE_URL: database.url };
    await withStore(async (store) => {
      await store.migrate();
      await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
      for (const [paymentId, amount] of [
        ['matching', 10000],
        ['lost', 20000],
        ['credited-declined-there', 3000],
        ['credited-other-amount', 4000],
        ['pending-declined-there', 5000],
        ['credited-not-in-report', 6000],
      ] as const) {
        await store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount, currency: 'KZT' });
      }
      for (const [paymentId, amount] of [
        ['matching', 10000],
        ['credited-declined-there', 3000],
        ['credited-other-amount', 4000],
        ['credited-not-in-report', 6000],
      ] as const) {
        expect((await store.applyCallback(callback(paymentId, amount))).result).toBe('credited');
      }
    });
    writeFileSync(
      path.join(dir, 'report.csv'),
      '\uFEFF' +
        [
          'payment_id;operation_type;operation_status;operation_sum_amount;operation_sum_currency;note',
          'matching;sale;success;100,00;KZT;',
          'lost;sale;success;200.00;KZT;"the service was down; the callback never came"',
          'lost;refund;success;200.00;KZT;a refund row is another matter',
          'credited-declined-there;sale;decline;30.00;KZT;',
          'credited-other-amount;sale;success;45.00;KZT;',
          'pending-declined-there;sale;decline;50.00;KZT;',
          'never-issued;sale;success;70.00;KZT;"a ""foreign"" payment"',
          'matching;sale;decline;100,00;KZT;named again: its first record speaks for it',
        ].join('\r\n') +
        '\r\n',
    );
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  const today = new Date().toISOString().slice(0, 10);
  const reconcile = (...args: string[]) =>
    runCli(['reconcile', '--file', path.join(dir, 'report.csv'), '--from', today, '--to', today, ...args], env);

  it('lists exactly the planted discrepancy of each kind, and a summary', async () => {
    const run = await reconcile();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const printed = lines(run.stdout);
    expect(printed.slice(0, -1).map((l) => [l.kind, l.payment_id])).toEqual([
      ['missing_here', 'lost'],
      ['missing_there', 'credited-declined-there'],
      ['amount_mismatch', 'credited-other-amount'],
      ['status_mismatch', 'pending-declined-there'],
      ['unknown_payment', 'never-issued'],
      ['missing_there', 'credited-not-in-report'],
    ]);
    expect(printed[2]).toMatchObject({
      platform: { amount: 4500, status: 'success', line: 6 },
      ledger: { amount: 4000, status: 'success' },
    });
    expect(printed[5]).toMatchObject({ platform: null, ledger: { amount: 6000, customer_id: 'acc-1' } });
    expect(printed.at(-1)?.summary).toEqual({
      compared: 6,
      matching: 1,
      skipped: 1,
      period: { from: `${today}T00:00:00.000Z`, to: expect.any(String) as unknown },
      applied: 0,
      missing_here: 1,
      missing_there: 2,
      amount_mismatch: 1,
      status_mismatch: 1,
      unknown_payment: 1,
    });
    expect(await withStore(async (store) => (await store.findAccount('acc-1'))?.balance)).toBe(23000);
    // The run is kept, with what it found, for operators.
    const runId = (printed.at(-1) as { run_id?: number }).run_id!;
    const stored = await withStore(async (store) => (await store.operatorReads()).reconciliation(runId, { limit: 100 }));
    expect(stored?.run).toMatchObject({
      source: `file:${path.join(dir, 'report.csv')}`,
      discrepancies: 6,
      discrepanciesKept: 6,
      applied: false,
      summary: { missing_there: 2 },
    });
    expect(stored?.findings.items.map((f) => f.kind)).toEqual(printed.slice(0, -1).map((l) => l.kind));
  });

  it("does not look for the period's missing credits among payments opened outside it", async () => {
    await withStore(async (store) => {
      await store.openPayment({ paymentId: 'credited-yesterday', projectId: 1234, customerId: 'acc-1', amount: 800, currency: 'KZT' });
      expect((await store.applyCallback(callback('credited-yesterday', 800))).result).toBe('credited');
    });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await writePastTheStore(database, [
      `update payments set created_at = '${yesterday}T12:00:00.000Z' where payment_id = 'credited-yesterday'`,
    ]);
    const printed = lines((await reconcile()).stdout);
    expect(printed.filter((l) => l.kind === 'missing_there').map((l) => l.payment_id)).toEqual([
      'credited-declined-there',
      'credited-not-in-report',
    ]);
    expect(printed.at(-1)?.summary).toMatchObject({ missing_there: 2 });
  });

  it('keeps only so many findings of each kind, the first found, while reporting and counting every one', async () => {
    const reported: Discrepancy[] = [];
    const { run } = await withStore((store) =>
      reconcileRecords({
        store,
        source: csvFileSource(path.join(dir, 'report.csv'), parseFieldMap(undefined), 'major'),
        period: { from: `${today}T00:00:00.000Z`, to: new Date(Date.now() + 86_400_000).toISOString() },
        apply: false,
        report: (d) => reported.push(d),
        keepPerKind: 1,
      }),
    );
    expect(reported.map((d) => d.payment_id)).toContain('credited-not-in-report');
    expect(run).toMatchObject({ discrepancies: 6, discrepanciesKept: 5, summary: { missing_there: 2 } });
    const stored = await withStore(async (store) => (await store.operatorReads()).reconciliation(run.id, { limit: 100 }));
    expect(stored?.findings.items.map((f) => [f.kind, f.paymentId])).toEqual([
      ['missing_here', 'lost'],
      ['missing_there', 'credited-declined-there'],
      ['amount_mismatch', 'credited-other-amount'],
      ['status_mismatch', 'pending-declined-there'],
      ['unknown_payment', 'never-issued'],
    ]);
  });

  it('--apply credits the lost payment once, however often it runs', async () => {
    const first = lines((await reconcile('--apply')).stdout);
    expect(first.find((l) => l.payment_id === 'lost')).toMatchObject({ kind: 'missing_here', applied: 'credited' });
    expect(first.at(-1)?.summary).toMatchObject({ applied: 1 });
    const second = lines((await reconcile('--apply')).stdout);
    expect(second.some((l) => l.payment_id === 'lost')).toBe(false);
    expect(second.at(-1)?.summary).toMatchObject({ applied: 0, missing_here: 0 });
    await withStore(async (store) => {
      expect((await store.findAccount('acc-1'))?.balance).toBe(43000);
      const [applied] = await store.listCallbacks({ paymentId: 'lost' });
      expect(applied).toMatchObject({ source: 'reconciliation', result: 'credited' });
      // Credited, and kept for an operator's look: a recovery is worth one.
      expect(applied?.reviewReason).toMatch(/^recovered by reconciliation \(file:.*report\.csv\)/);
    });
  });

  it('stops at a bad row, naming its line, before comparing or writing anything', async () => {
    writeFileSync(
      path.join(dir, 'report.csv'),
      'payment_id,operation_status,operation_sum_amount\nlost,success,200.00\nmatching,success,lots\n',
    );
    const run = await reconcile('--apply');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('line 3: amount "lots" is not an amount in major units');
    expect(await withStore(async (store) => (await store.findAccount('acc-1'))?.balance)).toBe(23000);
    const missingColumn = await runCli(['reconcile', '--file', path.join(dir, 'report.csv'), '--map', 'amount=Sum'], env);
    expect(missingColumn.code).toBe(2);
    expect(missingColumn.stderr).toContain('no column "Sum" for amount');
    const backwards = await runCli(
      ['reconcile', '--file', path.join(dir, 'report.csv'), '--from', '2026-12-02', '--to', '2026-12-01'],
      env,
    );
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('the period is empty: --from 2026-12-02 starts at 2026-12-02T00:00:00.000Z');
  });

  it('refuses options it cannot act on, naming them, before comparing or writing anything', async () => {
    const report = path.join(dir, 'report.csv');
    const refusals = [
      [['--file', report, '--format', 'xml'], '--format is csv or json'],
      [['--file', report, '--amount-unit', 'cents'], '--amount-unit is major or minor'],
      [['--file', report, '--from', today], 'give --from and --to together'],
      [['--file', path.join(dir, 'absent.csv')], `${path.join(dir, 'absent.csv')}: no such file`],
      [[], 'give --file, or --from and --to to fetch the period from the Data API'],
      [['--from', today, '--to', today], 'DATA_API_URL, DATA_API_TOKEN and DATA_API_SECRET are not set: the Data API cannot be asked'],
    ] as const;
    for (const [args, reason] of refusals) {
      const run = await runCli(['reconcile', ...args, '--apply'], env);
      expect({ code: run.code, stdout: run.stdout }, args.join(' ')).toEqual({ code: 2, stdout: '' });
      expect(run.stderr.split('\n')[0], args.join(' ')).toBe(reason);
    }
    await withStore(async (store) => {
      expect((await store.findAccount('acc-1'))?.balance).toBe(23000);
      expect((await (await store.operatorReads()).reconciliations({ limit: 10 })).items).toEqual([]);
    });
  });

  it('reads a report in minor units when told so', async () => {
    writeFileSync(path.join(dir, 'minor.csv'), 'payment_id,operation_status,operation_sum_amount\nmatching,success,10000\n');
    const run = await runCli(['reconcile', '--file', path.join(dir, 'minor.csv'), '--amount-unit', 'minor'], env);
    expect(lines(run.stdout).at(-1)?.summary).toMatchObject({ compared: 1, matching: 1, amount_mismatch: 0 });
  });

  it('reads a saved Data API answer in minor units, with its own field names', async () => {
    writeFileSync(
      path.join(dir, 'answer.json'),
      JSON.stringify({
        operations: [
          {
            payment_id: 'lost',
            project_id: 1234,
            type: 'sale',
            state: 'success',
            sum: 20000,
            currency: 'KZT',
            operation_created_at: '2026-12-01 10:00:00',
          },
          {
            payment_id: 'matching',
            project_id: 1234,
            type: 'sale',
            state: 'success',
            sum: 10000,
            currency: 'KZT',
            operation_created_at: '2026-12-01 10:00:00',
          },
        ],
      }),
    );
    const run = await runCli(
      ['reconcile', '--file', path.join(dir, 'answer.json'), '--map', 'status=state,amount=sum,type=type,currency=currency'],
      env,
    );
    expect(lines(run.stdout).map((l) => l.kind ?? 'summary')).toEqual(['missing_here', 'summary']);
    // Saved under a name in capitals, it is still JSON.
    renameSync(path.join(dir, 'answer.json'), path.join(dir, 'ANSWER.JSON'));
    const shouted = await runCli(
      ['reconcile', '--file', path.join(dir, 'ANSWER.JSON'), '--map', 'status=state,amount=sum,type=type,currency=currency'],
      env,
    );
    expect(lines(shouted.stdout)).toEqual(lines(run.stdout).map((line) => ('run_id' in line ? { ...line, run_id: 2 } : line)));
  });
});
