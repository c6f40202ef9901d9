// A transaction left open anywhere on the PostgreSQL server holds the ledger feed back: its reader
// sees nothing new and cannot tell why. /metrics shows the entries waiting and the oldest's age.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresUrl } from '../support/databases.js';
import { callbackBody, checkDepositRequest, post, signed } from '../support/platform.js';
import { startService, type TestService } from '../support/service.js';

/** The held-back figures of a scrape of `service`. */
async function heldBack(service: TestService): Promise<{ entries: number; seconds: number }> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return { entries: value('kassa24_ledger_feed_held_back_entries'), seconds: value('kassa24_ledger_feed_held_back_seconds') };
}

async function credit(service: TestService, customerId: string, amount: number): Promise<void> {
  const { body } = await post(service.url, '/terminal', signed(checkDepositRequest(customerId, amount)));
  const answer = await post(service.url, '/callback', signed(callbackBody(body.payment_id!, amount)));
  expect(answer.body).toMatchObject({ code: 0, result: 'credited' });
}

describe('the ledger feed held back, on /metrics', () => {
  let service: TestService | undefined;
  let holder: pg.Client | undefined;
  afterEach(async () => {
    await holder?.end();
    await service?.close();
  });

  it.runIf(postgresUrl)('PostgreSQL: counts the credits an open transaction holds back, and their age, until it ends', async () => {
    service = await startService({ backend: 'postgres', accounts: [{ customerId: 'acc-1', currency: 'KZT' }] });
    // A session of another program begins writing and stays open: it has taken a transaction id.
    holder = new pg.Client({ connectionString: service.databaseUrl });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select pg_current_xact_id()');

    await credit(service, 'acc-1', 10000);
    await credit(service, 'acc-1', 2500);
    const first = await heldBack(service);
    expect(first.entries).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = await heldBack(service);
    expect(later.entries).toBe(2);
    expect(later.seconds).toBeGreaterThanOrEqual(first.seconds + 1);

    await holder.query('commit');
    // Other test files write meanwhile on the same server: their transactions hold it a moment.
    await expect.poll(() => heldBack(service!), { timeout: 10_000 }).toEqual({ entries: 0, seconds: 0 });
  });

  it('SQLite: holds nothing back (one writer commits in id order)', async () => {
    service = await startService({ accounts: [{ customerId: 'acc-1', currency: 'KZT' }] });
    await credit(service, 'acc-1', 10000);
    expect(await heldBack(service)).toEqual({ entries: 0, seconds: 0 });
  });
});
