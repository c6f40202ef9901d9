// `cli restore` of the embedded store from a `cli backup`. Refused while the service has the store
// open; with it stopped, the store is set aside (never deleted) and the backup put in its place,
// and the service runs on it again: a payment opened after the backup is then unknown, its
// callback kept flagged. A store SQLite cannot read is set aside as it is, its log's commits folded
// into it. A backup that is not a sound SQLite store, or a store another command has open, is
// refused, changing nothing; a disk that fills up leaves no partial copy and names the store's place.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { restoreCommand } from '../../src/cli/restore-command.js';
import { MIGRATION_NAMES } from '../../src/store/migration-names.js';
import { FEED_START } from '../../src/store/ledger-feed.js';
import { createTestDatabase, withStoreAt, type TestDatabase } from '../support/databases.js';
import { callbackBody, checkDepositRequest, post, signed } from '../support/platform.js';
import { runCli, startServiceProcess, type ServiceProcess } from '../support/processes.js';
import { onSmallDisk } from '../support/small-disk.js';

type Report = Awaited<ReturnType<typeof restoreCommand>>;

const PROJECT = 5003;
const SECRET = 'restore-test-key';

describe('cli restore (SQLite)', () => {
  let database: TestDatabase;
  let directory: string;
  let env: NodeJS.ProcessEnv;
  const storeFile = () => database.url.slice('sqlite:'.length);
  const restore = (from: string, environment = env) => runCli(['restore', '--from', from], environment);
  const balance = async (environment = env) =>
    (JSON.parse((await runCli(['accounts', 'show', 'c-1'], environment)).stdout) as { balance: number }).balance;
  /** Every file of the store's directory and a digest of its bytes. */
  const filesNow = () =>
    Object.fromEntries(
      readdirSync(directory)
        .sort()
        .map((f) => [
          f,
          createHash('sha256')
            .update(readFileSync(path.join(directory, f)))
            .digest('hex'),
        ]),
    );

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    directory = path.dirname(storeFile());
    env = { DATABASE_URL: database.url, KASSA24_PROJECTS: JSON.stringify({ [PROJECT]: { secrets: [SECRET] } }) };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    expect((await runCli(['accounts', 'add', '--customer-id', 'c-1', '--currency', 'KZT'], env)).code).toBe(0);
  });
  afterEach(() => database.drop());

  it('puts a backup back only with the service stopped, setting the store aside, and the service runs on it', async () => {
    let service: ServiceProcess = await startServiceProcess(env);
    const pay = async (amount: number) => {
      const opened = await post(service.url, '/terminal', signed(checkDepositRequest('c-1', amount, PROJECT), SECRET));
      const paymentId = opened.body.payment_id!;
      const callback = signed(callbackBody(paymentId, amount, 'success', PROJECT), SECRET);
      return { paymentId, callback, answer: await post(service.url, '/callback', callback) };
    };
    try {
      expect((await pay(10000)).answer.body.result).toBe('credited');
      const copy = path.join(directory, 'copy.db');
      expect((await runCli(['backup', '--to', copy], env)).code).toBe(0);
      const later = await pay(20000);
      expect(later.answer.body.result).toBe('credited');

      // The running service checkpoints its log into the file meanwhile: compare what is there, not bytes.
      const before = Object.keys(filesNow());
      expect(await restore(copy)).toEqual({
        code: 1,
        stdout: '',
        stderr: `restore not made: ${storeFile()} is in use by the service: stop it first\n`,
      });
      expect(Object.keys(filesNow())).toEqual(before);
      expect(await balance()).toBe(30000);

      await service.stop();
      const run = await restore(copy);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as Report;
      expect(report).toMatchObject({
        store: storeFile(),
        from: copy,
        set_aside_unreadable: null,
        schema: MIGRATION_NAMES.at(-1),
        ledger: { accounts: 1, credits: 1, broken: [] },
      });
      expect(report.set_aside).toMatch(new RegExp(`^${storeFile()}\\.before-restore-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z$`));
      // The store as it was stands aside, whole: both credits in it.
      expect(await balance({ DATABASE_URL: `sqlite:${report.set_aside}` })).toBe(30000);
      expect(await balance()).toBe(10000);
      // A reader of the ledger feed had read both credits: its position is past the restored store.
      const readerPosition = await withStoreAt(
        `sqlite:${report.set_aside}`,
        async (aside) => (await (await aside.operatorReads()).ledgerFeed(FEED_START, 10)).position,
      );
      await withStoreAt(database.url, async (restored) => {
        await expect((await restored.operatorReads()).ledgerFeed(readerPosition, 10)).rejects.toMatchObject({ field: 'after' });
      });

      // Back on the backup's ledger: the payment opened after it is unknown here, its callback kept.
      service = await startServiceProcess(env);
      const redelivered = await post(service.url, '/callback', later.callback);
      expect(redelivered.status).toBe(200);
      expect(redelivered.body).toMatchObject({ result: 'flagged' });
      expect(await balance()).toBe(10000);
      expect(JSON.parse((await runCli(['ledger', 'check'], env)).stdout)).toMatchObject({ broken: [] });
    } finally {
      await service.stop();
    }
  }, 60_000);

  it('sets aside, as it is, a store SQLite cannot read, and puts the backup in its place', async () => {
    const copy = path.join(directory, 'copy.db');
    expect((await runCli(['backup', '--to', copy], env)).code).toBe(0);
    // A disk fault has written over the store's first page: no command can open it.
    const damaged = Buffer.concat([Buffer.alloc(4096, 0xab), readFileSync(storeFile()).subarray(4096)]);
    writeFileSync(storeFile(), damaged);
    const refused = await runCli(['accounts', 'show', 'c-1'], env);
    expect(refused.code).not.toBe(0);

    const run = await restore(copy);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report).toMatchObject({ store: storeFile(), set_aside_unreadable: 'file is not a database', ledger: { broken: [] } });
    expect(readFileSync(report.set_aside!)).toEqual(damaged);
    expect(await balance()).toBe(0);
    expect((await runCli(['accounts', 'show', 'c-1'], env)).code).toBe(0);
  });

  it("sets a damaged store aside with its log's commits in it, and leaves no log beside the backup", async () => {
    const copy = path.join(directory, 'copy.db');
    expect((await runCli(['backup', '--to', copy], env)).code).toBe(0);
    // A crash leaves a commit in the log only; then a disk fault overwrites the store's first page.
    const writer = new BetterSqlite3(storeFile());
    writer.pragma('wal_autocheckpoint = 0');
    const beforeTheCommit = readFileSync(storeFile());
    writer
      .prepare(
        "insert into accounts (customer_id, currency, balance, status, created_at, updated_at) values ('c-only-in-the-log', 'KZT', 0, 'active', ?, ?)",
      )
      .run('2026-12-01', '2026-12-01');
    const log = readFileSync(`${storeFile()}-wal`);
    writer.close();
    writeFileSync(storeFile(), Buffer.concat([Buffer.alloc(4096, 0xab), beforeTheCommit.subarray(4096)]));
    writeFileSync(`${storeFile()}-wal`, log);
    expect(readFileSync(storeFile()).includes('c-only-in-the-log')).toBe(false);

    const run = await restore(copy);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.set_aside_unreadable).toBe('file is not a database');
    // Closing the last connection folded the log into the store set aside: the commit is in it.
    expect(readFileSync(report.set_aside!).includes('c-only-in-the-log')).toBe(true);
    expect(readdirSync(directory).filter((f) => f.endsWith('-wal') || f.endsWith('-shm'))).toEqual([]);
    expect(await balance()).toBe(0);
  });

  it('refuses while another command has the store open, changing nothing', async () => {
    const copy = path.join(directory, 'copy.db');
    expect((await runCli(['backup', '--to', copy], env)).code).toBe(0);
    const before = filesNow();
    const reader = new BetterSqlite3(storeFile(), { readonly: true });
    try {
      reader.prepare('select count(*) from accounts').get();
      expect(await restore(copy)).toEqual({
        code: 1,
        stdout: '',
        stderr: `restore not made: ${storeFile()} is in use (another command has it open): let it finish first\n`,
      });
    } finally {
      reader.close();
    }
    // The store's files as they were (the restore's instance lock is a lock file, not the store).
    const { 'kassa24.db.instance-lock': _lock, ...after } = filesNow();
    expect(after).toEqual(before);
  });

  it("refuses a backup that fails SQLite's integrity check, changing nothing", async () => {
    const copy = path.join(directory, 'copy.db');
    expect((await runCli(['backup', '--to', copy], env)).code).toBe(0);
    breakAnIndex(copy);
    const before = filesNow();
    expect(await restore(copy)).toEqual({
      code: 1,
      stdout: '',
      stderr: `restore not made: ${copy} fails SQLite's integrity check: wrong # of entries in index accounts_by_creation; row 2 missing from index accounts_by_creation\n`,
    });
    expect(filesNow()).toEqual(before);
  });

  it('leaves no partial copy when the disk fills up putting the backup in place, and says where the store is', async (context) => {
    // The store on a file system of 1 MB, the backup larger.
    await onSmallDisk('1m', context, async (small) => {
      await withStoreAt(database.url, async (store) => {
        for (let i = 0; i < 20; i++) {
          await store.keepRejectedCallback({ rawBody: 'x'.repeat(100_000) + i, headers: {}, receivedAt: new Date(), reason: 'big' });
        }
      });
      const copy = path.join(directory, 'copy.db');
      expect((await runCli(['backup', '--to', copy], env)).code).toBe(0);
      const onSmall = { ...env, DATABASE_URL: `sqlite:${path.join(small, 'store.db')}` };
      expect((await runCli(['migrate'], onSmall)).code).toBe(0);
      expect((await runCli(['accounts', 'add', '--customer-id', 'c-1', '--currency', 'KZT'], onSmall)).code).toBe(0);

      const run = await restore(copy, onSmall);
      expect(run.code).toBe(1);
      const setAside = readdirSync(small).find((f) => f.startsWith('store.db.before-restore-'));
      expect(setAside).toBeDefined();
      expect(run.stderr).toMatch(/^restore not made: the backup could not be copied into place \(ENOSPC: .*\); the store is at (.*)\n$/);
      expect(run.stderr.endsWith(`the store is at ${path.join(small, setAside!)}\n`)).toBe(true);
      expect(
        readdirSync(small)
          .filter((f) => f.startsWith('store.db') && !f.startsWith('store.db.instance-lock'))
          .sort(),
      ).toEqual([setAside]);
      expect(await balance({ ...onSmall, DATABASE_URL: `sqlite:${path.join(small, setAside!)}` })).toBe(0);
    });
  });

  it('puts a backup where no store is, and refuses what it cannot restore, changing nothing', async () => {
    const copy = path.join(directory, 'copy.db');
    expect((await runCli(['backup', '--to', copy], env)).code).toBe(0);
    const elsewhere = path.join(directory, 'new.db');
    const fresh = await restore(copy, { DATABASE_URL: `sqlite:${elsewhere}` });
    expect(fresh.code).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ store: elsewhere, set_aside: null });
    expect(await balance({ DATABASE_URL: `sqlite:${elsewhere}` })).toBe(0);

    const garbage = path.join(directory, 'garbage.db');
    writeFileSync(garbage, 'not a database, not at all: a text file long enough to be read as one'.repeat(100));
    const before = filesNow();
    const refusals = [
      [await restore(garbage), 1, `restore not made: ${garbage} cannot be read as a SQLite store: file is not a database\n`],
      [await restore(path.join(directory, 'missing.db')), 1, `restore not made: no backup at ${path.join(directory, 'missing.db')}\n`],
      [await restore(storeFile()), 1, `restore not made: ${storeFile()} is the store itself\n`],
      [
        await restore(copy, { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }),
        2,
        'restore replaces a SQLite store; restore PostgreSQL with its own tools, pg_restore or point-in-time recovery\n',
      ],
      [await restore(copy, { DATABASE_URL: 'sqlite::memory:' }), 2, 'a store in memory cannot be restored into\n'],
    ] as const;
    for (const [run, code, stderr] of refusals) expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr });
    expect((await runCli(['restore'], env)).stderr).toContain('usage: restore --from FILE');
    expect(filesNow()).toEqual(before);
    expect(existsSync(`${storeFile()}.partial`)).toBe(false);
  });
});

/**
 * Leaves an account out of its creation index, the damage a torn write does to an index: the
 * index's schema row is hidden while the account is added, then put back.
 */
function breakAnIndex(file: string): void {
  const hide = new BetterSqlite3(file);
  hide.unsafeMode(true);
  hide.pragma('writable_schema = on');
  const index = hide.prepare("select type, name, tbl_name, rootpage, sql from sqlite_master where name = 'accounts_by_creation'").get();
  hide.prepare("delete from sqlite_master where name = 'accounts_by_creation'").run();
  hide.close();
  const add = new BetterSqlite3(file);
  add
    .prepare(
      "insert into accounts (customer_id, currency, balance, status, created_at, updated_at) values ('c-2', 'KZT', 0, 'active', '2026-12-01', '2026-12-01')",
    )
    .run();
  add.unsafeMode(true);
  add.pragma('writable_schema = on');
  add
    .prepare('insert into sqlite_master (type, name, tbl_name, rootpage, sql) values (@type, @name, @tbl_name, @rootpage, @sql)')
    .run(index);
  add.close();
}
