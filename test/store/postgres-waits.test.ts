// On PostgreSQL the platform's operations wait a bounded time for the database — for a connection
// and for each statement — and then answer unavailable (503, redelivered by the platform): a server
// that goes silent, a pool that is busy, a row held by a stuck transaction never hold a request, or
// one of the pool's connections, for good. Exactly-once holds across all of it.
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import {
  APPLICATION_NAME,
  IDLE_IN_TRANSACTION_MS,
  jobLockConfig,
  migrationPoolConfig,
  OPERATOR_POOL_SIZE,
  operatorPoolConfig,
  platformPoolConfig,
  SERVER_CANCEL_MARGIN_MS,
} from '../../src/store/postgres/pools.js';
import { DEFAULT_DATABASE_TIMEOUT_MS, StoreUnavailableError, type IncomingCallback, type Store } from '../../src/store/store.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';
import { runCli } from '../support/processes.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const TIMEOUT_MS = 400;
const OPERATOR_TIMEOUT_MS = 300;

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

/** Whether a session named `name` waits for a lock on the database at `url`. */
async function waitingOnLock(url: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ waiting: boolean }>(
      "select count(*) > 0 as waiting from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'",
      [name],
    );
    return rows[0]!.waiting;
  } finally {
    await client.end();
  }
}

const operatorPool = (store: Store) => store.poolUsage?.().find((usage) => usage.pool === 'operator');

describe.runIf(postgresUrl)('a PostgreSQL server that goes silent under an operator or a job', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let store: Store;
  let closed: boolean;
  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    const target = new URL(database.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    store = await openStore(viaProxy.toString(), { poolSize: 1, timeoutMs: TIMEOUT_MS, operatorTimeoutMs: OPERATOR_TIMEOUT_MS });
    closed = false;
    await store.migrate();
  });
  afterEach(async () => {
    proxy.thaw();
    if (!closed) await store.close();
    await proxy.close();
    await database.drop();
  });

  it('answers an operator’s write unavailable at the operators’ limit, and closes the connection given up on', async () => {
    expect(await store.listPayments({})).toEqual([]);
    expect(operatorPool(store)).toMatchObject({ open: 1, idle: 1 });

    // The primary vanishes without a reset (its address moved): nothing answers, nothing fails.
    proxy.freeze();
    const opening = await timed(() => store.createAccountAsOperator({ customerId: 'acc-1', currency: 'KZT', actor: 'alice' }));
    expect(opening.outcome).toBeInstanceOf(StoreUnavailableError);
    // Given up on at the limit and its margin.
    expect(opening.ms).toBeGreaterThanOrEqual(OPERATOR_TIMEOUT_MS + SERVER_CANCEL_MARGIN_MS - 50);
    expect(opening.ms).toBeLessThan((OPERATOR_TIMEOUT_MS + SERVER_CANCEL_MARGIN_MS) * 1.5);
    // Closed, not handed to the next operator with its statement still pending.
    expect(operatorPool(store)).toMatchObject({ open: 0 });

    // The primary is back: the next operator is served on a fresh connection.
    proxy.thaw();
    expect(await store.createAccountAsOperator({ customerId: 'acc-2', currency: 'KZT', actor: 'alice' })).toMatchObject({
      account: { customerId: 'acc-2' },
    });
  });

  it('neither holds a job’s run nor the store’s closing beyond the store’s timeout', async () => {
    // The database goes silent while a job runs: the run ends, its session given up on.
    const run = await timed(() =>
      store.runExclusively('job-0', () => {
        proxy.freeze();
        return Promise.resolve('done');
      }),
    );
    expect(run.outcome).toBe('done');
    expect(run.ms).toBeLessThan(TIMEOUT_MS * 3);
    proxy.thaw();

    // A job still running when the service stops: the store closes all the same.
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const running = store.runExclusively('job-1', () => finished);
    await expect.poll(() => locksHeld(database.url)).toBe(1);
    proxy.freeze();
    const closing = await timed(() => store.close());
    closed = true;
    expect(closing.ms).toBeLessThan(TIMEOUT_MS * 3);
    finish();
    await running;
  });
});

