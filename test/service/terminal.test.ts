// POST /terminal: a signed request in, an exact answer out, the ledger checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract } from '../support/contract.js';
import { checkDepositRequest, DEMO_SECRET, post, signed, signedAs, verifyRequest } from '../support/platform.js';
import { startService, type TestService } from '../support/service.js';

let service: TestService;
const terminal = async (body: unknown) => {
  const answer = await post(service.url, '/terminal', body);
  expect(answer.status).toBe(200);
  expectContract(answer, 'TerminalResponse');
  return answer.body;
};

/** check_deposit's answer when it opens a payment for `customerId`. */
const issuedTo = (customerId: string) => ({
  code: 0,
  payment_id: expect.any(String) as unknown,
  customer_id: customerId,
  description: `Top-up of account ${customerId}`,
});

beforeAll(async () => {
  service = await startService({
    projects: JSON.stringify({ 1234: DEMO_SECRET, 77: { secrets: ['new-key', 'old-key'], min_amount: 100, max_amount: 500000 } }),
    accounts: [
      { customerId: '7123456789', currency: 'KZT', additionalCustomerId: 'HFVDW42345' },
      { customerId: 'plain', currency: 'KZT' },
      { customerId: 'gone', currency: 'KZT' },
    ],
  });
  await service.store.closeAccount('gone');
});
afterAll(() => service.close());

describe('verify', () => {
  it('answers 0, the currency and the merchant customer id for an active account', async () => {
    expect(await terminal(signed(verifyRequest('7123456789')))).toEqual({ code: 0, currency: 'KZT', additional_customer_id: 'HFVDW42345' });
    expect(await terminal(signed(verifyRequest('plain')))).toEqual({ code: 0, currency: 'KZT' });
  });

  it('answers the method page example exactly as signed there', async () => {
    const body =
      '{ "type": "verify", "customer_id": "7123456789", "project_id": 1234, "signature": "0lvNaRTa54GLdwDfGlgDWV1BP860AZLVAbKNw4Rr9IYGxbL1ksCV0rsP7/tllftFPPAnNJIwmiSL+pwzLb/Dwg==" }';
    expect(await terminal(body)).toEqual({ code: 0, currency: 'KZT', additional_customer_id: 'HFVDW42345' });
  });

  it('answers 404 for an unknown or closed account', async () => {
    expect(await terminal(signed(verifyRequest('nobody')))).toEqual({ code: 404, error_description: 'Account does not exist' });
    expect(await terminal(signed(verifyRequest('gone')))).toEqual({
      code: 404,
      error_description: 'Account does not exist: gone is closed',
    });
  });

  it('accepts every secret of a project being rotated', async () => {
    expect((await terminal(signed(verifyRequest('plain', 77), 'new-key'))).code).toBe(0);
    expect((await terminal(signed(verifyRequest('plain', 77), 'old-key'))).code).toBe(0);
  });
});

describe('any request: authentication', () => {
  it('400 when the signature is missing, empty, not a string or wrong, saying which', async () => {
    expect(await terminal(verifyRequest('plain'))).toEqual({
      code: 400,
      error_description:
        'signature is missing: sign the body with the project secret and send the signature in the top-level "signature" field',
    });
    // Correctly signed, but where only a callback may carry it.
    expect(await terminal(signedAs(verifyRequest('plain'), { algorithm: 'documented', place: 'general' }))).toEqual({
      code: 400,
      error_description: 'a /terminal request carries its signature in the top-level "signature" field, not in "general.signature"',
    });
    expect(await terminal({ ...verifyRequest('plain'), signature: '' })).toEqual({ code: 400, error_description: 'signature is empty' });
    expect(await terminal({ ...verifyRequest('plain'), signature: 12 })).toEqual({
      code: 400,
      error_description: 'signature must be a string (Base64 HMAC-SHA512)',
    });
    expect(await terminal(signed(verifyRequest('plain'), 'wrong-secret'))).toEqual({
      code: 400,
      error_description: 'signature does not match the request body for project 1234',
    });
  });

  it('400 when the body was changed after signing', async () => {
    const request = signed(verifyRequest('plain'));
    expect((await terminal({ ...request, customer_id: '7123456789' })).code).toBe(400);
  });

  it('400 for a project with no configured secret', async () => {
    expect(await terminal(signed(verifyRequest('plain', 999)))).toEqual({
      code: 400,
      error_description: 'unknown project_id 999: no secret is configured for it',
    });
  });
});

