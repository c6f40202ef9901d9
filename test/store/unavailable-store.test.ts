// A store that cannot serve says so with StoreUnavailableError (answered 503, redelivered by the
// platform), whatever the driver's own failure was; a failure of the query itself is not that.
import { createServer } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { DriverBoundary } from '../../src/store/postgres/driver-boundary.js';
import { StoreUnavailableError, type Store } from '../../src/store/store.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';

const callback = {
  facts: { projectId: 1234, paymentId: 'p-1', status: 'success', amount: 100, currency: 'KZT' },
  rawBody: '{}',
  headers: {},
  receivedAt: new Date(),
};

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

describe('a closed SQLite store', () => {
  it('answers reads and writes with StoreUnavailableError', async () => {
    database = await createTestDatabase('sqlite');
    for (const url of [database.url, 'sqlite::memory:']) {
      const store = await openStore(url);
      await store.migrate();
      await store.close();
      await expect(store.findAccount('acc-1')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.applyCallback(callback)).rejects.toBeInstanceOf(StoreUnavailableError);
    }
  });
});

describe('PostgreSQL that cannot be reached', () => {
  it('answers reads and writes with StoreUnavailableError', async () => {
    const store: Store = await openStore(`postgres://postgres@127.0.0.1:${await closedPort()}/test`);
    try {
      await expect(store.findAccount('acc-1')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(
        store.openPayment({ paymentId: 'p-1', projectId: 1234, customerId: 'acc-1', amount: 100, currency: 'KZT' }),
      ).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.applyCallback(callback)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.listPayments({})).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});

describe.runIf(postgresUrl)('a PostgreSQL connection through the driver boundary', () => {
  it('is unavailable once the server has ended it; the server refusing a query is the query failing', async () => {
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const driver = new DriverBoundary(pool);
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      const refused = await driver.query({ text: 'select 1 / 0' }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(pg.DatabaseError);
      expect(refused).toMatchObject({ code: '22012' });

      const client = await driver.connect();
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      const inFlight = client.query('select pg_sleep(30)').catch((error: unknown) => error);
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      // The server says why it ends the connection (SQLSTATE 57P01, which the store reads as
      // unavailable); what is asked of the connection afterwards has no server to answer it.
      expect(await inFlight).toMatchObject({ code: '57P01' });
      const afterwards = await client.query('select 1').catch((error: unknown) => error);
      client.release(true);
      expect(afterwards).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await admin.end();
      await driver.end();
    }
  });
});
