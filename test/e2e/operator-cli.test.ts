// The review story from the command line: a callback whose amount differs from its deposit is
// flagged; the operator adjusts the balance with a reference to it, closes its review, and the audit
// log shows both. The adjustment sent twice changes the balance once.
import { userInfo } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { addAdjustment, listAuditLog, listJobRuns, reviewCallback } from '../../src/cli/operator-commands.js';
import type { expirePayments, listCallbacks, showAccount } from '../../src/cli/store-commands.js';
import { AdminTokens } from '../../src/admin/admin-tokens.js';
import { openStore } from '../../src/store/open-store.js';
import { backends, createTestDatabase, writePastTheStore, type TestDatabase } from '../support/databases.js';
import { JOB_RUN_AT, reconciliationDoneThenFailed, RECONCILE_FAILURE } from '../support/job-runs.js';
import { runCli, type ListedLine } from '../support/processes.js';

type Printed<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

describe.each(backends())('operator corrections from the CLI on %s', (backend) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const cli = async (...args: string[]) => {
    const run = await runCli(args, env);
    expect(run.stderr, args.join(' ')).toBe('');
    expect(run.code).toBe(0);
    return run.stdout;
  };
  const lines = <T>(text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as T);

  beforeEach(async () => {
    database = await createTestDatabase(backend);
    env = { DATABASE_URL: database.url };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    await cli('accounts', 'add', '--customer-id', 'acc-1', '--currency', 'KZT');
    // A deposit of 100.00 whose callback says 50.00: stored, flagged, nothing credited.
    const store = await openStore(database.url);
    try {
      const opening = await store.openPayment({ paymentId: 'pay-1', projectId: 1234, customerId: 'acc-1', amount: 10000, currency: 'KZT' });
      expect('opened' in opening).toBe(true);
      const facts = { projectId: 1234, paymentId: 'pay-1', status: 'success', amount: 5000, currency: 'KZT' };
      const outcome = await store.applyCallback({ facts, rawBody: JSON.stringify(facts), headers: {}, receivedAt: new Date() });
      expect(outcome.result).toBe('flagged');
    } finally {
      await store.close();
    }
  });
  afterEach(() => database?.drop());

  it('adjusts once with a reference to the flagged callback, closes its review, and audits both', async () => {
    const [flagged] = lines<ListedLine<typeof listCallbacks>>(await cli('callbacks', 'list', '--flagged'));
    expect(flagged).toMatchObject({
      payment_id: 'pay-1',
      review_reason: 'amount mismatch: callback 50.00 KZT (5000 minor units), deposit 100.00 KZT (10000 minor units)',
      reviewed_at: null,
    });

    const adjust = ['adjustments', 'add', '--customer-id', 'acc-1', '--amount', '5000', '--reason', 'paid 50.00 at the terminal'];
    const withKey = [...adjust, '--idempotency-key', 'case-1', '--callback-id', String(flagged!.id), '--actor', 'anna'];
    const first = JSON.parse(await cli(...withKey)) as Printed<typeof addAdjustment>;
    expect(first).toMatchObject({ balance: 5000, replayed: false, adjustment: { amount: 5000, callback_id: flagged!.id, actor: 'anna' } });
    const again = JSON.parse(await cli(...withKey)) as Printed<typeof addAdjustment>;
    expect(again).toEqual({ ...first, replayed: true });
    expect((JSON.parse(await cli('accounts', 'show', 'acc-1')) as Printed<typeof showAccount>).balance).toBe(5000);

    const negative = await runCli([...adjust.slice(0, 4), '--amount=-6000', '--reason', 'x', '--idempotency-key', 'case-2'], env);
    expect(negative.code).toBe(1);
    expect(negative.stderr).toMatch(
      /^refused \(negative_balance\): adjustment of -60.00 KZT \(-6000 minor units\) would make the balance of acc-1 negative: it is \d+\.\d\d KZT/,
    );

    // The adjustment paid the callback's payment by hand: paying that payment again is refused.
    const twice = await runCli([...adjust, '--idempotency-key', 'case-3', '--payment-id', 'pay-1'], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toBe(
      `refused (already_paid): payment pay-1 was paid by hand already (adjustment #${first.adjustment.id}): paying it again would pay it twice\n`,
    );

    const review = JSON.parse(
      await cli('callbacks', 'review', String(flagged!.id), '--note', 'customer paid 50.00; adjusted', '--actor', 'anna'),
    ) as Awaited<ReturnType<typeof reviewCallback>>;
    expect(review).toEqual({
      id: flagged!.id,
      review_reason: flagged!.review_reason,
      reviewed_at: expect.any(String) as unknown,
      reviewed_by: 'anna',
      review_note: 'customer paid 50.00; adjusted',
    });
    const [reviewed] = lines<ListedLine<typeof listCallbacks>>(await cli('callbacks', 'list', '--flagged'));
    expect(reviewed).toMatchObject({ reviewed_by: 'anna', review_note: 'customer paid 50.00; adjusted' });
    expect((await runCli(['callbacks', 'review', String(flagged!.id), '--note', 'again'], env)).code).toBe(1);

    const audit = lines<ListedLine<typeof listAuditLog>>(await cli('audit', 'list'));
    // Without --actor, the operating-system user running the command.
    const user = `cli:${userInfo().username}`;
    expect(audit.map((e) => [e.action, e.outcome, e.actor])).toEqual([
      ['accounts.create', 'done', user],
      ['adjustments.add', 'done', 'anna'],
      ['adjustments.add', 'refused', user],
      ['adjustments.add', 'refused', user],
      ['callbacks.review', 'done', 'anna'],
      ['callbacks.review', 'refused', user],
    ]);
  });

  it('checks the ledger: its rules hold; a balance edited past the store breaks one, named, exit 1', async () => {
    expect(JSON.parse(await cli('ledger', 'check'))).toEqual({
      checked_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      accounts: 1,
      payments: 1,
      credits: 0,
      adjustments: 0,
      balances_total: 0,
      credited_total: 0,
      adjusted_total: 0,
      by_currency: [{ currency: 'KZT', accounts: 1, balances_total: 0, credited_total: 0, adjusted_total: 0 }],
      broken: [],
    });
    await writePastTheStore(database, ["update accounts set balance = 100 where customer_id = 'acc-1'"]);
    const run = await runCli(['ledger', 'check'], env);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      broken: [{ kind: 'balance_off', count: 1, examples: [{ subject: 'acc-1', detail: 'balance 100, credits and adjustments 0' }] }],
    });
    expect(run.stderr).toBe(
      'the ledger breaks its rules:\n1 × an account whose balance is not the sum of its credits and adjustments (balance_off), e.g. acc-1: balance 100, credits and adjustments 0\n',
    );
  });

  it("lists each job's last run, and fails when one failed at its last run (a check for cron)", async () => {
    expect(await cli('jobs', 'list')).toBe('');
    const store = await openStore(database.url);
    try {
      await store.recordJobRun({
        job: 'kassa24-bvu:ledger-check',
        startedAt: JOB_RUN_AT('20'),
        finishedAt: JOB_RUN_AT('21'),
        outcome: 'done',
        error: null,
      });
      expect(lines<Printed<typeof listJobRuns>['lines'][number]>(await cli('jobs', 'list'))).toEqual([
        {
          job: 'kassa24-bvu:ledger-check',
          started_at: JOB_RUN_AT('20'),
          finished_at: JOB_RUN_AT('21'),
          outcome: 'done',
          error: null,
          last_done_at: JOB_RUN_AT('21'),
        },
      ]);
      await reconciliationDoneThenFailed(store);
    } finally {
      await store.close();
    }
    const run = await runCli(['jobs', 'list'], env);
    expect(run.code).toBe(1);
    expect(
      lines<Printed<typeof listJobRuns>['lines'][number]>(run.stdout).map((line) => [
        line.job,
        line.outcome,
        line.error,
        line.last_done_at,
      ]),
    ).toEqual([
      ['kassa24-bvu:ledger-check', 'done', null, JOB_RUN_AT('21')],
      ['kassa24-bvu:reconcile', 'failed', RECONCILE_FAILURE, JOB_RUN_AT('01')],
    ]);
    expect(run.stderr).toBe("failed at its last run: kassa24-bvu:reconcile (each one's error is in its line)\n");
  });

  it('refuses a bad command line or configuration with the reason and writes nothing', async () => {
    const run = await runCli(
      ['adjustments', 'add', '--customer-id', 'acc-1', '--amount', '1.5', '--reason', 'x', '--idempotency-key', 'k'],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--amount takes a whole number');
    const huge = await runCli(
      ['adjustments', 'add', '--customer-id', 'acc-1', '--amount', '99999999999999999999', '--reason', 'x', '--idempotency-key', 'k'],
      env,
    );
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('--amount is beyond ±9007199254740991, the largest whole number kept exactly');
    const noNote = await runCli(['callbacks', 'review', '1'], env);
    expect(noNote).toMatchObject({ code: 2, stdout: '' });
    expect(noNote.stderr).toContain('usage: callbacks review ID --note TEXT');
    const misconfigured = await runCli(['accounts', 'close', 'acc-1'], { ...env, DATABASE_TIMEOUT_MS: '5s' });
    expect(misconfigured).toEqual({
      code: 2,
      stdout: '',
      stderr: 'configuration error: DATABASE_TIMEOUT_MS must be an integer from 100 to 2147483647, got "5s"\n',
    });
    expect(lines<{ action: string }>(await cli('audit', 'list')).map((e) => e.action)).toEqual(['accounts.create']);
  });

  it('refuses a customer id, currency, status or age that breaks its rule, naming the rule, and writes nothing', async () => {
    const refusals = [
      [['accounts', 'add', '--customer-id', 'bad\u0007id', '--currency', 'KZT'], 'customer id "bad\\u0007id" breaks the contract'],
      [['accounts', 'add', '--customer-id', 'acc-2', '--currency', 'KTZ'], 'currency KTZ is not an ISO 4217 currency'],
      [['accounts', 'show', ''], 'customer id "" breaks the contract'],
      [['payments', 'list', '--status', 'paid'], '--status must be one of pending, success, failed, expired'],
      [['payments', 'expire', '--older-than-days', '0'], '--older-than-days must be a whole number of days from 1 to 36500'],
      [['payments', 'expire', '--older-than-days', '999999999'], '--older-than-days must be a whole number of days from 1 to 36500'],
      [['payments', 'expire', '--older-than-days', '1.5'], '--older-than-days takes a whole number'],
      [['payments', 'expire', '--older-than-days', '1e1'], '--older-than-days takes a whole number'],
    ] as const;
    for (const [args, reason] of refusals) {
      const run = await runCli([...args], env);
      expect({ code: run.code, stdout: run.stdout }, args.join(' ')).toEqual({ code: 2, stdout: '' });
      expect(run.stderr, args.join(' ')).toContain(reason);
    }
    expect(lines<{ action: string }>(await cli('audit', 'list')).map((e) => e.action)).toEqual(['accounts.create']);
    expect(lines<{ status: string }>(await cli('payments', 'list')).map((p) => p.status)).toEqual(['pending']);
  });

  it('expires the payments pending longer than --older-than-days, and only those', async () => {
    const store = await openStore(database.url);
    try {
      await store.openPayment({ paymentId: 'pay-new', projectId: 1234, customerId: 'acc-1', amount: 100, currency: 'KZT' });
    } finally {
      await store.close();
    }
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await writePastTheStore(database, [`update payments set created_at = '${threeDaysAgo}' where payment_id = 'pay-1'`]);
    const expiry = JSON.parse(await cli('payments', 'expire', '--older-than-days', '4')) as Printed<typeof expirePayments>;
    expect(expiry.expired).toBe(0);
    expect(Date.now() - Date.parse(expiry.created_before)).toBeGreaterThanOrEqual(4 * 86_400_000);
    expect((JSON.parse(await cli('payments', 'expire', '--older-than-days', '2')) as Printed<typeof expirePayments>).expired).toBe(1);
    const listed = lines<{ payment_id: string; status: string }>(await cli('payments', 'list'));
    expect(listed.map((p) => [p.payment_id, p.status])).toEqual([
      ['pay-1', 'expired'],
      ['pay-new', 'pending'],
    ]);
  });

  it('opens, closes and reopens accounts as audited operator actions, refusals included', async () => {
    const duplicate = await runCli(['accounts', 'add', '--customer-id', 'acc-1', '--currency', 'KZT'], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('account acc-1 already exists');
    const store = await openStore(database.url);
    try {
      for (const paymentId of ['pay-2', 'pay-3'])
        await store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount: 10000, currency: 'KZT' });
    } finally {
      await store.close();
    }
    // pay-1 (its callback flagged, the payment still pending) and the two opened here.
    const closing = await runCli(['accounts', 'close', 'acc-1', '--actor', 'anna'], env);
    expect(closing.code).toBe(0);
    expect(JSON.parse(closing.stdout)).toMatchObject({ customer_id: 'acc-1', status: 'closed' });
    expect(closing.stderr).toBe(
      '3 payments opened on acc-1 are still pending: each success still credits the account and is flagged for review ' +
        '(payments list --customer-id acc-1 --status pending)\n',
    );
    const again = await runCli(['accounts', 'close', 'acc-1'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already closed');
    expect(JSON.parse(await cli('accounts', 'reopen', 'acc-1', '--actor', 'ben'))).toMatchObject({
      customer_id: 'acc-1',
      status: 'active',
    });
    const open = await runCli(['accounts', 'reopen', 'acc-1'], env);
    expect(open.code).toBe(1);
    expect(open.stderr).toContain('account acc-1 is open: only a closed account is reopened');
    const nobody = await runCli(['accounts', 'reopen', 'nobody'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('no account nobody');
    const audit = lines<{ action: string; outcome: string; actor: string }>(await cli('audit', 'list'));
    expect(audit.map((e) => `${e.action} ${e.outcome}`)).toEqual([
      'accounts.create done',
      'accounts.create refused',
      'accounts.close done',
      'accounts.close refused',
      'accounts.reopen done',
      'accounts.reopen refused',
      'accounts.reopen refused',
    ]);
    expect(audit[4]?.actor).toBe('ben');
  });
});

describe('cli admin-token create', () => {
  it('prints a new token once and the ADMIN_TOKENS entry that admits it under its role', async () => {
    const run = await runCli(['admin-token', 'create', '--name', 'alice', '--role', 'operator'], {});
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as { token: string; admin_tokens_entry: Record<string, { token_sha256: string; role: string }> };
    expect(printed.token).toMatch(/^k24_[\w-]{43}$/);
    expect(AdminTokens.parse(JSON.stringify(printed.admin_tokens_entry)).identify(printed.token)).toEqual({
      name: 'alice',
      role: 'operator',
    });
    const other = JSON.parse((await runCli(['admin-token', 'create', '--name', 'alice', '--role', 'operator'], {})).stdout) as {
      token: string;
    };
    expect(other.token).not.toBe(printed.token);
    const bad = await runCli(['admin-token', 'create', '--name', 'alice', '--role', 'admin'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage: admin-token create --name NAME --role viewer|operator');
  });
});
