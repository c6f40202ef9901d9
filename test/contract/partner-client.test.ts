// The client partners generate from the spec (openapi-generator 4.3.1, typescript-fetch) talks to
// the real service: the proof that the spec works with the generator partners use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Configuration, OperationsApi, PlatformApi } from '../../generated/client/index.js';
import { signingMiddleware } from '../../src/protocol/signature/fetch-signer.js';
import { callbackBody, DEMO_SECRET } from '../support/platform.js';
import { startService, type TestService } from '../support/service.js';

let service: TestService;
beforeAll(async () => {
  service = await startService({ accounts: [{ customerId: '7123456789', currency: 'KZT', additionalCustomerId: 'HFVDW42345' }] });
});
afterAll(() => service.close());

const client = (secret = DEMO_SECRET) =>
  new PlatformApi(new Configuration({ basePath: service.url, fetchApi: fetch, middleware: [signingMiddleware(secret)] }));
// 4.3.1 types the discriminated TerminalRequest as never; the body itself is what the spec says.
const terminalRequest = (body: object) => ({ terminalRequest: body as never });

describe('generated partner client', () => {
  it('runs verify, check_deposit and the callback against the real service', async () => {
    const api = client();
    expect(await api.terminal(terminalRequest({ type: 'verify', customer_id: '7123456789', project_id: 1234 }))).toMatchObject({
      code: 0,
      currency: 'KZT',
      additional_customer_id: 'HFVDW42345',
    });
    const deposit = await api.terminal(
      terminalRequest({
        type: 'check_deposit',
        customer_id: '7123456789',
        project_id: 1234,
        amount: 10000,
        currency: 'KZT',
        payment_method: 'kassa24_bvu',
      }),
    );
    expect(deposit).toMatchObject({ code: 0, payment_id: expect.any(String) as unknown });
    const paymentId = (deposit as { payment_id: string }).payment_id;
    expect(await api.callback({ callback: callbackBody(paymentId, 10000) })).toMatchObject({
      code: 0,
      result: 'credited',
      payment_id: paymentId,
    });
    expect((await service.store.findAccount('7123456789'))?.balance).toBe(10000);
  });

  it('surfaces refusals: a protocol code on /terminal, a thrown non-200 Response on /callback', async () => {
    const api = client('wrong-secret');
    expect(await api.terminal(terminalRequest({ type: 'verify', customer_id: '7123456789', project_id: 1234 }))).toMatchObject({
      code: 400,
    });
    const refusal = await api.callback({ callback: callbackBody('x', 1) }).catch((response: Response) => response);
    expect((refusal as Response).status).toBe(403);
  });

  it('reaches the probes', async () => {
    const operations = new OperationsApi(new Configuration({ basePath: service.url, fetchApi: fetch }));
    expect(await operations.healthz()).toEqual({ status: 'ok' });
    expect(await operations.readyz()).toEqual({ status: 'ok' });
  });
});
