// The service as a process: SIGTERM finishes what is in flight before exiting, and exits anyway
// when the store holds it up; a stalled client is cut off by the request timeout; a quiet service
// still writes its log lines within a second.
import net from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { newAdminToken } from '../../src/admin/admin-tokens.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';
import { callbackBody, checkDepositRequest, DEMO_SECRET, post, signed, type Answer } from '../support/platform.js';
import { startServiceProcess } from '../support/processes.js';

let database: TestDatabase;
afterEach(() => database?.drop());

async function freshEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  database = await createTestDatabase('sqlite');
  const store = await openStore(database.url);
  await store.migrate();
  await store.addAccount({ customerId: 'acc', currency: 'KZT' });
  await store.close();
  return { DATABASE_URL: database.url, KASSA24_PROJECTS: JSON.stringify({ 1234: DEMO_SECRET }), ...extra };
}

describe('graceful shutdown', () => {
  it('answers and stores every callback in flight at SIGTERM, then exits 0 and closes the store', async () => {
    const service = await startServiceProcess(await freshEnv());
    const payments: Array<{ id: string; amount: number }> = [];
    for (let i = 0; i < 40; i++) {
      const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('acc', 100 + i)));
      payments.push({ id: body.payment_id!, amount: 100 + i });
    }
    // Open the connections first, so that the requests are in flight when the signal lands.
    const inFlight = payments.map((p) =>
      post(service.url, '/callback', signed(callbackBody(p.id, p.amount))).catch((error: Error) => error),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const exit = service.stop('SIGTERM');
    const answers = await Promise.all(inFlight);
    expect(await exit).toBe(0);
    expect(service.output()).toContain('"msg":"stopped"');

    const answered = answers.filter((a): a is Answer => !(a instanceof Error));
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((a) => a.status === 200)).toBe(true);
    const store = await openStore(database.url);
    const stored = new Set((await store.listCallbacks({})).map((c) => c.paymentId));
    const balance = (await store.findAccount('acc'))!.balance;
    await store.close();
    for (const a of answered) expect(stored.has(a.body.payment_id!)).toBe(true);
    expect(balance).toBe(payments.filter((p) => stored.has(p.id)).reduce((sum, p) => sum + p.amount, 0));
  });
  it('stops at once on a second signal, cutting off a request still in flight; the store keeps what was committed', async () => {
    const service = await startServiceProcess(await freshEnv());
    const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('acc', 500)));
    expect((await post(service.url, '/callback', signed(callbackBody(body.payment_id!, 500)))).status).toBe(200);
    // A request whose body never finishes holds a graceful stop for its whole grace period.
    const { port } = new URL(service.url);
    const stalled = net.connect(Number(port), '127.0.0.1', () =>
      stalled.write('POST /callback HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"pay'),
    );
    stalled.on('error', () => undefined);
    const cutOff = new Promise<void>((resolve) => stalled.on('close', () => resolve()));
    await new Promise((resolve) => stalled.once('connect', resolve));

    const exit = service.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(service.child.exitCode).toBeNull();
    const started = Date.now();
    service.child.kill('SIGINT');
    expect(await exit).toBe(130);
    await cutOff;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(service.output()).toMatch(/"signal":"SIGINT".*"msg":"second signal: stopping now; requests in flight are cut off unanswered"/);
    expect(service.output()).not.toContain('"msg":"stopped"');

    const store = await openStore(database.url);
    expect((await store.findAccount('acc'))!.balance).toBe(500);
    expect(await store.listCallbacks({})).toHaveLength(1);
    await store.close();
  });
});

