// `cli backup` of the embedded store. Taken while the service credits accounts, the copy is whole
// and keeps the ledger's rules, holds every credit acknowledged before it began, and opens as a
// store; a name already taken, a PostgreSQL URL or a store in memory is refused; a ledger that
// breaks a rule is copied and reported, exit 1; the partial file of a backup cut off earlier is
// replaced.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { backupCommand } from '../../src/cli/backup-command.js';
import { MIGRATION_NAMES } from '../../src/store/migration-names.js';
import { migratorFor } from '../../src/store/migrations.js';
import { createTestDatabase, withStoreAt, type TestDatabase } from '../support/databases.js';
import { callbackBody, checkDepositRequest, post, signed } from '../support/platform.js';
import { runCli, startServiceProcess } from '../support/processes.js';
import { onSmallDisk } from '../support/small-disk.js';

type Report = Awaited<ReturnType<typeof backupCommand>>;

const PROJECT = 5002;
const SECRET = 'backup-test-key';
const CUSTOMERS = ['c-1', 'c-2', 'c-3', 'c-4'];

describe('cli backup (SQLite)', () => {
  let database: TestDatabase;
  let directory: string;
  let env: NodeJS.ProcessEnv;
  const storeFile = () => database.url.slice('sqlite:'.length);
  const backup = (to: string, environment = env) => runCli(['backup', '--to', to], environment);

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    directory = path.dirname(storeFile());
    env = {
      DATABASE_URL: database.url,
      KASSA24_PROJECTS: JSON.stringify({ [PROJECT]: { secrets: [SECRET] } }),
    };
    expect((await runCli(['migrate'], env)).code).toBe(0);
  });
  afterEach(() => database.drop());

  it('copies the store while the service credits accounts: whole, adding up, every earlier credit in it', async () => {
    for (const customerId of CUSTOMERS)
      expect((await runCli(['accounts', 'add', '--customer-id', customerId, '--currency', 'KZT'], env)).code).toBe(0);
    const service = await startServiceProcess(env);
    const credited: string[] = [];
    const acknowledgedAt = new Map<string, number>();
    const refusals: string[] = [];
    let running = true;
    const payer = async (n: number) => {
      for (let i = 0; running; i++) {
        const customerId = CUSTOMERS[(n + i) % CUSTOMERS.length]!;
        const opened = await post(service.url, '/terminal', signed(checkDepositRequest(customerId, 100 + n, PROJECT), SECRET));
        const paymentId = opened.body.payment_id as string;
        const answer = await post(service.url, '/callback', signed(callbackBody(paymentId, 100 + n, 'success', PROJECT), SECRET));
        if (answer.status === 200 && answer.body.result === 'credited') {
          credited.push(paymentId);
          acknowledgedAt.set(paymentId, Date.now());
        } else refusals.push(`${answer.status} ${JSON.stringify(answer.body)}`);
      }
    };
    try {
      const payers = Promise.all([0, 1, 2, 3, 4, 5].map(payer));
      while (credited.length < 200) await new Promise((resolve) => setTimeout(resolve, 20));
      const acknowledgedBefore = [...credited];
      const copy = path.join(directory, 'copy.db');
      const run = await backup(copy);
      const acknowledgedAfter = credited.length;
      while (credited.length < acknowledgedAfter + 50) await new Promise((resolve) => setTimeout(resolve, 20));
      running = false;
      await payers;

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as Report;
      expect(report).toMatchObject({ file: copy, schema: MIGRATION_NAMES.at(-1), ledger: { accounts: 4, adjustments: 0, broken: [] } });
      expect(report.bytes).toBe(readFileSync(copy).length);
      const inCopy = report.ledger!;
      expect(inCopy.credits).toBeGreaterThanOrEqual(acknowledgedBefore.length);
      expect(inCopy.credits).toBeLessThanOrEqual(acknowledgedAfter);
      expect(inCopy.balances_total).toBe(inCopy.credited_total);
      expect(refusals).toEqual([]);
      // Nothing but the copy was left beside the store.
      expect(readdirSync(directory).filter((f) => f.startsWith('copy'))).toEqual(['copy.db']);

      // The copy is a store: the CLI reads it, and it holds every credit acknowledged before it began.
      const copyEnv = { DATABASE_URL: `sqlite:${copy}` };
      const listed = await runCli(['payments', 'list', '--status', 'success'], copyEnv);
      expect(listed.code).toBe(0);
      const paidInCopy = new Set(
        listed.stdout
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { payment_id: string }).payment_id),
      );
      expect(paidInCopy.size).toBe(inCopy.credits);
      expect(acknowledgedBefore.filter((id) => !paidInCopy.has(id))).toEqual([]);
      // The report's taken_at is the snapshot's: every credit acknowledged before it is in the copy.
      const takenAt = Date.parse(report.taken_at);
      const beforeSnapshot = [...acknowledgedAt].filter(([, at]) => at < takenAt).map(([id]) => id);
      expect(beforeSnapshot.length).toBeGreaterThanOrEqual(acknowledgedBefore.length);
      expect(beforeSnapshot.filter((id) => !paidInCopy.has(id))).toEqual([]);
      const balances = await Promise.all(
        CUSTOMERS.map(async (c) => (JSON.parse((await runCli(['accounts', 'show', c], copyEnv)).stdout) as { balance: number }).balance),
      );
      expect(balances.reduce((a, b) => a + b, 0)).toBe(inCopy.balances_total);
    } finally {
      running = false;
      await service.stop();
    }
  }, 60_000);

  it('copies a ledger that does not add up, and says so with exit code 1', async () => {
    expect((await runCli(['accounts', 'add', '--customer-id', 'c-1', '--currency', 'KZT'], env)).code).toBe(0);
    const db = new BetterSqlite3(storeFile());
    db.prepare("update accounts set balance = 500 where customer_id = 'c-1'").run();
    db.close();

    const copy = path.join(directory, 'off.db');
    const run = await backup(copy);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ledger: { accounts: 1, credits: 0, balances_total: 500, broken: [{ kind: 'balance_off', count: 1 }] },
    });
    expect(run.stderr).toBe(
      'the ledger breaks its rules:\n1 × an account whose balance is not the sum of its credits and adjustments (balance_off), e.g. c-1: balance 500, credits and adjustments 0\n',
    );
    expect(existsSync(copy)).toBe(true);
  });

  it('copies a store of an older schema, checked by SQLite, and says its ledger was not checked', async () => {
    const old = await createTestDatabase('sqlite');
    try {
      const file = old.url.slice('sqlite:'.length);
      const kysely = new Kysely<Record<string, Record<string, unknown>>>({
        dialect: new SqliteDialect({ database: new BetterSqlite3(file) }),
      });
      expect((await (await migratorFor(kysely, 'sqlite')).migrateTo('0007_unsettled_payments_index_on_sqlite')).error).toBeUndefined();
      const now = new Date().toISOString();
      await kysely
        .insertInto('accounts')
        .values({ customer_id: 'old', currency: 'KZT', balance: 0, status: 'active', created_at: now, updated_at: now })
        .execute();
      await kysely.destroy();

      const run = await backup(path.join(path.dirname(file), 'old-copy.db'), { DATABASE_URL: old.url });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ schema: '0007_unsettled_payments_index_on_sqlite', ledger: null });
      expect(run.stderr).toContain(
        "the copy's schema (0007_unsettled_payments_index_on_sqlite) is not this release's: its ledger was not checked",
      );
    } finally {
      await old.drop();
    }
  });

  it('makes the copy over the partial file of a backup cut off earlier', async () => {
    expect((await runCli(['accounts', 'add', '--customer-id', 'c-1', '--currency', 'KZT'], env)).code).toBe(0);
    // What a backup stopped by a signal leaves: SQLite writes no copy over an existing file.
    const copy = path.join(directory, 'again.db');
    writeFileSync(`${copy}.partial`, 'cut off');
    const run = await backup(copy);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(existsSync(`${copy}.partial`)).toBe(false);
    const db = new BetterSqlite3(copy, { readonly: true });
    expect(db.prepare('select customer_id from accounts').pluck().all()).toEqual(['c-1']);
    db.close();
  });

  it('leaves nothing behind when the disk fills up during the copy, and says why', async (context) => {
    // A file system of 256 kB for the copy.
    await onSmallDisk('256k', context, async (small) => {
      await withStoreAt(database.url, async (store) => {
        await store.addAccount({ customerId: 'c-1', currency: 'KZT' });
        for (let i = 0; i < 20; i++) {
          await store.keepRejectedCallback({ rawBody: 'x'.repeat(100_000) + i, headers: {}, receivedAt: new Date(), reason: 'big' });
        }
      });
      const run = await backup(path.join(small, 'copy.db'));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^backup not made: SQLite stopped the copy: .*\(SQLITE_FULL\)\n$/);
      expect(readdirSync(small)).toEqual([]);
    });
  });

  it('refuses a name already taken, leaving that file as it was, and stores it cannot copy', async () => {
    const taken = path.join(directory, 'taken.db');
    writeFileSync(taken, 'yesterday');
    expect(await backup(taken)).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `backup not made: ${taken} exists: a backup never overwrites a file; give a new name\n`,
    });
    expect(readFileSync(taken, 'utf8')).toBe('yesterday');

    const elsewhere = path.join(directory, 'nowhere', 'copy.db');
    expect(await backup(elsewhere)).toMatchObject({
      code: 1,
      stderr: `backup not made: no directory ${path.dirname(elsewhere)} for the backup\n`,
    });
    const missing = path.join(directory, 'missing.db');
    expect(await backup(path.join(directory, 'x.db'), { DATABASE_URL: `sqlite:${missing}` })).toMatchObject({
      code: 1,
      stderr: `backup not made: no SQLite store at ${missing}\n`,
    });
    expect(await backup(path.join(directory, 'y.db'), { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('back PostgreSQL up with its own tools, pg_dump or continuous archiving') as unknown,
    });
    expect(await backup(path.join(directory, 'z.db'), { DATABASE_URL: 'sqlite::memory:' })).toMatchObject({ code: 2 });
    expect(await runCli(['backup'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: backup --to FILE') as unknown });
    // No refusal left a file behind.
    expect(readdirSync(directory).filter((f) => !f.startsWith('kassa24.db'))).toEqual(['taken.db']);
  });
});
