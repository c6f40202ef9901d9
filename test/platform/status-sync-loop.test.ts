// The service's own payments sync (STATUS_SYNC_INTERVAL): it settles a lost payment by itself, and
// stops cleanly, waiting for a run in progress.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { gateClient } from '../../src/platform/gate-client.js';
import { startStatusSyncLoop } from '../../src/platform/status-sync-loop.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { parseProjects } from '../../src/config.js';

describe('STATUS_SYNC_INTERVAL: the service syncs by itself', () => {
  let database: TestDatabase;
  let store: Store;
  let platform: FakePlatform;
  const logs: string[] = [];
  const logger = createLogger({
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
    level: 'info',
  });

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    store = await openStore(database.url);
    await store.migrate();
    await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
    await store.openPayment({ paymentId: 'lost', projectId: 1234, customerId: 'acc-1', amount: 7000, currency: 'KZT' });
    platform = await startFakePlatform({ 1234: 'secret' });
    platform.payments.set('lost', { projectId: 1234, status: 'success', amount: 7000, currency: 'KZT' });
  });
  afterEach(async () => {
    await platform.close();
    await store.close();
    await database.drop();
  });

  it('credits a lost payment at the next interval, once, and stops', async () => {
    const loop = startStatusSyncLoop(
      {
        store,
        gate: gateClient(platform.url),
        projects: parseProjects(JSON.stringify({ 1234: 'secret' })),
        olderThanMs: 0,
        limit: 100,
        ratePerSecond: 100,
        retry: { attempts: 2, firstPauseMs: 10 },
      },
      50,
      logger,
    );
    await expect.poll(async () => (await store.findAccount('acc-1'))?.balance, { timeout: 5000 }).toBe(7000);
    // Later runs find nothing pending: nothing is asked again.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await loop.stop();
    expect(platform.requests.get('lost')).toBe(1);
    logger.flush();
    await expect.poll(() => logs.join('')).toContain('payments sync: pending payments asked about at the Gate');
  });
});
