// A scripted platform run against the service as a user runs it: its own DATABASE_URL and
// KASSA24_PROJECTS, accounts seeded with the CLI, balances read back with the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { callbackBody, checkDepositRequest, post, signed, verifyRequest } from '../support/platform.js';
import type { expirePayments, listPayments, showAccount } from '../../src/cli/store-commands.js';
import { runCli, startServiceProcess, type ListedLine, type ServiceProcess } from '../support/processes.js';

// What the CLI prints, typed by the commands that print it.
type ShownAccount = Awaited<ReturnType<typeof showAccount>>;
type ListedPayment = ListedLine<typeof listPayments>;
type Expiry = Awaited<ReturnType<typeof expirePayments>>;

const PROJECT = 5001;
const SECRET = 'e2e-current-key';

describe.each(backends())('scripted platform run on %s', (backend) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let service: ServiceProcess;

  const cli = async (...args: string[]) => {
    const result = await runCli(args, env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout;
  };
  const show = async (customerId: string) => JSON.parse(await cli('accounts', 'show', customerId)) as ShownAccount;
  const terminal = async (body: object, secret = SECRET) => (await post(service.url, '/terminal', signed(body, secret))).body;
  const callback = (body: object, secret = SECRET) => post(service.url, '/callback', signed(body, secret));

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    env = {
      DATABASE_URL: database.url,
      KASSA24_PROJECTS: JSON.stringify({ [PROJECT]: { secrets: [SECRET, 'e2e-previous-key'], min_amount: 100, max_amount: 10_000_000 } }),
      // The service's own expiry and ledger check run throughout, and must stop with it.
      PAYMENT_EXPIRY_INTERVAL: '1s',
      LEDGER_CHECK_INTERVAL: '1s',
    };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    await cli('accounts', 'add', '--customer-id', 'alice', '--currency', 'KZT', '--additional-id', 'A-1');
    await cli('accounts', 'add', '--customer-id', 'bob', '--currency', 'KZT');
    service = await startServiceProcess(env);
  }, 60_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await database?.drop();
  });

  describe('the platform', () => {
    it('answers every request exactly and ends with exact balances', async () => {
      expect(await terminal(checkDepositRequest('alice', 10000, PROJECT))).toMatchObject({ code: 0 });
      expect(await terminal(verifyRequest('alice', PROJECT))).toEqual({ code: 0, currency: 'KZT', additional_customer_id: 'A-1' });
      expect(await terminal(verifyRequest('bob', PROJECT), 'e2e-previous-key')).toEqual({ code: 0, currency: 'KZT' });
      expect(await terminal(verifyRequest('carol', PROJECT))).toEqual({ code: 404, error_description: 'Account does not exist' });
      expect(await terminal(checkDepositRequest('alice', 50, PROJECT))).toEqual({
        code: 500,
        error_description: `amount 50 is below the minimum 100 for project ${PROJECT}`,
      });

      const deposit = async (customerId: string, amount: number) =>
        (await terminal(checkDepositRequest(customerId, amount, PROJECT))).payment_id as string;
      const paid = await deposit('alice', 150000);
      const declined = await deposit('alice', 70000);
      const concurrent = await deposit('bob', 2500);
      const mismatched = await deposit('bob', 9900);

      expect((await callback(callbackBody(paid, 150000, 'success', PROJECT))).body.result).toBe('credited');
      expect((await callback(callbackBody(paid, 150000, 'success', PROJECT))).body.result).toBe('duplicate');
      expect((await callback(callbackBody(declined, 70000, 'decline', PROJECT))).body.result).toBe('failed');
      const burst = await Promise.all(Array.from({ length: 25 }, () => callback(callbackBody(concurrent, 2500, 'success', PROJECT))));
      expect(burst.map((a) => a.status)).toEqual(Array(25).fill(200));
      expect(burst.filter((a) => a.body.result === 'credited')).toHaveLength(1);
      expect((await callback(callbackBody(mismatched, 99000, 'success', PROJECT))).body.result).toBe('flagged');
      expect((await callback(callbackBody('never-issued', 1000, 'success', PROJECT))).body.result).toBe('flagged');
      const tampered = { ...signed(callbackBody(declined, 70000, 'success', PROJECT), SECRET), project_id: PROJECT };
      tampered.payment = { ...tampered.payment, sum: { amount: 70001, currency: 'KZT' } };
      expect((await post(service.url, '/callback', tampered)).status).toBe(403);

      expect(await show('alice')).toEqual({
        customer_id: 'alice',
        currency: 'KZT',
        balance: 150000,
        status: 'active',
        additional_customer_id: 'A-1',
      });
      expect(await show('bob')).toEqual({
        customer_id: 'bob',
        currency: 'KZT',
        balance: 2500,
        status: 'active',
        additional_customer_id: null,
      });

      const lines = (await cli('payments', 'list', '--status', 'success'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as ListedPayment);
      expect(lines.map((p) => p.payment_id).sort()).toEqual([paid, concurrent].sort());
      const alice = (await cli('payments', 'list', '--customer-id', 'alice'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as ListedPayment);
      expect(Object.fromEntries(alice.map((p) => [p.payment_id, p.status]))).toEqual({
        [paid]: 'success',
        [declined]: 'failed',
        [alice.find((p) => p.amount === 10000)!.payment_id]: 'pending',
      });

      // The ledger holds, as the service's own check publishes it, and as the CLI proves it.
      const ruleViolations = async () => {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        return text.split('\n').filter((line) => line.startsWith('kassa24_ledger_rule_violations{'));
      };
      await expect
        .poll(ruleViolations, { timeout: 5000 })
        .toEqual([
          'kassa24_ledger_rule_violations{rule="balance_off"} 0',
          'kassa24_ledger_rule_violations{rule="credit_off_payment"} 0',
          'kassa24_ledger_rule_violations{rule="success_uncredited"} 0',
          'kassa24_ledger_rule_violations{rule="credited_and_settled"} 0',
          'kassa24_ledger_rule_violations{rule="settled_elsewhere"} 0',
        ]);
      expect(JSON.parse(await cli('ledger', 'check'))).toMatchObject({ accounts: 2, credits: 2, balances_total: 152500, broken: [] });
    });

    it('payments expire leaves recent pending payments alone and says what it did', async () => {
      const result = JSON.parse(await cli('payments', 'expire')) as Expiry;
      expect(result).toEqual({ expired: 0, created_before: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown });
      expect(Date.now() - Date.parse(result.created_before)).toBeGreaterThan(35 * 86_400_000);
    });

    it('closing an account with the CLI makes verify answer 404', async () => {
      const closing = await runCli(['accounts', 'close', 'bob'], env);
      expect(closing.code).toBe(0);
      // The mismatched deposit's callback was flagged, not applied: it is still pending, and counted.
      expect(closing.stderr).toMatch(/^1 payment opened on bob is still pending: each success still credits the account/);
      expect(await terminal(verifyRequest('bob', PROJECT))).toEqual({
        code: 404,
        error_description: 'Account does not exist: bob is closed',
      });
    });

    it('shuts down gracefully on SIGTERM', async () => {
      expect(await service.stop('SIGTERM')).toBe(0);
      expect(service.output()).toContain('"msg":"stopped"');
      // Everything the process wrote during the whole run: no secret of the project in it.
      for (const secret of [SECRET, 'e2e-previous-key']) expect(service.output()).not.toContain(secret);
    });
  });
});

