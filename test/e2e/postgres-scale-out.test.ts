// PostgreSQL deployments: several instances on one database, and a database that goes away and
// comes back while the service keeps running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackBody, checkDepositRequest, DEMO_SECRET, post, signed } from '../support/platform.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';
import type { showAccount } from '../../src/cli/store-commands.js';
import { runCli, startServiceProcess, type ServiceProcess } from '../support/processes.js';

type ShownAccount = Awaited<ReturnType<typeof showAccount>>;
import type { StoreOptions } from '../../src/store/open-store.js';
import { startService } from '../support/service.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const PROJECTS = JSON.stringify({ 1234: DEMO_SECRET });

describe.runIf(postgresUrl)('two instances sharing one PostgreSQL', () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let instances: ServiceProcess[] = [];

  const cli = async (...args: string[]) => {
    const result = await runCli(args, env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout;
  };
  const balance = async (customerId: string) => (JSON.parse(await cli('accounts', 'show', customerId)) as ShownAccount).balance;
  const instance = (i: number) => instances[i % instances.length]!.url;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    env = { DATABASE_URL: database.url, KASSA24_PROJECTS: PROJECTS, MIGRATE_ON_START: 'false', DATABASE_POOL_SIZE: '5' };
    // Migrations run once, before the instances, which are told not to.
    await runCli(['migrate'], env);
    await cli('accounts', 'add', '--customer-id', 'shared', '--currency', 'KZT');
    instances = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop('SIGKILL')));
    await database?.drop();
  });

  it('one callback delivered 50 times concurrently across both instances credits once', async () => {
    const { body } = await post(instance(0), '/terminal', signed(checkDepositRequest('shared', 10000)));
    const callback = signed(callbackBody(body.payment_id!, 10000));
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(instance(i), '/callback', callback)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(answers.filter((a) => a.body.result === 'credited')).toHaveLength(1);
    expect(answers.filter((a) => a.body.result === 'duplicate')).toHaveLength(49);
    expect(await balance('shared')).toBe(10000);
  });

  it('different bodies for one payment racing across instances credit once', async () => {
    const { body } = await post(instance(1), '/terminal', signed(checkDepositRequest('shared', 500)));
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const variant = callbackBody(body.payment_id!, 500);
        return post(instance(i), '/callback', signed({ ...variant, operation: { ...variant.operation, id: 1000 + i } }));
      }),
    );
    expect(answers.filter((a) => a.body.result === 'credited')).toHaveLength(1);
    expect(await balance('shared')).toBe(10500);
  });

  it('concurrent check_deposit across both never share a payment_id', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post(instance(i), '/terminal', signed(checkDepositRequest('shared', 100)))),
    );
    expect(answers.every((a) => a.body.code === 0)).toBe(true);
    expect(new Set(answers.map((a) => a.body.payment_id)).size).toBe(60);
  });
});

describe.runIf(postgresUrl)('losing PostgreSQL mid-traffic', () => {
  /**
   * The service on a database of its own reached through a proxy the test controls, with `count`
   * deposits opened and their success callbacks signed, ready to deliver.
   */
  async function behindProxy(count: number, storeOptions?: StoreOptions) {
    const database = await createTestDatabase('postgres');
    const target = new URL(database.url);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const service = await startService({
      databaseUrl: viaProxy.toString(),
      accounts: [{ customerId: 'acc', currency: 'KZT' }],
      ...(storeOptions && { storeOptions }),
    });
    const payments = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('acc', 100 + i)));
        return { id: body.payment_id as string, amount: 100 + i };
      }),
    );
    return {
      proxy,
      service,
      callbacks: payments.map((p) => signed(callbackBody(p.id, p.amount))),
      total: payments.reduce((sum, p) => sum + p.amount, 0),
      close: async () => {
        await service.close();
        await proxy.close();
        await database.drop();
      },
    };
  }

  /** What the platform and the load balancer are answered while the database is unavailable. */
  async function expectUnavailable(url: string, callback: object) {
    expect((await post(url, '/callback', callback)).status).toBe(503);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await post(url, '/terminal', signed(checkDepositRequest('acc', 100)))).body).toEqual({
      code: 500,
      error_description: 'temporarily unavailable, please retry',
    });
  }

  it('answers non-200 and not-ready while it is gone, and applies redeliveries once when it is back', async () => {
    const { proxy, service, callbacks, total, close } = await behindProxy(30);
    try {
      // Deliver all of them, cutting the database while they are in flight.
      const inFlight = callbacks.map((c) => post(service.url, '/callback', c));
      await proxy.cut();
      const first = await Promise.all(inFlight);
      expect(first.every((a) => a.status === 200 || a.status === 503)).toBe(true);

      await expectUnavailable(service.url, callbacks[0]!);

      await proxy.restore();
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
      // The platform redelivers everything not answered 200 — and, to be hard on it, the rest too.
      const second = await Promise.all(callbacks.map((c) => post(service.url, '/callback', c)));
      expect(second.every((a) => a.status === 200)).toBe(true);
      const credited = [...first, ...second].filter((a) => a.status === 200 && a.body.result === 'credited');
      expect(credited).toHaveLength(30);
      expect((await service.store.findAccount('acc'))?.balance).toBe(total);
    } finally {
      await close();
    }
  });

  it('answers within its timeout while the database is silent (a vanished host), and applies redeliveries once after', async () => {
    const timeoutMs = 500;
    const { proxy, service, callbacks, total, close } = await behindProxy(20, { poolSize: 4, timeoutMs });
    try {
      // The database goes silent with the callbacks in flight: no reset, no refusal, no answer.
      const started = performance.now();
      const inFlight = callbacks.map((c) => post(service.url, '/callback', c));
      proxy.freeze();
      const first = await Promise.all(inFlight);
      expect(first.every((a) => a.status === 200 || a.status === 503)).toBe(true);
      await expectUnavailable(service.url, callbacks[0]!);
      // Each answer waited at most for a connection and a statement, never for the database.
      expect(performance.now() - started).toBeLessThan(timeoutMs * 10);

      proxy.thaw();
      await expect.poll(async () => (await fetch(`${service.url}/readyz`)).status, { timeout: 10_000 }).toBe(200);
      const second = await Promise.all(callbacks.map((c) => post(service.url, '/callback', c)));
      expect(second.every((a) => a.status === 200 && ['credited', 'duplicate'].includes(a.body.result!))).toBe(true);
      // What was held in the silence may have reached the database at the thaw: either way, once.
      expect((await service.store.findAccount('acc'))?.balance).toBe(total);
      expect(await (await service.store.operatorReads()).ledgerCheck()).toMatchObject({ credits: 20, broken: [] });
    } finally {
      await close();
    }
  });
});