describe.runIf(postgresUrl)('waits on a reachable PostgreSQL', () => {
  let database: TestDatabase;
  let store: Store;
  let holder: pg.Client;
  afterEach(async () => {
    await holder?.end();
    await store?.close();
    await database?.drop();
  });

  it('names its connections, limits the operators’ statements, and has the server end a transaction left idle', async () => {
    const options = { poolSize: 1, timeoutMs: TIMEOUT_MS, operatorTimeoutMs: 30_000 };
    // The server limits the operators' statements; the platform's and the job lock's asking are
    // bounded by the driver alone (DATABASE_TIMEOUT_MS), a migration's not at all.
    for (const [config, name, statementLimit] of [
      [platformPoolConfig(postgresUrl!, options), APPLICATION_NAME.platform, '0'],
      [operatorPoolConfig(postgresUrl!, options), APPLICATION_NAME.operator, '30s'],
      [migrationPoolConfig(postgresUrl!, options), APPLICATION_NAME.migration, '0'],
      [jobLockConfig(postgresUrl!, options), APPLICATION_NAME.job, '0'],
    ] as const) {
      const pool = new pg.Pool(config);
      try {
        const { rows } = await pool.query<{ name: string; idle: string; statement: string }>(
          "select current_setting('application_name') as name, current_setting('idle_in_transaction_session_timeout') as idle, current_setting('statement_timeout') as statement",
        );
        expect(rows[0]).toEqual({ name, idle: `${IDLE_IN_TRANSACTION_MS / 60_000}min`, statement: statementLimit });
      } finally {
        await pool.end();
      }
    }
  });

  it('has the server cancel an operator’s statement that outruns the operators’ limit, and keeps the connection', async () => {
    database = await createTestDatabase('postgres');
    store = await openStore(database.url, { poolSize: 1, timeoutMs: TIMEOUT_MS, operatorTimeoutMs: OPERATOR_TIMEOUT_MS });
    await store.migrate();
    await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
    // Another session holds the account's row, as a long transaction would.
    holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query("select * from accounts where customer_id = 'acc-1' for update");

    const closing = await timed(() => store.closeAccountAsOperator({ customerId: 'acc-1', actor: 'alice' }));
    expect(closing.outcome).toBeInstanceOf(StoreUnavailableError);
    expect(closing.ms).toBeGreaterThanOrEqual(OPERATOR_TIMEOUT_MS - 50);
    expect(closing.ms).toBeLessThan(OPERATOR_TIMEOUT_MS + SERVER_CANCEL_MARGIN_MS);
    await holder.query('rollback');
    // The server cancelled it and the transaction rolled back: nothing changed, nothing audited, and
    // the connection, which answered, serves the next operator.
    expect(await store.findAccount('acc-1')).toMatchObject({ status: 'active' });
    expect(await store.listAuditLog()).toEqual([]);
    expect(operatorPool(store)).toMatchObject({ open: 1, idle: 1 });
  });

  it('runs the migrations without the operators’ limit', async () => {
    database = await createTestDatabase('postgres');
    store = await openStore(database.url, { poolSize: 1, timeoutMs: TIMEOUT_MS, operatorTimeoutMs: OPERATOR_TIMEOUT_MS });
    // Another session creating the first migration's table holds that migration until it ends, as a
    // long index build would hold the statement after it.
    holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('create table accounts (held integer)');
    const migrating = store.migrate();
    await expect.poll(() => waitingOnLock(database.url, APPLICATION_NAME.migration), { timeout: 10_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, OPERATOR_TIMEOUT_MS * 3));
    await holder.query('rollback');
    await migrating;
    expect(await store.pendingMigrations()).toEqual([]);
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

  it('expires around a payment a callback holds, without waiting for it; the next run expires it', async () => {
    database = await createTestDatabase('postgres');
    store = await openStore(database.url, { poolSize: 1, timeoutMs: TIMEOUT_MS, operatorTimeoutMs: OPERATOR_TIMEOUT_MS });
    await store.migrate();
    await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
    for (const paymentId of ['p-1', 'p-2', 'p-3']) {
      await store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount: 10000, currency: 'KZT' });
    }
    holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query("select * from payments where payment_id = 'p-2' for update");

    const future = new Date(Date.now() + 60_000);
    const expiry = await timed(() => store.expirePendingPayments(future));
    expect(expiry.outcome).toBe(2);
    expect(expiry.ms).toBeLessThan(OPERATOR_TIMEOUT_MS);
    const statuses = async () => Object.fromEntries((await store.listPayments({})).map((p) => [p.paymentId, p.status]));
    expect(await statuses()).toEqual({ 'p-1': 'expired', 'p-2': 'pending', 'p-3': 'expired' });

    await holder.query('commit');
    expect(await store.expirePendingPayments(future)).toBe(1);
    expect(await statuses()).toEqual({ 'p-1': 'expired', 'p-2': 'expired', 'p-3': 'expired' });
  });
});
