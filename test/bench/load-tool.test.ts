// `npm run load`, the independent load run against a running service: it issues the payments its
// callbacks settle, sends them signed in turns with a Koa echo for the ratio the bench reports,
// checks every answer, and the ledger must show each payment credited once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREPARED_CALLBACKS_PER_SECOND } from '../../scripts/bench/bodies.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { DEMO_SECRET } from '../support/platform.js';
import { runLoadTool } from '../support/load-tool.js';
import { startServiceProcess, type ServiceProcess } from '../support/processes.js';

const ACCOUNTS = 20;
const AMOUNT = 10_000;

let database: TestDatabase;
let service: ServiceProcess;

beforeAll(async () => {
  database = await createTestDatabase('sqlite');
  const store = await openStore(database.url);
  await store.migrate();
  for (let i = 1; i <= ACCOUNTS; i++) await store.addAccount({ customerId: `load-account-${i}`, currency: 'KZT' });
  await store.close();
  service = await startServiceProcess({ DATABASE_URL: database.url, KASSA24_PROJECTS: JSON.stringify({ 1234: DEMO_SECRET }) });
}, 30_000);

afterAll(async () => {
  await service?.stop();
  await database?.drop();
});

describe('npm run load', () => {
  it('issues payments, settles them with signed callbacks, every answer right, and each payment is credited once', async () => {
    const run = await runLoadTool([
      '--url',
      service.url,
      '--accounts',
      String(ACCOUNTS),
      '--op',
      'callback',
      '--duration',
      '1',
      '--warmup',
      '0',
      '--connections',
      '10',
      '--koa-reference',
      '--rounds',
      '2',
    ]);
    // --duration 1 and no warm-up: one second's worth.
    expect(run.stderr).toContain(`issuing ${PREPARED_CALLBACKS_PER_SECOND} payments`);
    expect(run.stderr).toMatch(/callback: 10 connections, 2 slices of 0.5 s in turns with the Koa echo/);
    expect(run.code, run.stderr).toBe(0);
    // req/s, p50, p99, errors, then the ratio to the Koa echo measured in turns with it.
    const row = /^callback\s+(\d+)\s+[\d.]+\s+[\d.]+\s+(\d+)\s+(\d+\.\d\d)\s/m.exec(run.stdout);
    expect(row, run.stdout).not.toBeNull();
    expect(Number(row![1])).toBeGreaterThan(0);
    expect(Number(row![2])).toBe(0);
    expect(Number(row![3])).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/^koa echo \(callback\)\s+[1-9]\d*\s+[\d.]+\s+[\d.]+\s+0\s/m);

    const store = await openStore(database.url);
    try {
      const payments = await store.listPayments({});
      expect(payments).toHaveLength(PREPARED_CALLBACKS_PER_SECOND);
      const credited = payments.filter((p) => p.status === 'success');
      expect(credited.length).toBeGreaterThan(0);
      let balances = 0;
      for (let i = 1; i <= ACCOUNTS; i++) balances += (await store.findAccount(`load-account-${i}`))!.balance;
      expect(balances).toBe(credited.length * AMOUNT);
      const callbacks = await store.listCallbacks({});
      expect(callbacks.every((c) => c.result === 'credited')).toBe(true);
      expect(new Set(callbacks.map((c) => c.paymentId)).size).toBe(callbacks.length);
      expect(callbacks).toHaveLength(credited.length);
    } finally {
      await store.close();
    }
  }, 120_000);
});
