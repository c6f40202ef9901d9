import { afterEach, describe, expect, it } from 'vitest';
import { callbackBody, checkDepositRequest, post, signed, verifyRequest } from '../support/platform.js';
import { startService, type TestService } from '../support/service.js';

const SECRET = 'sk-live-9f3c2b7e1d';
const PROJECTS = JSON.stringify({ 1234: [SECRET, 'sk-previous-44aa'] });
let service: TestService;
afterEach(() => service?.close());

describe('source allow-list', () => {
  it('refuses platform calls from other addresses, in the protocol shape, and still serves probes', async () => {
    service = await startService({
      projects: PROJECTS,
      accounts: [{ customerId: 'a', currency: 'KZT' }],
      allowedSources: '203.0.113.0/24, 2001:db8::1',
    });
    expect(await post(service.url, '/terminal', signed(verifyRequest('a'), SECRET))).toEqual({
      status: 403,
      body: { code: 400, error_description: 'source address 127.0.0.1 is not allowed to call /terminal' },
    });
    expect((await post(service.url, '/callback', signed(callbackBody('p', 1), SECRET))).status).toBe(403);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });

  it('lets loopback through when listed, and ignores X-Forwarded-For unless a proxy is trusted', async () => {
    service = await startService({ projects: PROJECTS, accounts: [{ customerId: 'a', currency: 'KZT' }], allowedSources: '127.0.0.1' });
    expect(
      (await post(service.url, '/terminal', signed(verifyRequest('a'), SECRET), { 'x-forwarded-for': '198.51.100.9' })).body.code,
    ).toBe(0);
  });

  it('behind a trusted proxy, takes the address the proxy saw (the last X-Forwarded-For entry)', async () => {
    service = await startService({
      projects: PROJECTS,
      accounts: [{ customerId: 'a', currency: 'KZT' }],
      allowedSources: '203.0.113.7',
      trustProxy: true,
    });
    const ask = (xff: string) => post(service.url, '/terminal', signed(verifyRequest('a'), SECRET), { 'x-forwarded-for': xff });
    expect((await ask('198.51.100.9, 203.0.113.7')).body.code).toBe(0);
    // A client cannot smuggle an allowed address in front of what the proxy appended.
    expect((await ask('203.0.113.7, 198.51.100.9')).status).toBe(403);
  });
});

