// kill -9 in the middle of concurrent callback traffic, restart, redeliver what was not answered 200
// (as the platform does): nothing acknowledged is lost, nothing is credited twice, nothing is left
// half-applied. Runs with group commit on, as the service always does on SQLite.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { callbackBody, checkDepositRequest, DEMO_SECRET, post, signed } from '../support/platform.js';
import { startServiceProcess, type ServiceProcess } from '../support/processes.js';

const ACCOUNTS = 10;
const PAYMENTS = 120;
let database: TestDatabase;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  database = await createTestDatabase('sqlite');
  env = { DATABASE_URL: database.url, KASSA24_PROJECTS: JSON.stringify({ 1234: DEMO_SECRET }) };
  const store = await openStore(database.url);
  await store.migrate();
  for (let i = 0; i < ACCOUNTS; i++) await store.addAccount({ customerId: `crash-${i}`, currency: 'KZT' });
  await store.close();
});
afterAll(() => database.drop());

describe('crash in the middle of callback traffic', () => {
  it('loses nothing acknowledged and credits every successful payment exactly once', async () => {
    let service: ServiceProcess = await startServiceProcess(env);
    const payments: Array<{ id: string; customerId: string; amount: number; status: string }> = [];
    for (let i = 0; i < PAYMENTS; i++) {
      const customerId = `crash-${i % ACCOUNTS}`;
      const amount = 100 + i;
      const { body } = await post(service.url, '/terminal', signed(checkDepositRequest(customerId, amount)));
      expect(body.code).toBe(0);
      payments.push({ id: body.payment_id!, customerId, amount, status: i % 5 === 0 ? 'decline' : 'success' });
    }
    // Every callback twice or three times, shuffled: a few hundred deliveries.
    const bodies = payments.map((p) => JSON.stringify(signed(callbackBody(p.id, p.amount, p.status))));
    const deliveries = [...bodies, ...bodies, ...bodies.filter((_, i) => i % 2 === 0)].sort(() => Math.random() - 0.5);

    const acknowledged = new Set<string>();
    let answered = 0;
    let next = 0;
    const killAfter = Math.floor(deliveries.length / 3);
    // Twenty platform senders at once, each delivering one callback after another: the kill lands
    // with deliveries in flight and most not yet sent. (All of them at once, the service could
    // answer every one in a single batch before the kill was even sent.)
    const sender = async () => {
      while (next < deliveries.length) {
        const body = deliveries[next++]!;
        try {
          const answer = await post(service.url, '/callback', body);
          if (answer.status === 200) acknowledged.add(body);
        } catch {
          // The process is gone: the platform redelivers later.
        }
        if (++answered === killAfter) service.child.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 20 }, sender));
    await service.stop('SIGKILL');
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(acknowledged.size).toBeLessThan(bodies.length);

    service = await startServiceProcess(env);
    try {
      // The platform redelivers what was not answered 200, until it is.
      for (const body of bodies.filter((b) => !acknowledged.has(b))) {
        const answer = await post(service.url, '/callback', body);
        expect(answer.status).toBe(200);
      }
    } finally {
      await service.stop();
    }

    const db = new Database(database.url.slice('sqlite:'.length), { readonly: true });
    try {
      const stored = new Set(
        (db.prepare('select body_sha256 from callbacks').all() as Array<{ body_sha256: string }>).map((r) => r.body_sha256),
      );
      for (const body of acknowledged) expect(stored.has(createHash('sha256').update(body).digest('hex'))).toBe(true);

      const rows = db
        .prepare(
          `select p.payment_id, p.status, p.amount, count(l.id) as credits
             from payments p left join ledger_entries l on l.payment_id = p.payment_id group by p.payment_id`,
        )
        .all() as Array<{ payment_id: string; status: string; amount: number; credits: number }>;
      const byId = new Map(rows.map((r) => [r.payment_id, r]));
      for (const payment of payments) {
        const row = byId.get(payment.id)!;
        // Every payment reached its final state, and success and credit always go together.
        expect(row.status).toBe(payment.status === 'success' ? 'success' : 'failed');
        expect(row.credits).toBe(payment.status === 'success' ? 1 : 0);
      }
      const balances = db.prepare('select customer_id, balance from accounts').all() as Array<{ customer_id: string; balance: number }>;
      for (const { customer_id, balance } of balances) {
        const expected = payments
          .filter((p) => p.customerId === customer_id && p.status === 'success')
          .reduce((sum, p) => sum + p.amount, 0);
        expect(balance).toBe(expected);
      }
      const ledgerTotal = db.prepare('select coalesce(sum(amount), 0) as total from ledger_entries').get() as { total: number };
      expect(ledgerTotal.total).toBe(balances.reduce((sum, b) => sum + b.balance, 0));
    } finally {
      db.close();
    }
  }, 90_000);
});