describe('start-up safety', () => {
  it('refuses to start in production without real secrets', async () => {
    await expect(startServiceProcess({ NODE_ENV: 'production', KASSA24_PROJECTS: '', DATABASE_URL: 'sqlite::memory:' })).rejects.toThrow(
      /exited with 2[\s\S]*set KASSA24_PROJECTS/,
    );
  });
});

describe('sign CLI', () => {
  it('prints the signature, or with --stamp the joined string, of the object on stdin', async () => {
    const body = '{"type":"verify","customer_id":"7123456789","project_id":1234,"signature":"ignored"}';
    const env = {};
    expect((await runCli(['sign', '--secret', 'kassa24-demo-secret'], env, body)).stdout).toBe(
      '0lvNaRTa54GLdwDfGlgDWV1BP860AZLVAbKNw4Rr9IYGxbL1ksCV0rsP7/tllftFPPAnNJIwmiSL+pwzLb/Dwg==\n',
    );
    expect((await runCli(['sign', '--stamp'], env, body)).stdout).toBe('customer_id:7123456789;project_id:1234;type:verify\n');
    expect((await runCli(['sign', '--secret', 'k'], env, '{"id": 123456789012345678}')).stdout).toBe(
      `${(await import('../../src/protocol/signature/signature.js')).signStamp('id:123456789012345678', 'k')}\n`,
    );
    const bad = await runCli(['sign', '--secret', 'k'], env, 'not json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/stdin is not valid JSON/);
  });
});