describe('metrics and logs', () => {
  it('counts requests, outcomes, credits, duplicates, flags and signature failures', async () => {
    service = await startService({ projects: PROJECTS, accounts: [{ customerId: 'a', currency: 'KZT' }] });
    const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('a', 500), SECRET));
    const callback = signed(callbackBody(body.payment_id!, 500), SECRET);
    await post(service.url, '/callback', callback);
    await post(service.url, '/callback', callback);
    await post(service.url, '/callback', signed(callbackBody('unknown', 500), SECRET));
    await post(service.url, '/terminal', signed(verifyRequest('a'), 'wrong'));
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain('kassa24_requests_total{operation="terminal",code="0",status="200"} 1');
    expect(metrics).toContain('kassa24_requests_total{operation="terminal",code="400",status="200"} 1');
    expect(metrics).toContain('kassa24_callbacks_total{result="credited"} 1');
    expect(metrics).toContain('kassa24_callbacks_total{result="duplicate"} 1');
    expect(metrics).toContain('kassa24_callbacks_total{result="flagged"} 1');
    // The flagged one waits in the review queue, as of this scrape.
    expect(metrics).toContain('kassa24_review_open_items 1');
    expect(metrics).toContain('kassa24_request_failures_total{operation="terminal",reason="signature_invalid"} 1');
    expect(metrics).toMatch(/kassa24_request_duration_seconds_bucket\{le="0.05",operation="callback"\} \d+/);
    // Seconds: three callbacks answered well within this test's time.
    const callbackSeconds = Number(/^kassa24_request_duration_seconds_sum\{operation="callback"\} (\S+)$/m.exec(metrics)?.[1]);
    expect(callbackSeconds).toBeGreaterThan(0);
    expect(callbackSeconds).toBeLessThan(5);
    // Every write is committed in some batch: the deposit and the three callbacks are four writes,
    // the test's account one more.
    const count = (name: string) => Number(new RegExp(`^${name}_count\\{store="sqlite"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
    const writes = Number(/^kassa24_store_batch_writes_sum\{store="sqlite"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(writes).toBeGreaterThanOrEqual(4);
    expect(count('kassa24_store_batch_writes')).toBeGreaterThanOrEqual(1);
    expect(count('kassa24_store_batch_writes')).toBeLessThanOrEqual(writes);
    expect(count('kassa24_store_commit_seconds')).toBe(count('kassa24_store_batch_writes'));
    expect(count('kassa24_store_batch_seconds')).toBe(count('kassa24_store_batch_writes'));
    // SQLite's connections are fixed: no pool to show.
    expect(metrics).not.toContain('kassa24_store_pool_');
  });

  it('names each refusal once, in the series for its kind, and counts every request under what it was', async () => {
    service = await startService({ projects: PROJECTS, accounts: [{ customerId: 'a', currency: 'KZT' }] });
    const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('a', 500), SECRET));
    const { signature: _unsigned, ...unsigned } = signed(verifyRequest('a'), SECRET);
    await post(service.url, '/terminal', unsigned);
    await post(service.url, '/terminal', signed({ ...verifyRequest('a'), project_id: 999 }, SECRET));
    await post(service.url, '/callback', signed(callbackBody(body.payment_id!, 500), 'wrong'));
    // Signed, but breaking the contract: refused and kept aside.
    const { status: _status, ...withoutStatus } = callbackBody(body.payment_id!, 500).payment;
    await post(service.url, '/callback', signed({ ...callbackBody(body.payment_id!, 500), payment: withoutStatus }, SECRET));
    await fetch(`${service.url}/nowhere`);
    await fetch(`${service.url}/metrics`);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    const series = (name: string) => metrics.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

    expect(series('kassa24_request_failures_total').sort()).toEqual([
      'kassa24_request_failures_total{operation="callback",reason="contract_violation"} 1',
      'kassa24_request_failures_total{operation="callback",reason="signature_invalid"} 1',
      'kassa24_request_failures_total{operation="terminal",reason="signature_missing"} 1',
      'kassa24_request_failures_total{operation="terminal",reason="unknown_project"} 1',
      'kassa24_request_failures_total{operation="unmatched",reason="no_such_endpoint"} 1',
    ]);
    expect(series('kassa24_callbacks_rejected_total')).toEqual(['kassa24_callbacks_rejected_total 1']);
    // A refused callback is no result of one stored.
    expect(series('kassa24_callbacks_total')).toEqual([]);
    expect(series('kassa24_requests_total').sort()).toEqual([
      'kassa24_requests_total{operation="callback",code="400",status="403"} 1',
      'kassa24_requests_total{operation="callback",code="500",status="400"} 1',
      'kassa24_requests_total{operation="metrics",code="",status="200"} 1',
      'kassa24_requests_total{operation="terminal",code="0",status="200"} 1',
      'kassa24_requests_total{operation="terminal",code="400",status="200"} 2',
      'kassa24_requests_total{operation="unmatched",code="500",status="404"} 1',
    ]);
  });

  it('logs one JSON line per request with its id and outcome, and never a secret', async () => {
    service = await startService({ projects: PROJECTS, accounts: [{ customerId: 'a', currency: 'KZT' }] });
    const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('a', 500), SECRET));
    await post(service.url, '/callback', signed(callbackBody(body.payment_id!, 500), 'sk-previous-44aa'));
    await post(service.url, '/terminal', signed(verifyRequest('a'), 'guess'));
    await post(service.url, '/terminal', '{"broken":');
    const lines = service.logs
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((l) => l.msg === 'request')).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      msg: 'request',
      operation: 'terminal',
      status: 200,
      code: 0,
      requestId: expect.any(String) as unknown,
    });
    expect(lines[2]).toMatchObject({ code: 400, reason: 'signature_invalid' });
    // Milliseconds, of requests answered well within this test's time.
    for (const line of lines.filter((l) => l.msg === 'request')) expect(line.ms).toSatisfy((ms: number) => ms > 0 && ms < 5000);
    const all = service.logs.join('');
    for (const secret of [SECRET, 'sk-previous-44aa']) expect(all).not.toContain(secret);
  });

  it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
    service = await startService({ projects: PROJECTS });
    const given = await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'lb-123' } });
    expect(given.headers.get('x-request-id')).toBe('lb-123');
    const hostile = await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'a"b<script>' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // Answers Koa writes (metrics) and answers outside the contract carry it too.
    for (const [path, status] of [
      ['/metrics', 200],
      ['/nowhere', 404],
    ] as const) {
      const answer = await fetch(`${service.url}${path}`, { headers: { 'x-request-id': `id-${status}` } });
      expect(answer.status).toBe(status);
      expect(answer.headers.get('x-request-id')).toBe(`id-${status}`);
    }
  });
});

describe('concurrency', () => {
  it('100 concurrent deliveries of one callback credit once', async () => {
    service = await startService({ projects: PROJECTS, accounts: [{ customerId: 'a', currency: 'KZT' }] });
    const { body } = await post(service.url, '/terminal', signed(checkDepositRequest('a', 777), SECRET));
    const callback = signed(callbackBody(body.payment_id!, 777), SECRET);
    const answers = await Promise.all(Array.from({ length: 100 }, () => post(service.url, '/callback', callback)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.result === 'credited')).toHaveLength(1);
    expect((await service.store.findAccount('a'))?.balance).toBe(777);
    expect((await service.store.listCallbacks({ paymentId: body.payment_id }))[0]?.deliveries).toBe(100);
  });
});
