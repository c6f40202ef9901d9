// On PostgreSQL the platform's operations wait a bounded time for the database — for a connection
// and for each statement — and then answer unavailable (503, redelivered by the platform): a server
// that goes silent, a pool that is busy, a row held by a stuck transaction never hold a request, or
// one of the pool's connections, for good. Exactly-once holds across all of it.
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import {
  APPLICATION_NAME,
  IDLE_IN_TRANSACTION_MS,
  jobLockConfig,
  OPERATOR_POOL_SIZE,
  operatorPoolConfig,
  platformPoolConfig,
} from '../../src/store/postgres/pools.js';
import { DEFAULT_DATABASE_TIMEOUT_MS, StoreUnavailableError, type IncomingCallback, type Store } from '../../src/store/store.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';
import { runCli } from '../support/processes.js';

const TIMEOUT_MS = 400;

const callback = (paymentId: string, amount = 10000): IncomingCallback => ({
  facts: { projectId: 1234, paymentId, status: 'success', amount, currency: 'KZT' },
  rawBody: JSON.stringify({ paymentId, amount }),
  headers: {},
  receivedAt: new Date(),
});

/** How long `work` took to settle, and how: its value or what it was rejected with. */
async function timed(work: () => Promise<unknown>): Promise<{ ms: number; outcome: unknown }> {
  const started = performance.now();
  const outcome = await work().catch((error: unknown) => error);
  return { ms: performance.now() - started, outcome };
}

describe('a PostgreSQL server that accepts connections and never answers', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers every operation, the platform’s and the operators’, unavailable within its timeout', async () => {
    server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const store: Store = await openStore(`postgres://postgres@127.0.0.1:${port}/test`, { poolSize: 2, timeoutMs: TIMEOUT_MS });
    try {
      const operations: Array<[string, () => Promise<unknown>]> = [
        ['findAccount', () => store.findAccount('acc-1')],
        ['openPayment', () => store.openPayment({ paymentId: 'p-1', projectId: 1234, customerId: 'acc-1', amount: 100, currency: 'KZT' })],
        ['applyCallback', () => store.applyCallback(callback('p-1'))],
        ['ping', () => store.ping()],
        ['listPayments', () => store.listPayments({})],
      ];
      for (const [name, operation] of operations) {
        const { ms, outcome } = await timed(operation);
        expect(outcome, name).toBeInstanceOf(StoreUnavailableError);
        expect(ms, name).toBeLessThan(TIMEOUT_MS * 4);
      }
    } finally {
      await store.close();
    }
  });

  it('stops a CLI command with the store unavailable once DATABASE_TIMEOUT_MS has passed, not the default', async () => {
    // How long the CLI's connection stayed open, as the silent server saw it: the process's own
    // start-up does not count.
    const held: Promise<number> = new Promise((resolve) => {
      server = createServer((socket) => {
        sockets.add(socket);
        const accepted = performance.now();
        // Read (and drop) what it sends, so that its end is seen.
        socket.resume();
        socket.on('close', () => resolve(performance.now() - accepted));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const run = await runCli(['accounts', 'show', 'acc-1'], {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test`,
      DATABASE_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^error: store unavailable: /);
    expect(await held).toBeLessThan(DEFAULT_DATABASE_TIMEOUT_MS / 2);
  });
});

/** Advisory locks held on the database at `url`, by any session. */
async function locksHeld(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ held: number }>(
      "select count(*)::int as held from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())",
    );
    return rows[0]!.held;
  } finally {
    await client.end();
  }
}

describe.runIf(postgresUrl)('waits on a reachable PostgreSQL', () => {
  let database: TestDatabase;
  let store: Store;
  let holder: pg.Client;
  afterEach(async () => {
    await holder?.end();
    await store?.close();
    await database?.drop();
  });

  it('names its connections (the jobs’ lock sessions too) and has the server end a transaction left idle', async () => {
    const options = { poolSize: 1, timeoutMs: TIMEOUT_MS };
    for (const [config, name] of [
      [platformPoolConfig(postgresUrl!, options), APPLICATION_NAME.platform],
      [operatorPoolConfig(postgresUrl!, options), APPLICATION_NAME.operator],
      [jobLockConfig(postgresUrl!, options), APPLICATION_NAME.job],
    ] as const) {
      const pool = new pg.Pool(config);
      try {
        const { rows } = await pool.query<{ name: string; idle: string }>(
          "select current_setting('application_name') as name, current_setting('idle_in_transaction_session_timeout') as idle",
        );
        expect(rows[0]).toEqual({ name, idle: `${IDLE_IN_TRANSACTION_MS / 60_000}min` });
      } finally {
        await pool.end();
      }
    }
  });

  it('runs more jobs at once than the operators have connections, and still serves the operators', async () => {
    database = await createTestDatabase('postgres');
    store = await openStore(database.url, { poolSize: 1, timeoutMs: TIMEOUT_MS });
    await store.migrate();
    // Each job holds its lock for as long as it runs (a payments sync paces its Gate calls for
    // minutes); meanwhile an operator adds an account and reads the payments.
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const jobs = Array.from({ length: OPERATOR_POOL_SIZE + 1 }, (_, i) =>
      store.runExclusively(`job-${i}`, async () => {
        await finished;
        return i;
      }),
    );
    await expect.poll(() => locksHeld(database.url)).toBe(OPERATOR_POOL_SIZE + 1);
    try {
      expect(await store.addAccount({ customerId: 'acc-1', currency: 'KZT' })).toMatchObject({ customerId: 'acc-1' });
      expect(await store.listPayments({})).toEqual([]);
    } finally {
      finish();
    }
    expect(await Promise.all(jobs)).toEqual(jobs.map((_, i) => i));
    // A job's lock ends with its run.
    expect(await locksHeld(database.url)).toBe(0);
    expect(await store.runExclusively('job-0', () => Promise.resolve('again'))).toBe('again');
  });

  it('answers a callback stuck behind a locked payment unavailable; its redelivery is applied once when the lock goes', async () => {
    database = await createTestDatabase('postgres');
    store = await openStore(database.url, { poolSize: 1, timeoutMs: TIMEOUT_MS });
    await store.migrate();
    await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
    const opening = await store.openPayment({ paymentId: 'p-1', projectId: 1234, customerId: 'acc-1', amount: 10000, currency: 'KZT' });
    expect(opening).toMatchObject({ opened: { paymentId: 'p-1' } });

    // Another session holds the payment's row, as a transaction stuck mid-way would.
    holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query("select * from payments where payment_id = 'p-1' for update");

    const stuck = await timed(() => store.applyCallback(callback('p-1')));
    expect(stuck.outcome).toBeInstanceOf(StoreUnavailableError);
    expect(stuck.ms).toBeLessThan(TIMEOUT_MS * 4);
    // The pool's one connection was given up, not left waiting: the next request is served.
    expect((await timed(() => store.findAccount('acc-1'))).outcome).toMatchObject({ balance: 0 });

    await holder.query('commit');
    // Whether or not the statement given up on went through once the lock went, the redelivery
    // leaves the payment credited exactly once.
    const redelivered = await store.applyCallback(callback('p-1'));
    expect(['credited', 'duplicate']).toContain(redelivered.result);
    expect((await store.findAccount('acc-1'))?.balance).toBe(10000);
    expect(await (await store.operatorReads()).ledgerCheck()).toMatchObject({ credits: 1, broken: [] });
  });
});
