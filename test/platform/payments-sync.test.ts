// Status recovery, end to end: the service was down while the platform settled payments and has
// given up redelivering; `cli payments sync` asks the Gate (a fake platform checking the SDK's
// signature) and settles each payment once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncLine } from '../../src/platform/status-sync.js';
import type { Store } from '../../src/store/store.js';
import { backends, createTestDatabase, withStoreAt, writePastTheStore, type TestDatabase } from '../support/databases.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { runCli } from '../support/processes.js';

const SECRET = 'project-secret-1234';

describe.each(backends())('cli payments sync on %s', (backend) => {
  let database: TestDatabase;
  let platform: FakePlatform;
  let env: NodeJS.ProcessEnv;

  const withStore = <T>(work: (store: Store) => Promise<T>) => withStoreAt(database.url, work);

  beforeEach(async () => {
    database = await createTestDatabase(backend);
    platform = await startFakePlatform({ 1234: SECRET });
    env = { DATABASE_URL: database.url, GATE_URL: platform.url, KASSA24_PROJECTS: JSON.stringify({ 1234: SECRET }) };
    await withStore(async (store) => {
      await store.migrate();
      await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
      // Deposits the service answered before it went down; their callbacks never arrived.
      for (const [paymentId, amount] of [
        ['paid', 10000],
        ['declined', 2000],
        ['processing', 3000],
        ['paid-after-503', 4000],
        ['unknown-there', 5000],
      ] as const) {
        const opening = await store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount, currency: 'KZT' });
        expect('opened' in opening).toBe(true);
        // Apart in time: oldest first is the order written.
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    });
    platform.payments.set('paid', { projectId: 1234, status: 'success', amount: 10000, currency: 'KZT' });
    platform.payments.set('declined', { projectId: 1234, status: 'decline', amount: 2000, currency: 'KZT' });
    platform.payments.set('processing', { projectId: 1234, status: 'processing', amount: 3000, currency: 'KZT' });
    platform.payments.set('paid-after-503', { projectId: 1234, status: 'success', amount: 4000, currency: 'KZT' });
    platform.failNext('paid-after-503', 2);
  });
  afterEach(async () => {
    await platform?.close();
    await database?.drop();
  });

  const lines = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SyncLine & { summary?: Record<string, number> });

  it('applies nothing from an answer about another payment or project than the one asked', async () => {
    await withStore(async (store) => {
      for (const paymentId of ['asked-1', 'asked-2'])
        await store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount: 6000, currency: 'KZT' });
    });
    const paid = { projectId: 1234, status: 'success', amount: 6000, currency: 'KZT' };
    platform.payments.set('asked-1', { ...paid, answersAs: { paymentId: 'someone-else', projectId: 1234 } });
    platform.payments.set('asked-2', { ...paid, answersAs: { paymentId: 'asked-2', projectId: 999 } });
    const answers = await Promise.all(['asked-1', 'asked-2'].map((id) => runCli(['payments', 'check', id], env)));
    expect(answers.map((a) => a.code)).toEqual([1, 1]);
    expect(answers.map((a) => JSON.parse(a.stdout) as SyncLine)).toEqual([
      {
        payment_id: 'asked-1',
        outcome: 'refused',
        detail: 'the Gate answered about payment someone-else of project 1234, not about payment asked-1 of project 1234: nothing applied',
      },
      {
        payment_id: 'asked-2',
        outcome: 'refused',
        detail: 'the Gate answered about payment asked-2 of project 999, not about payment asked-2 of project 1234: nothing applied',
      },
    ]);
    await withStore(async (store) => {
      expect((await store.findAccount('acc-1'))?.balance).toBe(0);
      expect(await store.listCallbacks({ paymentId: 'asked-1' })).toEqual([]);
    });
  });

  it('credits the lost successes once, fails the declines, leaves the rest pending and says why', async () => {
    const first = await runCli(['payments', 'sync', '--older-than', '0s', '--rate', '100'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(1);
    const printed = lines(first.stdout);
    expect(printed.slice(0, -1).map((l) => [l.payment_id, l.outcome, l.result ?? l.platform_status ?? null])).toEqual([
      ['paid', 'applied', 'credited'],
      ['declined', 'applied', 'failed'],
      ['processing', 'still_pending', 'processing'],
      ['paid-after-503', 'applied', 'credited'],
      ['unknown-there', 'refused', null],
    ]);
    expect(printed.at(-1)?.summary).toEqual({ asked: 5, applied: 3, still_pending: 1, not_answered: 0, refused: 1, refused_again: 0 });
    expect(platform.requests.get('paid-after-503')).toBe(3);

    const second = await runCli(['payments', 'sync', '--older-than', '0s', '--rate', '100'], env);
    expect(lines(second.stdout).at(-1)?.summary).toMatchObject({ asked: 2, applied: 0 });

    await withStore(async (store) => {
      expect((await store.findAccount('acc-1'))?.balance).toBe(14000);
      const statuses = Object.fromEntries((await store.listPayments({})).map((p) => [p.paymentId, p.status]));
      expect(statuses).toEqual({
        paid: 'success',
        declined: 'failed',
        processing: 'pending',
        'paid-after-503': 'success',
        'unknown-there': 'pending',
      });
      const stored = await store.listCallbacks({ paymentId: 'paid' });
      expect(stored.map((c) => [c.source, c.result])).toEqual([['status_request', 'credited']]);
      expect(JSON.parse(stored[0]!.rawBody)).toMatchObject({ payment: { id: 'paid', status: 'success' } });
    });
  });

  it('asks only about payments older than the threshold, at most --limit of them', async () => {
    const young = await runCli(['payments', 'sync', '--older-than', '1h'], env);
    expect(lines(young.stdout).at(-1)?.summary).toMatchObject({ asked: 0 });
    expect(young.code).toBe(0);
    const limited = await runCli(['payments', 'sync', '--older-than', '0s', '--limit', '1', '--rate', '100'], env);
    expect(lines(limited.stdout).map((l) => l.payment_id ?? 'summary')).toEqual(['paid', 'summary']);
    expect(limited.code).toBe(0);
    // A payment the Gate never answers about is left pending, and the run fails for it.
    platform.failNext('declined', 4);
    const unanswered = await runCli(['payments', 'sync', '--older-than', '0s', '--limit', '1', '--rate', '100'], env);
    expect(lines(unanswered.stdout).map((l) => [l.payment_id ?? 'summary', l.outcome ?? null])).toEqual([
      ['declined', 'not_answered'],
      ['summary', null],
    ]);
    expect(unanswered.code).toBe(1);
    // Without --older-than, 15 minutes: a callback may still be on its way to younger payments.
    const openedAgo = (minutes: number) =>
      writePastTheStore(database, [`update payments set created_at = '${new Date(Date.now() - minutes * 60_000).toISOString()}'`]);
    await openedAgo(10);
    expect(lines((await runCli(['payments', 'sync', '--rate', '100'], env)).stdout).at(-1)?.summary).toMatchObject({ asked: 0 });
    await openedAgo(16);
    expect(lines((await runCli(['payments', 'sync', '--limit', '1', '--rate', '100'], env)).stdout).at(-1)?.summary).toMatchObject({
      asked: 1,
    });
  });

  it('asks in turn: payments never asked first, so one the platform never settles does not hold back a lost success', async () => {
    const sync = async () => {
      const run = await runCli(['payments', 'sync', '--older-than', '0s', '--limit', '2', '--rate', '100'], env);
      return lines(run.stdout)
        .slice(0, -1)
        .map((l) => [l.payment_id, l.result ?? l.outcome]);
    };
    expect(await sync()).toEqual([
      ['paid', 'credited'],
      ['declined', 'failed'],
    ]);
    expect(await sync()).toEqual([
      ['processing', 'still_pending'],
      ['paid-after-503', 'credited'],
    ]);
    // Paid while its callback was lost, after the runs above: asked before 'processing' again.
    await withStore(async (store) => {
      const opening = await store.openPayment({
        paymentId: 'late-paid',
        projectId: 1234,
        customerId: 'acc-1',
        amount: 6000,
        currency: 'KZT',
      });
      expect('opened' in opening).toBe(true);
    });
    platform.payments.set('late-paid', { projectId: 1234, status: 'success', amount: 6000, currency: 'KZT' });
    expect(await sync()).toEqual([
      ['unknown-there', 'refused'],
      ['late-paid', 'credited'],
    ]);
    // Every pending payment asked once: the one asked longest ago comes first.
    expect(await sync()).toEqual([
      ['processing', 'still_pending'],
      ['unknown-there', 'refused'],
    ]);
    await withStore(async (store) => {
      expect((await store.findAccount('acc-1'))?.balance).toBe(20000);
      const reads = await store.operatorReads();
      expect((await reads.payment('processing'))?.statusCheck).toMatchObject({
        asks: 2,
        lastOutcome: 'still_pending',
        lastPlatformStatus: 'processing',
      });
      expect((await reads.payment('unknown-there'))?.statusCheck).toMatchObject({
        asks: 2,
        lastOutcome: 'refused',
        lastPlatformStatus: null,
      });
      expect((await reads.payment('late-paid'))?.statusCheck).toMatchObject({
        asks: 1,
        lastOutcome: 'applied',
        lastPlatformStatus: 'success',
      });
    });
  });

  it('checks one payment now: applies what the Gate says once, naming who asked; a second check changes nothing', async () => {
    const checked = await runCli(['payments', 'check', 'paid', '--actor', 'bob'], env);
    expect(checked).toMatchObject({ code: 0, stderr: '' });
    expect(lines(checked.stdout)).toEqual([{ payment_id: 'paid', outcome: 'applied', platform_status: 'success', result: 'credited' }]);
    const again = await runCli(['payments', 'check', 'paid'], env);
    expect(lines(again.stdout)).toEqual([{ payment_id: 'paid', outcome: 'applied', platform_status: 'success', result: 'duplicate' }]);

    // The Gate fails both tries, or knows no such payment: said, exit 1.
    platform.failNext('processing', 2);
    const unanswered = await runCli(['payments', 'check', 'processing'], env);
    expect(unanswered.code).toBe(1);
    expect(lines(unanswered.stdout)[0]).toMatchObject({ payment_id: 'processing', outcome: 'not_answered' });
    expect((await runCli(['payments', 'check', 'unknown-there'], env)).code).toBe(1);
    const missing = await runCli(['payments', 'check', 'never-opened'], env);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'payment never-opened does not exist\n' });

    await withStore(async (store) => {
      expect((await store.findAccount('acc-1'))?.balance).toBe(10000);
      const stored = await store.listCallbacks({ paymentId: 'paid' });
      expect(stored.map((c) => [c.source, c.result, c.headers['asked-by']])).toEqual([['status_request', 'credited', 'bob']]);
      expect(await (await store.operatorReads()).ledgerCheck()).toMatchObject({ credits: 1, broken: [] });
      const audit = (await store.listAuditLog()).filter((e) => e.action === 'payments.status_check');
      expect(audit.map((e) => [e.actor, (e.result as SyncLine).payment_id, (e.result as SyncLine).outcome])).toEqual([
        ['bob', 'paid', 'applied'],
        [expect.stringMatching(/^cli:/), 'paid', 'applied'],
        [expect.stringMatching(/^cli:/), 'processing', 'not_answered'],
        [expect.stringMatching(/^cli:/), 'unknown-there', 'refused'],
      ]);
    });
  });

  it("signs its question with the project's first secret: during a rotation, the one the platform holds goes first", async () => {
    const rotating = (secrets: string[]) => ({ ...env, KASSA24_PROJECTS: JSON.stringify({ 1234: secrets }) });
    const early = await runCli(['payments', 'check', 'paid'], rotating(['new-secret', SECRET]));
    expect(early.code).toBe(1);
    expect(lines(early.stdout)).toEqual([
      { payment_id: 'paid', outcome: 'refused', detail: expect.stringContaining('Invalid signature') as unknown },
    ]);
    expect(await withStore(async (store) => (await store.findAccount('acc-1'))?.balance)).toBe(0);
    const ordered = await runCli(['payments', 'check', 'paid'], rotating([SECRET, 'new-secret']));
    expect(lines(ordered.stdout)).toEqual([{ payment_id: 'paid', outcome: 'applied', platform_status: 'success', result: 'credited' }]);
  });

  it('refuses to run without GATE_URL or with a bad option, changing nothing', async () => {
    const noGate = await runCli(['payments', 'sync'], { ...env, GATE_URL: '' });
    expect(noGate.code).toBe(2);
    expect(noGate.stderr).toContain('GATE_URL is not set');
    for (const olderThan of ['soon', '99999999d']) {
      const bad = await runCli(['payments', 'sync', '--older-than', olderThan], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr.split('\n')[0]).toBe('--older-than takes a duration such as 15m, 2h or 1d, at most 36500d');
    }
    for (const [option, value, reason] of [
      ['--limit', '2.5', '--limit takes a whole number'],
      ['--limit', '0', '--limit takes a whole number of 1 or more'],
      ['--rate', '0', '--rate takes a number of requests a second from 0.001 up'],
      ['--rate', '0.0001', '--rate takes a number of requests a second from 0.001 up'],
      ['--rate', '5abc', '--rate takes a number of requests a second from 0.001 up'],
      ['--rate', '1e3', '--rate takes a number of requests a second from 0.001 up'],
    ] as const) {
      const refused = await runCli(['payments', 'sync', option, value], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr.split('\n')[0]).toBe(reason);
    }
    const noGateCheck = await runCli(['payments', 'check', 'paid'], { ...env, GATE_URL: '' });
    expect(noGateCheck.code).toBe(2);
    expect(noGateCheck.stderr).toContain('GATE_URL is not set');
    expect((await runCli(['payments', 'check'], env)).stderr).toContain('usage: payments check PAYMENT_ID');
    expect(platform.requests.size).toBe(0);
  });
});
