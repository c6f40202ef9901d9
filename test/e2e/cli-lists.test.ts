// The CLI's lists at a length no one reads in one go: every payment printed once, oldest first,
// read from the store a slice at a time; and a reader that stops early (`| head -1`) ends the
// command quietly, with success.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentJson } from '../../src/cli/store-commands.js';
import { SLICE_LENGTH } from '../../src/store/read-in-slices.js';
import { backends, createTestDatabase, withStoreAt, type TestDatabase } from '../support/databases.js';
import { runCli, runCliReadingOneLine } from '../support/processes.js';

const PAYMENTS = 2 * SLICE_LENGTH + 345;

describe.each(backends())('CLI lists on %s', (backend) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let adjustmentId: number;
  const settledAt = new Date(Date.now() + 60_000);
  const cliLines = async (...args: string[]) => {
    const run = await runCli(args, env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
  };

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    env = { DATABASE_URL: database.url };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    await withStoreAt(database.url, async (store) => {
      await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
      for (let from = 0; from < PAYMENTS; from += 100) {
        const batch = Array.from({ length: Math.min(100, PAYMENTS - from) }, (_, i) => `pay-${from + i}`);
        await Promise.all(
          batch.map((paymentId) => store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount: 100, currency: 'KZT' })),
        );
      }
      await store.addAccount({ customerId: 'acc-2', currency: 'KZT', additionalCustomerId: 'HF-2' });
      await store.openPayment({ paymentId: 'pay-acc-2', projectId: 5678, customerId: 'acc-2', amount: 500, currency: 'KZT' });
      for (const paymentId of ['pay-7', 'pay-1500', 'pay-2300']) {
        const facts = { projectId: 1234, paymentId, status: 'success', amount: 100, currency: 'KZT' };
        await store.applyCallback({ facts, rawBody: JSON.stringify(facts), headers: {}, receivedAt: settledAt });
      }
      const byHand = await store.addAdjustment({
        customerId: 'acc-2',
        amount: 500,
        reason: 'paid at the counter',
        idempotencyKey: 'by-hand-1',
        actor: 'anna',
        paymentId: 'pay-acc-2',
      });
      if (!('adjustment' in byHand)) throw new Error('not adjusted');
      adjustmentId = byHand.adjustment.id;
    });
  }, 60_000);
  afterAll(() => database?.drop());

  it('prints every payment once, oldest first, as the store lists them', async () => {
    const printed = await cliLines('payments', 'list');
    expect(printed).toHaveLength(PAYMENTS + 1);
    const stored = await withStoreAt(database.url, (store) => store.listPayments({}));
    expect(printed).toEqual(stored.map(paymentJson));
  });

  it('prints every field of a payment and an account, each from its own column', async () => {
    const [paid] = (await cliLines('payments', 'list', '--status', 'success')) as Array<Record<string, unknown>>;
    expect(paid).toEqual({
      payment_id: 'pay-7',
      project_id: 1234,
      customer_id: 'acc-1',
      amount: 100,
      currency: 'KZT',
      status: 'success',
      last_callback_status: 'success',
      settled_by_adjustment: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      updated_at: settledAt.toISOString(),
    });
    expect(await cliLines('payments', 'list', '--customer-id', 'acc-2')).toEqual([
      expect.objectContaining({
        payment_id: 'pay-acc-2',
        project_id: 5678,
        last_callback_status: null,
        settled_by_adjustment: adjustmentId,
      }),
    ]);
    expect(await cliLines('accounts', 'show', 'acc-2')).toEqual([
      { customer_id: 'acc-2', currency: 'KZT', balance: 500, status: 'active', additional_customer_id: 'HF-2' },
    ]);
  });

  it('prints only what its filters name, as the store filters it', async () => {
    const stored = await withStoreAt(database.url, (store) => store.listPayments({}));
    expect(await cliLines('payments', 'list', '--status', 'success')).toEqual(
      stored.filter((p) => p.status === 'success').map(paymentJson),
    );
    expect(await cliLines('payments', 'list', '--customer-id', 'acc-2')).toEqual(
      stored.filter((p) => p.customerId === 'acc-2').map(paymentJson),
    );
    expect(await cliLines('payments', 'list', '--customer-id', 'acc-1', '--status', 'pending')).toHaveLength(PAYMENTS - 3);
    const callbacks = await cliLines('callbacks', 'list', '--payment-id', 'pay-1500');
    expect(callbacks).toEqual([expect.objectContaining({ payment_id: 'pay-1500', result: 'credited' })]);
  });

  it('ends quietly and successfully when its reader stops after the first line', async () => {
    const run = await runCliReadingOneLine(['payments', 'list'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.line)).toMatchObject({ customer_id: 'acc-1', amount: 100 });
  });
});
