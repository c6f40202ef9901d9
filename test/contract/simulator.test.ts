// The platform simulator against the real service (directly and through Prism's validating proxy),
// against the mock, and against a service that answers the wrong shape.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackBody, checkDepositRequest, DEMO_SECRET, post, signed, verifyRequest } from '../support/platform.js';
import { startPrism, SPEC, type Prism } from '../support/prism.js';
import { runCli } from '../support/processes.js';
import { startService, type TestService } from '../support/service.js';

let service: TestService;
let proxy: Prism;
let mock: Prism;

beforeAll(async () => {
  service = await startService({ accounts: [{ customerId: '7123456789', currency: 'KZT' }] });
  [proxy, mock] = await Promise.all([startPrism(['proxy', SPEC, service.url, '--errors']), startPrism(['mock', SPEC])]);
}, 60_000);
afterAll(async () => {
  await Promise.all([proxy?.stop(), mock?.stop()]);
  await service?.close();
});

const simulate = (url: string, ...extra: string[]) =>
  runCli(
    ['simulate', '--url', url, '--project', '1234', '--secret', DEMO_SECRET, '--customer-id', '7123456789', '--amount', '2500', ...extra],
    {},
  );

describe('cli simulate', () => {
  it('passes against the real service and credits once, duplicates and all', async () => {
    const before = (await service.store.findAccount('7123456789'))!.balance;
    const run = await simulate(service.url, '--duplicates', '3');
    expect(run.stdout).toContain('simulation passed');
    expect(run.code).toBe(0);
    expect((await service.store.findAccount('7123456789'))!.balance).toBe(before + 2500);
  });

  it('passes through prism proxy --errors: no request or answer breaks the contract', async () => {
    for (const extra of [[], ['--status', 'decline'], ['--bad-signature'], ['--duplicates', '2']]) {
      const run = await simulate(proxy.url, ...extra);
      expect(run.stdout, run.stdout).toContain('simulation passed');
      expect(run.code).toBe(0);
    }
    expect(proxy.output()).not.toMatch(/violation/i);
  });

  it('passes against the mock', async () => {
    const run = await simulate(mock.url, '--duplicates', '1');
    expect(run.stdout).toContain('simulation passed');
    expect(run.code).toBe(0);
    expect((await simulate(mock.url, '--bad-signature')).code).toBe(0);
  });

  it('fails loudly against a service that answers the wrong shape', async () => {
    const impostor = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    try {
      const run = await simulate(`http://127.0.0.1:${(impostor.address() as AddressInfo).port}`);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/CONTRACT BREAK in verify: the answer is not a TerminalResponse/);
      expect(run.stdout).toMatch(/simulation FAILED/);
    } finally {
      impostor.close();
    }
  });

  it('refuses a bad command line with usage, sending nothing', async () => {
    const before = (await service.store.findAccount('7123456789'))!.balance;
    const run = await runCli(['simulate', '--url', 'http://x'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/usage: simulate/);
    const refusals = [
      [['--status', 'refund'], '--status must be success or decline'],
      [['--duplicates=-1'], '--duplicates takes a whole number of 0 or more'],
      [['--duplicates', 'two'], '--duplicates takes a whole number'],
      [['--amount', '25.00'], '--amount takes a whole number'],
      [['--amount', '1e3'], '--amount takes a whole number'],
      [['--project', '0x10'], '--project takes a whole number'],
    ] as const;
    for (const [extra, reason] of refusals) {
      const refused = await simulate(service.url, ...extra);
      expect({ code: refused.code, stdout: refused.stdout }, extra.join(' ')).toEqual({ code: 2, stdout: '' });
      expect(refused.stderr.split('\n')[0], extra.join(' ')).toBe(reason);
    }
    expect((await service.store.findAccount('7123456789'))!.balance).toBe(before);
  });
});

describe('negative cases through prism proxy --errors', () => {
  // Our own assertions beside the proxy's: it checks shapes, not meanings.
  it.each([
    [
      'unknown account',
      () => signed(verifyRequest('nobody')),
      '/terminal',
      200,
      { code: 404, error_description: 'Account does not exist' },
    ],
    [
      'wrong signature',
      () => signed(verifyRequest('7123456789'), 'wrong'),
      '/terminal',
      200,
      { code: 400, error_description: 'signature does not match the request body for project 1234' },
    ],
    [
      'currency mismatch',
      () => signed(checkDepositRequest('7123456789', 100, 1234, 'USD')),
      '/terminal',
      200,
      { code: 500, error_description: "currency USD does not match the account's currency KZT" },
    ],
    [
      'unknown payment',
      () => signed(callbackBody('never-issued', 100)),
      '/callback',
      200,
      {
        code: 0,
        result: 'flagged',
        payment_id: 'never-issued',
        review_reason: 'unknown payment: never-issued was never issued by this service',
      },
    ],
    [
      'callback with a wrong signature',
      () => signed(callbackBody('x', 100), 'wrong'),
      '/callback',
      403,
      { code: 400, error_description: 'signature does not match the request body for project 1234' },
    ],
  ] as const)('%s', async (_name, body, path, status, expected) => {
    expect(await post(proxy.url, path, body())).toEqual({ status, body: expected });
    expect(proxy.output()).not.toMatch(/violation/i);
  });

  it('an amount mismatch is flagged, through the proxy', async () => {
    const { body } = await post(proxy.url, '/terminal', signed(checkDepositRequest('7123456789', 10000)));
    expect((await post(proxy.url, '/callback', signed(callbackBody(body.payment_id!, 9999)))).body.result).toBe('flagged');
    expect(proxy.output()).not.toMatch(/violation/i);
  });
});