describe('any request: the contract', () => {
  it.each([
    ['a missing field', { type: 'verify', project_id: 1234 }, 'customer_id: required field is missing'],
    ['a mistyped field', { type: 'verify', project_id: 1234, customer_id: 7123456789 }, 'customer_id: must be of type string'],
    [
      'a wrong type',
      { type: 'refund', project_id: 1234, customer_id: 'plain' },
      'type: "refund" is not a known value; expected "verify" or "check_deposit"',
    ],
    ['no type', { project_id: 1234, customer_id: 'plain' }, 'type: required field is missing or not a string'],
    ['another payment method', { ...checkDepositRequest('plain', 100), payment_method: 'card' }, 'payment_method: must be "kassa24_bvu"'],
    ['amount 0', checkDepositRequest('plain', 0), 'amount: must be >= 1'],
    ['a negative amount', checkDepositRequest('plain', -5), 'amount: must be >= 1'],
    ['a fractional amount', checkDepositRequest('plain', 10.5), 'amount: must be of type integer'],
    ['a lower-case currency', checkDepositRequest('plain', 100, 1234, 'kzt'), 'currency: must match pattern "^[A-Z]{3}$"'],
    ['a control character in customer_id', verifyRequest('pl\u0001ain'), 'customer_id: must match pattern "^[^\\x00-\\x1F\\x7F]+$"'],
  ])('500 naming the field for %s', async (_what, body, description) => {
    expect(await terminal(signed(body))).toEqual({ code: 500, error_description: description });
  });

  it('answers a request holding U+0000 in a field nothing reads or keeps', async () => {
    expect(await terminal(signed({ ...verifyRequest('plain'), comment: 'a\u0000' }))).toEqual({ code: 0, currency: 'KZT' });
  });

  it('500 when project_id is missing or not a positive integer', async () => {
    expect(await terminal({ type: 'verify', customer_id: 'plain', signature: 'x' })).toEqual({
      code: 500,
      error_description: 'project_id: required field is missing',
    });
    expect(await terminal({ ...verifyRequest('plain'), project_id: '1234', signature: 'x' })).toEqual({
      code: 500,
      error_description: 'project_id: must be a positive integer',
    });
  });

  it('500 for a body that is not a JSON object', async () => {
    expect(await terminal('{"type":')).toEqual({
      code: 500,
      error_description: 'request body is not valid JSON: unexpected end of input at offset 8',
    });
    expect(await terminal('[]')).toEqual({ code: 500, error_description: 'request body must be a JSON object' });
    expect(await terminal('"verify"')).toEqual({ code: 500, error_description: 'request body must be a JSON object' });
    expect(await terminal('')).toEqual({ code: 500, error_description: 'request body is empty: send the signed JSON object' });
    // As PHP's json_decode: half of a UTF-16 pair stands for no text that could be signed or stored.
    expect(await terminal('{"type":"verify","customer_id":"ab\\ud800","project_id":1234,"signature":"x"}')).toEqual({
      code: 500,
      error_description: 'request body is not valid JSON: unpaired UTF-16 surrogate in string at offset 32',
    });
  });
});

describe('check_deposit', () => {
  it('commits a pending payment and answers a new payment_id for every request', async () => {
    const first = await terminal(signed(checkDepositRequest('plain', 10000)));
    const second = await terminal(signed(checkDepositRequest('plain', 10000)));
    expect(first).toEqual(issuedTo('plain'));
    expect(second.payment_id).not.toBe(first.payment_id);
    const payments = await service.store.listPayments({ customerId: 'plain' });
    expect(payments.filter((p) => [first.payment_id, second.payment_id].includes(p.paymentId))).toEqual([
      expect.objectContaining({ amount: 10000, currency: 'KZT', status: 'pending', projectId: 1234 }),
      expect.objectContaining({ amount: 10000, currency: 'KZT', status: 'pending', projectId: 1234 }),
    ]);
  });

  it('404 for an unknown or closed account, and no payment is created', async () => {
    const before = (await service.store.listPayments({})).length;
    expect(await terminal(signed(checkDepositRequest('nobody', 100)))).toEqual({ code: 404, error_description: 'Account does not exist' });
    expect((await terminal(signed(checkDepositRequest('gone', 100)))).code).toBe(404);
    expect(await service.store.listPayments({})).toHaveLength(before);
  });

  it("500 for a currency other than the account's", async () => {
    expect(await terminal(signed(checkDepositRequest('plain', 100, 1234, 'USD')))).toEqual({
      code: 500,
      error_description: "currency USD does not match the account's currency KZT",
    });
  });

  it("500 for an amount outside the project's limits", async () => {
    expect(await terminal(signed(checkDepositRequest('plain', 99, 77), 'new-key'))).toEqual({
      code: 500,
      error_description: 'amount 99 is below the minimum 100 for project 77',
    });
    expect((await terminal(signed(checkDepositRequest('plain', 500001, 77), 'new-key'))).error_description).toBe(
      'amount 500001 is above the maximum 500000 for project 77',
    );
    expect((await terminal(signed(checkDepositRequest('plain', 500000, 77), 'new-key'))).code).toBe(0);
  });

  it('never shares a payment_id between concurrent requests', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => terminal(signed(checkDepositRequest('plain', 100)))));
    expect(new Set(answers.map((a) => a.payment_id)).size).toBe(40);
  });
});

