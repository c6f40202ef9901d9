// `cli restore` of the embedded store from a `cli backup`. Refused while the service has the store
// open; with it stopped, the store is set aside (never deleted) and the backup put in its place,
// and the service runs on it again: a payment opened after the backup is then unknown, its
// callback kept flagged. A store SQLite cannot read is set aside as it is. A backup that is not a
// sound SQLite store is refused, changing nothing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { restoreCommand } from '../../src/cli/restore-command.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { callbackBody, checkDepositRequest, post, signed } from '../support/platform.js';
import { runCli, startServiceProcess, type ServiceProcess } from '../support/processes.js';

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
        ledger: { accounts: 1, credits: 1, broken: [] },
      });
      expect(report.set_aside).toMatch(new RegExp(`^${storeFile()}\\.before-restore-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z$`));
      // The store as it was stands aside, whole: both credits in it.
      expect(await balance({ DATABASE_URL: `sqlite:${report.set_aside}` })).toBe(30000);
      expect(await balance()).toBe(10000);

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
    ] as const;
    for (const [run, code, stderr] of refusals) expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr });
    expect((await runCli(['restore'], env)).stderr).toContain('usage: restore --from FILE');
    expect(filesNow()).toEqual(before);
    expect(existsSync(`${storeFile()}.partial`)).toBe(false);
  });
});
