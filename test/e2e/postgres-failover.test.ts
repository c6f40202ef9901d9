// A PostgreSQL primary that goes down hard and comes back while callbacks are arriving, as in a
// failover: the service answers 503 meanwhile (never 200 for something it did not store, never a
// wrong answer), the platform redelivers what was not answered 200, and afterwards every payment is
// credited once and every balance is exact. The server is the test's own (private-postgres.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/databases.js';
import { callbackBody, checkDepositRequest, post, signed } from '../support/platform.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { startService, type TestService } from '../support/service.js';

const ACCOUNTS = 8;
const PAYMENTS = 240;
const IN_FLIGHT = 16;
const account = (i: number) => `failover-${i % ACCOUNTS}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(postgresUrl)('a PostgreSQL primary restarted under load', () => {
  let server: PrivatePostgres;
  let service: TestService;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    service = await startService({
      databaseUrl: server.url,
      accounts: Array.from({ length: ACCOUNTS }, (_, i) => ({ customerId: account(i), currency: 'KZT' })),
    });
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    await server?.remove();
  });

  it('answers 503 while it is down; every acknowledged callback is stored and every balance exact', async () => {
    const payments: Array<{ id: string; customerId: string; amount: number }> = [];
    for (let i = 0; i < PAYMENTS; i++) {
      const amount = 1000 + i;
      const { body } = await post(service.url, '/terminal', signed(checkDepositRequest(account(i), amount)));
      payments.push({ id: body.payment_id!, customerId: account(i), amount });
    }

    // The platform's side: each callback is delivered until it is answered 200.
    const statuses = new Map<number, number>();
    const firstAcknowledged = new Map<string, string>();
    let next = 0;
    let crashed: Promise<void> | undefined;
    const deliverAll = async () => {
      for (let i = next++; i < payments.length; i = next++) {
        const { id, amount } = payments[i]!;
        const callback = signed(callbackBody(id, amount));
        for (;;) {
          const answer = await post(service.url, '/callback', callback);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 200) {
            firstAcknowledged.set(id, String(answer.body.result));
            break;
          }
          await sleep(20);
        }
        // A third of the way in, the primary goes down for a second and comes back.
        if (firstAcknowledged.size === Math.floor(PAYMENTS / 3) && !crashed) {
          crashed = server.crash().then(async () => {
            await sleep(1000);
            await server.start();
          });
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, deliverAll));
    await crashed;

    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    expect(firstAcknowledged.size).toBe(PAYMENTS);
    // A callback stored whose answer the outage swallowed comes back as a duplicate: still once.
    expect([...firstAcknowledged.values()].every((r) => r === 'credited' || r === 'duplicate')).toBe(true);

    for (let i = 0; i < ACCOUNTS; i++) {
      const expected = payments.filter((p) => p.customerId === account(i)).reduce((sum, p) => sum + p.amount, 0);
      expect((await service.store.findAccount(account(i)))?.balance, account(i)).toBe(expected);
    }
    const settled = await service.store.listPayments({ status: 'success' });
    expect(settled).toHaveLength(PAYMENTS);

    // Everything delivered once more, as a platform unsure of its answers would: nothing moves.
    const again = await Promise.all(payments.map((p) => post(service.url, '/callback', signed(callbackBody(p.id, p.amount)))));
    expect(again.every((a) => a.status === 200 && a.body.result === 'duplicate')).toBe(true);
    expect((await service.store.findAccount(account(0)))?.balance).toBe(
      payments.filter((p) => p.customerId === account(0)).reduce((sum, p) => sum + p.amount, 0),
    );
  }, 120_000);
});