describe("posted to /callback (the method's URL set to the callback's)", () => {
  const atCallback = async (body: unknown) => {
    const answer = await post(service.url, '/callback', body);
    expect(answer.status).toBe(200);
    expectContract(answer, 'TerminalResponse');
    return answer.body;
  };

  it('answers verify and check_deposit as at /terminal, refusals in code under HTTP 200', async () => {
    expect(await atCallback(signed(verifyRequest('7123456789')))).toEqual({
      code: 0,
      currency: 'KZT',
      additional_customer_id: 'HFVDW42345',
    });
    const deposit = await atCallback(signed(checkDepositRequest('plain', 10000)));
    expect(deposit).toEqual(issuedTo('plain'));
    const payment = (await service.store.listPayments({ customerId: 'plain' })).find((p) => p.paymentId === deposit.payment_id);
    expect(payment).toMatchObject({ status: 'pending', amount: 10000, currency: 'KZT' });
    expect(await atCallback(signed(verifyRequest('nobody')))).toEqual({ code: 404, error_description: 'Account does not exist' });
    expect(await atCallback(signed(verifyRequest('plain'), 'not-the-secret'))).toEqual({
      code: 400,
      error_description: 'signature does not match the request body for project 1234',
    });
    // Nothing of these is a callback: none is kept aside as one refused.
    expect(await service.store.listRejectedCallbacks()).toEqual([]);
  });
});

describe('HTTP edges', () => {
  it('413 for a body over the limit, in the protocol shape', async () => {
    const answer = await post(service.url, '/terminal', JSON.stringify({ ...verifyRequest('plain'), pad: 'x'.repeat(70 * 1024) }));
    expect(answer).toEqual({ status: 413, body: { code: 500, error_description: 'request body exceeds the limit of 65536 bytes' } });
  });

  it('reads the body as JSON whatever the Content-Type says', async () => {
    const answer = await post(service.url, '/terminal', signed(verifyRequest('plain')), { 'content-type': 'text/plain' });
    expect(answer.body).toEqual({ code: 0, currency: 'KZT' });
  });

  it('answers JSON with its type, exact length and the request id; a HEAD gets the headers only', async () => {
    const body = JSON.stringify(signed(verifyRequest('7123456789')));
    const response = await fetch(`${service.url}/terminal`, { method: 'POST', body, headers: { 'x-request-id': 'rq-1' } });
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ code: 0, currency: 'KZT', additional_customer_id: 'HFVDW42345' });
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(response.headers.get('x-request-id')).toBe('rq-1');

    const head = await fetch(`${service.url}/terminal`, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await head.text()).toBe('');
  });

  it('404 and 405 outside the contract; health probes answer', async () => {
    expect((await post(service.url, '/nowhere', {})).status).toBe(404);
    const get = await fetch(`${service.url}/terminal`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toEqual({ code: 500, error_description: 'GET is not allowed on /terminal; it takes POST' });
    expect((await fetch(`${service.url}/healthz`, { method: 'POST' })).headers.get('allow')).toBe('GET, HEAD');
    expect(await (await fetch(`${service.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${service.url}/readyz`)).json()).toEqual({ status: 'ok' });
    // A probe that asks with HEAD gets GET's status and headers, without the content.
    for (const probe of ['/healthz', '/readyz']) {
      const head = await fetch(`${service.url}${probe}`, { method: 'HEAD' });
      expect(head.status, probe).toBe(200);
      expect(head.headers.get('content-type'), probe).toBe('application/json; charset=utf-8');
      expect(head.headers.get('content-length'), probe).toBe(String(JSON.stringify({ status: 'ok' }).length));
      expect(await head.text(), probe).toBe('');
    }
  });
});