describe.runIf(postgresUrl)('a stop held up by the store (PostgreSQL)', () => {
  it('closes the connections after SHUTDOWN_GRACE_MS, waits for the store a few seconds more, then exits 1; nothing is lost', async () => {
    database = await createTestDatabase('postgres');
    const store = await openStore(database.url);
    await store.migrate();
    await store.addAccount({ customerId: 'acc', currency: 'KZT' });
    await store.close();
    const { token, entry } = newAdminToken('ops', 'operator');
    const service = await startServiceProcess({
      DATABASE_URL: database.url,
      KASSA24_PROJECTS: JSON.stringify({ 1234: DEMO_SECRET }),
      ADMIN_TOKENS: JSON.stringify(entry),
      SHUTDOWN_GRACE_MS: '500',
      DATABASE_TIMEOUT_MS: '60000',
    });
    const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('acc', 500)));
    expect((await post(service.url, '/callback', signed(callbackBody(body.payment_id!, 500)))).status).toBe(200);

    // A migration elsewhere, say, holds the accounts table: a read of it waits (up to
    // DATABASE_TIMEOUT_MS, a minute here), longer than a stop may.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table accounts in access exclusive mode');
      const read = fetch(`${service.url}/admin/v1/accounts/acc`, { headers: { authorization: `Bearer ${token}` } }).catch(
        (error: unknown) => error,
      );
      const waiting = async () =>
        (await holder.query("select 1 from pg_locks where not granted and relation = 'accounts'::regclass")).rowCount! > 0;
      while (!(await waiting())) await new Promise((resolve) => setTimeout(resolve, 20));

      const started = Date.now();
      expect(await service.stop('SIGTERM')).toBe(1);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(5_000);
      expect(took).toBeLessThan(9_000);
      expect(await read).toBeInstanceOf(Error);
      expect(service.output()).toMatch(/"graceMs":500.*"msg":"requests still in flight after the grace period; closing connections"/);
      expect(service.output()).toMatch(/"waitedMs":5000.*"msg":"the store did not close in time \(a statement still running\); exiting"/);
      expect(service.output()).not.toContain('"msg":"stopped"');
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    const after = await openStore(database.url);
    expect((await after.findAccount('acc'))!.balance).toBe(500);
    expect(await after.listCallbacks({})).toHaveLength(1);
    await after.close();
  });
});

describe('request timeout', () => {
  it('closes a connection that never finishes its request', async () => {
    const service = await startServiceProcess(await freshEnv({ REQUEST_TIMEOUT_MS: '500' }));
    try {
      const { port } = new URL(service.url);
      const started = Date.now();
      const closedAfter = await new Promise<number>((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1', () =>
          socket.write('POST /terminal HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"ty'),
        );
        socket.on('data', () => undefined);
        socket.on('close', () => resolve(Date.now() - started));
        socket.on('error', () => undefined);
      });
      expect(closedAfter).toBeLessThan(3000);
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    } finally {
      await service.stop();
    }
  });
});

describe('logs of a quiet service', () => {
  it("writes a request's access line within seconds, not when 4 KB of lines have gathered", async () => {
    const service = await startServiceProcess(await freshEnv());
    try {
      const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('acc', 100)));
      expect(body.code).toBe(0);
      const deadline = Date.now() + 5000;
      while (!service.output().includes('"path":"/terminal"') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Still running: the line left on the flush timer, not at shutdown.
      expect(service.child.exitCode).toBeNull();
      expect(service.output()).toMatch(/"operation":"terminal","status":200,"code":0/);
    } finally {
      await service.stop();
    }
  });
});

describe('metrics on a listener of their own (METRICS_PORT)', () => {
  it('serves /metrics only there, with what the platform port did; the platform port answers it 404; both stop on SIGTERM', async () => {
    const service = await startServiceProcess(await freshEnv({ METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' }));
    const metricsPort = Number(/"metricsPort":(\d+)/.exec(service.output())?.[1]);
    const scrapeUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    try {
      const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('acc', 100)));
      await post(service.url, '/callback', signed(callbackBody(body.payment_id!, 100)));

      const onPlatformPort = await fetch(`${service.url}/metrics`);
      expect(onPlatformPort.status).toBe(404);
      expect(await onPlatformPort.json()).toEqual({
        code: 500,
        error_description: 'no such endpoint: GET /metrics; the platform posts to /terminal and /callback',
      });

      const scrape = await fetch(scrapeUrl);
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await scrape.text();
      expect(text).toContain('kassa24_callbacks_total{result="credited"} 1');
      expect(text).toContain('kassa24_requests_total{operation="unmatched",code="500",status="404"} 1');
      expect((await fetch(scrapeUrl, { method: 'HEAD' })).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/terminal`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      expect(await service.stop()).toBe(0);
    }
    await expect(fetch(scrapeUrl)).rejects.toThrow();
  });
});

describe('one service per SQLite store', () => {
  it('refuses to start a second service on a store another one runs on, which serves on; the store is free again once it stops', async () => {
    const env = await freshEnv();
    const first = await startServiceProcess(env);
    try {
      await expect(startServiceProcess(env)).rejects.toThrow(
        /exited with 1:[\s\S]*failed to start: another service runs on the SQLite store .*kassa24\.db \(it holds .*kassa24\.db\.instance-lock\): run one service per SQLite store, or PostgreSQL for several/,
      );
      const { body } = await post(first.url, '/terminal', signed(checkDepositRequest('acc', 100)));
      expect(body.code).toBe(0);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const next = await startServiceProcess(env);
    expect(await next.stop()).toBe(0);
  });
});
