// `npm run load` against two instances sharing one PostgreSQL: every callback is delivered to both
// at once under the load tool, each is credited once, and the balances are exact afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';
import { DEMO_SECRET } from '../support/platform.js';
import { runLoadTool } from '../support/load-tool.js';
import { runCli, startServiceProcess, type ServiceProcess } from '../support/processes.js';

const ACCOUNTS = 20;
const AMOUNT = 10_000;
const PAYMENTS = 2000;

describe.runIf(postgresUrl)('npm run load on two instances sharing one PostgreSQL', () => {
  let database: TestDatabase;
  let instances: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { DATABASE_URL: database.url, KASSA24_PROJECTS: JSON.stringify({ 1234: DEMO_SECRET }), MIGRATE_ON_START: 'false' };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    const store = await openStore(database.url);
    for (let i = 1; i <= ACCOUNTS; i++) await store.addAccount({ customerId: `load-account-${i}`, currency: 'KZT' });
    await store.close();
    instances = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await database?.drop();
  });

  it('takes every callback on both at once: each payment credited once, every balance exact', async () => {
    const run = await runLoadTool([
      ...instances.flatMap((i) => ['--url', i.url]),
      '--accounts',
      String(ACCOUNTS),
      '--op',
      'callback',
      '--payments',
      String(PAYMENTS),
      '--warmup',
      '0',
      '--connections',
      '10',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('callback: 10 connections to each of 2 instances');
    const tally = /callback answers over the 2 instances: (\d+) credited, (\d+) duplicate/.exec(run.stdout);
    expect(tally, run.stdout).not.toBeNull();
    // Each callback went to both instances at once: one credited it, the other found it stored.
    expect([Number(tally![1]), Number(tally![2])]).toEqual([PAYMENTS, PAYMENTS]);

    const store: Store = await openStore(database.url);
    try {
      expect(await store.listPayments({ status: 'pending' })).toEqual([]);
      expect(await store.listPayments({ status: 'success' })).toHaveLength(PAYMENTS);
      let balances = 0;
      for (let i = 1; i <= ACCOUNTS; i++) balances += (await store.findAccount(`load-account-${i}`))!.balance;
      expect(balances).toBe(PAYMENTS * AMOUNT);
      const callbacks = await store.listCallbacks({});
      expect(callbacks).toHaveLength(PAYMENTS);
      expect(new Set(callbacks.map((c) => c.paymentId)).size).toBe(PAYMENTS);
      expect(callbacks.every((c) => c.result === 'credited' && c.deliveries === 2)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
