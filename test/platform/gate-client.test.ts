// The Gate client against the Prism mock of openapi/platform/gate.yaml (Prism checks that the
// request keeps the spec, the client checks the answer) and against the fake platform (which
// checks the SDK's signature in general.signature).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateClient } from '../../src/platform/gate-client.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { startPrism, type Prism } from '../support/prism.js';
import { projectRoot } from '../support/processes.js';

describe('the Gate client', () => {
  let prism: Prism;
  let platform: FakePlatform;
  beforeAll(async () => {
    [prism, platform] = await Promise.all([
      startPrism(['mock', path.join(projectRoot, 'openapi', 'platform', 'gate.yaml'), '--errors']),
      startFakePlatform({ 1234: 'secret-a' }),
    ]);
    platform.payments.set('p-1', { projectId: 1234, status: 'success', amount: 10000, currency: 'KZT' });
  }, 60_000);
  afterAll(async () => {
    await prism?.stop();
    await platform?.close();
  });

  it('sends a request the spec accepts and reads the spec example answer', async () => {
    const result = await gateClient(prism.url).paymentStatus(1234, '0b0f6a4e-5a1c-4f57-9a38-0d8cbd7f3d21', 'secret-a');
    expect(result).toMatchObject({ status: 200, answer: { payment: { status: 'success', sum: { amount: 10000, currency: 'KZT' } } } });
  });

  it('signs with the SDK algorithm in general.signature, as the platform checks it', async () => {
    const ok = await gateClient(platform.url).paymentStatus(1234, 'p-1', 'secret-a');
    expect(ok).toMatchObject({ answer: { payment: { id: 'p-1', status: 'success' } } });
    const wrongSecret = await gateClient(platform.url).paymentStatus(1234, 'p-1', 'secret-b');
    expect(wrongSecret).toMatchObject({ answer: { errors: [{ message: 'Invalid signature' }] } });
  });

  it('tells a transient failure (5xx, no answer) from a refusal', async () => {
    platform.failNext('p-1', 1);
    expect(await gateClient(platform.url).paymentStatus(1234, 'p-1', 'secret-a')).toMatchObject({ failed: 'transient' });
    expect(await gateClient('http://127.0.0.1:9').paymentStatus(1234, 'p-1', 'secret-a')).toMatchObject({ failed: 'transient' });
    expect(await gateClient(`${platform.url}/nothing`).paymentStatus(1234, 'p-1', 'secret-a')).toMatchObject({
      answer: { errors: [{ code: '404' }] },
    });
  });

  it('takes a 429 as transient too; an answer that is not JSON or breaks the spec is a refusal', async () => {
    let reply = { status: 200, body: '' };
    const gate = createServer((_request, response) => {
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(reply.body);
    });
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    const ask = (status: number, body: string) => {
      reply = { status, body };
      return gateClient(`http://127.0.0.1:${(gate.address() as AddressInfo).port}`).paymentStatus(1234, 'p-1', 'secret-a');
    };
    try {
      expect(await ask(429, '{"errors":[{"code":"429","message":"Too many requests"}]}')).toEqual({
        failed: 'transient',
        detail: 'the Gate answered HTTP 429',
      });
      expect(await ask(500, '<html>bad gateway</html>')).toEqual({ failed: 'transient', detail: 'the Gate answered HTTP 500' });
      expect(await ask(200, '<html>maintenance</html>')).toEqual({
        failed: 'refused',
        detail: 'the Gate answered HTTP 200 with a body that is not JSON',
      });
      expect(await ask(200, '{"payment":{"id":42}}')).toMatchObject({
        failed: 'refused',
        detail: expect.stringMatching(/^the Gate's answer breaks openapi\/platform\/gate\.yaml: /) as unknown,
      });
      // A status or an error message the stores could not keep alike is not taken either; text kept
      // only in the raw answer refuses nothing.
      expect(await ask(200, '{"payment":{"id":"p-1","status":"processing","description":"a\\u0000"}}')).toMatchObject({
        answer: { payment: { status: 'processing' } },
      });
      expect(await ask(200, '{"payment":{"id":"p-1","status":"processing\\u0000"}}')).toEqual({
        failed: 'refused',
        detail: "the Gate's answer cannot be kept: payment.status must not contain U+0000 (NUL)",
      });
    } finally {
      gate.closeAllConnections();
      await new Promise((resolve) => gate.close(resolve));
    }
  });
});
