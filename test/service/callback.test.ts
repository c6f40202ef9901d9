// POST /callback: stored before it is acknowledged, credited exactly once, flagged when it does not add up.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectContract } from '../support/contract.js';
import { callbackBody, checkDepositRequest, post, signed, signedAs, verifyRequest } from '../support/platform.js';
import { backends } from '../support/databases.js';
import { startService, type TestService } from '../support/service.js';

describe.each(backends())('callbacks on %s', (backend) => {
  let service: TestService;

  beforeEach(async () => {
    service = await startService({ backend, accounts: [{ customerId: 'acc-1', currency: 'KZT' }] });
  });
  afterEach(() => service.close());

  const balance = async (customerId = 'acc-1') => (await service.store.findAccount(customerId))?.balance;
  const paymentStatus = async (paymentId: string) => (await service.store.listPayments({})).find((p) => p.paymentId === paymentId)?.status;

  async function deposit(amount: number, customerId = 'acc-1'): Promise<string> {
    const verify = await post(service.url, '/terminal', signed(verifyRequest(customerId)));
    expect(verify.body.code).toBe(0);
    const answer = await post(service.url, '/terminal', signed(checkDepositRequest(customerId, amount)));
    expect(answer.body.code).toBe(0);
    return answer.body.payment_id!;
  }

  async function deliver(body: unknown) {
    const answer = await post(service.url, '/callback', body);
    expectContract(answer, answer.status === 200 ? 'CallbackAck' : 'ErrorResponse');
    return answer;
  }

  describe('the whole flow: verify -> check_deposit -> callback -> balance', () => {
    it('credits the account once the success callback is stored', async () => {
      const paymentId = await deposit(10000);
      expect(await balance()).toBe(0);
      expect(await paymentStatus(paymentId)).toBe('pending');
      expect(await deliver(signed(callbackBody(paymentId, 10000)))).toEqual({
        status: 200,
        body: { code: 0, result: 'credited', payment_id: paymentId },
      });
      expect(await balance()).toBe(10000);
      expect(await paymentStatus(paymentId)).toBe('success');
      expect((await service.store.listCallbacks({ paymentId }))[0]?.headers).not.toHaveProperty('posted-to');
    });

    it('keeps the body as received, the source address and the headers that tell who sent it, no others', async () => {
      const paymentId = await deposit(10000);
      const text = JSON.stringify(signed(callbackBody(paymentId, 10000)), null, 1);
      const headers = {
        'user-agent': 'JetPay-Gate/2',
        'x-request-id': 'cb-77',
        'x-forwarded-for': '198.51.100.7',
        'x-real-ip': '198.51.100.7',
        cookie: 'session=1',
        authorization: 'Bearer not-kept',
      };
      expect((await post(service.url, '/callback', text, headers)).status).toBe(200);
      const [stored] = await service.store.listCallbacks({ paymentId });
      expect(stored?.rawBody).toBe(text);
      expect(stored?.headers).toEqual({
        'remote-address': '127.0.0.1',
        'content-type': 'application/json',
        'user-agent': 'JetPay-Gate/2',
        'x-request-id': 'cb-77',
        'x-forwarded-for': '198.51.100.7',
        'x-real-ip': '198.51.100.7',
      });
    });

    it('adds up several payments', async () => {
      for (const amount of [100, 2550, 999999]) {
        const paymentId = await deposit(amount);
        expect((await deliver(signed(callbackBody(paymentId, amount)))).body.result).toBe('credited');
      }
      expect(await balance()).toBe(100 + 2550 + 999999);
    });
  });

  describe('exactly once', () => {
    it('a duplicate delivery is acknowledged and credits nothing', async () => {
      const paymentId = await deposit(10000);
      const callback = signed(callbackBody(paymentId, 10000));
      expect((await deliver(callback)).body.result).toBe('credited');
      expect(await deliver(callback)).toEqual({ status: 200, body: { code: 0, result: 'duplicate', payment_id: paymentId } });
      expect(await balance()).toBe(10000);
    });

    it('20 concurrent deliveries of one callback credit once', async () => {
      const paymentId = await deposit(10000);
      const callback = signed(callbackBody(paymentId, 10000));
      const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(callback)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(answers.filter((a) => a.body.result === 'credited')).toHaveLength(1);
      expect(answers.filter((a) => a.body.result === 'duplicate')).toHaveLength(19);
      expect(await balance()).toBe(10000);
    });

    it('a second, different success body for the same payment credits nothing more', async () => {
      const paymentId = await deposit(10000);
      expect((await deliver(signed(callbackBody(paymentId, 10000)))).body.result).toBe('credited');
      const redelivered = signed({ ...callbackBody(paymentId, 10000), operation: { ...callbackBody(paymentId, 10000).operation, id: 29 } });
      expect((await deliver(redelivered)).body.result).toBe('recorded');
      expect(await balance()).toBe(10000);
    });

    it('intermediate statuses first, then success: credited once', async () => {
      const paymentId = await deposit(5000);
      for (const status of ['processing', 'awaiting customer', 'external processing']) {
        expect((await deliver(signed(callbackBody(paymentId, 5000, status)))).body.result).toBe('recorded');
        expect(await paymentStatus(paymentId)).toBe('pending');
      }
      expect((await deliver(signed(callbackBody(paymentId, 5000)))).body.result).toBe('credited');
      expect(await balance()).toBe(5000);
    });
  });

  describe('failures', () => {
    it('decline marks the payment failed and credits nothing', async () => {
      const paymentId = await deposit(10000);
      expect(await deliver(signed(callbackBody(paymentId, 10000, 'decline')))).toEqual({
        status: 200,
        body: { code: 0, result: 'failed', payment_id: paymentId },
      });
      expect(await paymentStatus(paymentId)).toBe('failed');
      expect(await balance()).toBe(0);
    });

    it.each(['cancelled', 'canceled', 'expired', 'internal error', 'external error', 'error'])(
      '%s marks the pending payment failed',
      async (status) => {
        const paymentId = await deposit(10000);
        expect(await deliver(signed(callbackBody(paymentId, 10000, status)))).toEqual({
          status: 200,
          body: { code: 0, result: 'failed', payment_id: paymentId },
        });
        expect(await paymentStatus(paymentId)).toBe('failed');
        expect(await balance()).toBe(0);
      },
    );

    it('a body re-encoded on the way (Latin-1, not UTF-8) is refused saying so; sent as UTF-8 it credits', async () => {
      const paymentId = await deposit(10000);
      const body = signed({ ...callbackBody(paymentId, 10000), customer: { first_name: 'Zoë' } });
      const response = await fetch(`${service.url}/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(body), 'latin1'),
      });
      expect({ status: response.status, body: await response.json() }).toEqual({
        status: 403,
        body: {
          code: 400,
          error_description:
            'signature does not match the request body for project 1234; the body holds U+FFFD, which is how bytes that are not UTF-8 are read: send the body encoded as UTF-8',
        },
      });
      expect(await balance()).toBe(0);
      expect((await deliver(body)).body.result).toBe('credited');
      expect(await balance()).toBe(10000);
    });

    it('a wrong signature gets a non-200 and nothing; the correctly signed redelivery then credits', async () => {
      const paymentId = await deposit(10000);
      const bad = signed(callbackBody(paymentId, 10000), 'operator-typo');
      expect(await deliver(bad)).toEqual({
        status: 403,
        body: { code: 400, error_description: 'signature does not match the request body for project 1234' },
      });
      expect(await balance()).toBe(0);
      expect(await paymentStatus(paymentId)).toBe('pending');
    });

    it('a tampered amount fails the signature and credits nothing', async () => {
      const paymentId = await deposit(100);
      const callback = signed(callbackBody(paymentId, 100));
      const tampered = { ...callback, payment: { ...callback.payment, sum: { amount: 1000000, currency: 'KZT' } } };
      expect((await deliver(tampered)).status).toBe(403);
      expect(await balance()).toBe(0);
    });
  });

  describe("signed either way, at either place: the documented algorithm and the platform SDK's", () => {
    // Bodies where the two algorithms give different stamps.
    const shapes = {
      'an upper-case key': (body: ReturnType<typeof callbackBody>) => ({
        ...body,
        redirectData: { method: 'GET', url: 'https://pay.example/r' },
      }),
      'nesting four levels deep': (body: ReturnType<typeof callbackBody>) => ({
        ...body,
        operation: { ...body.operation, provider: { ...body.operation.provider, terminal: { id: 'T-77', city: 'Almaty' } } },
      }),
    };
    const cases = Object.keys(shapes).flatMap((shape) =>
      (['documented', 'sdk'] as const).flatMap((algorithm) =>
        (['top', 'general'] as const).map((place) => [shape, algorithm, place] as const),
      ),
    );

    it.each(cases)(
      'with %s, signed by the %s algorithm at the %s: stored and credited once; a wrong signature changes nothing',
      async (shape, algorithm, place) => {
        const paymentId = await deposit(10000);
        const body = shapes[shape as keyof typeof shapes](callbackBody(paymentId, 10000));
        for (const wrong of ['documented', 'sdk'] as const) {
          expect(await deliver(signedAs(body, { algorithm: wrong, place, secret: 'operator-typo' }))).toEqual({
            status: 403,
            body: { code: 400, error_description: 'signature does not match the request body for project 1234' },
          });
        }
        expect(await service.store.listCallbacks({ paymentId })).toEqual([]);
        expect(await balance()).toBe(0);

        const callback = signedAs(body, { algorithm, place });
        expect(await deliver(callback)).toEqual({ status: 200, body: { code: 0, result: 'credited', payment_id: paymentId } });
        expect(await deliver(callback)).toEqual({ status: 200, body: { code: 0, result: 'duplicate', payment_id: paymentId } });
        expect(await balance()).toBe(10000);
        const stored = await service.store.listCallbacks({ paymentId });
        expect(stored).toHaveLength(1);
        expect(stored[0]).toMatchObject({ result: 'credited', deliveries: 2, rawBody: JSON.stringify(callback) });
      },
    );

    it('refuses a body with the signature in both places, or in neither, saying which', async () => {
      const paymentId = await deposit(10000);
      const body = signed(callbackBody(paymentId, 10000));
      expect(await deliver({ ...body, general: { signature: body.signature } })).toEqual({
        status: 403,
        body: {
          code: 400,
          error_description: 'signature is given twice, at the top level and in "general.signature": send it in exactly one place',
        },
      });
      expect(await deliver(callbackBody(paymentId, 10000))).toEqual({
        status: 403,
        body: {
          code: 400,
          error_description:
            'signature is missing: neither a top-level "signature" nor a "general.signature" field; sign the body with the project secret and send the signature in one of them',
        },
      });
      expect(await service.store.listCallbacks({ paymentId })).toEqual([]);
      expect(await balance()).toBe(0);
    });
  });

  describe('kept and flagged for review, never credited', () => {
    it('a payment id this service never issued', async () => {
      const answer = await deliver(signed(callbackBody('payment_47', 10000)));
      expect(answer).toEqual({
        status: 200,
        body: {
          code: 0,
          result: 'flagged',
          payment_id: 'payment_47',
          review_reason: 'unknown payment: payment_47 was never issued by this service',
        },
      });
      expect(await balance()).toBe(0);
    });

    it('an amount that differs from the deposit', async () => {
      const paymentId = await deposit(10000);
      expect((await deliver(signed(callbackBody(paymentId, 5000)))).body).toEqual({
        code: 0,
        result: 'flagged',
        payment_id: paymentId,
        review_reason: 'amount mismatch: callback 50.00 KZT (5000 minor units), deposit 100.00 KZT (10000 minor units)',
      });
      expect(await balance()).toBe(0);
      expect(await paymentStatus(paymentId)).toBe('pending');
    });
  });

  describe('callbacks that break the contract', () => {
    it('answers 400 naming the field; a signed one is kept aside, and applies once fixed', async () => {
      const paymentId = await deposit(10000);
      const { status: _omit, ...paymentWithoutStatus } = callbackBody(paymentId, 10000).payment;
      const text = JSON.stringify(signed({ ...callbackBody(paymentId, 10000), payment: paymentWithoutStatus }));
      const answer = await post(service.url, '/callback', text, { 'user-agent': 'JetPay-Gate/2' });
      expect(answer).toEqual({ status: 400, body: { code: 500, error_description: 'payment.status: required field is missing' } });
      expect(await balance()).toBe(0);
      // Delivered again: counted, and kept as first received.
      expect((await deliver(text)).status).toBe(400);
      expect(await service.store.listRejectedCallbacks()).toEqual([
        expect.objectContaining({
          reason: 'payment.status: required field is missing',
          deliveries: 2,
          rawBody: text,
          headers: { 'remote-address': '127.0.0.1', 'content-type': 'application/json', 'user-agent': 'JetPay-Gate/2' },
        }),
      ]);
      expect((await deliver(signed(callbackBody(paymentId, 10000)))).body.result).toBe('credited');
    });

    it('refuses a signed one whose payment id or status holds U+0000, alike on either store, keeping it; elsewhere it refuses nothing', async () => {
      const paymentId = await deposit(10000);
      const held = signed({
        ...callbackBody(paymentId, 10000),
        payment: { ...callbackBody(paymentId, 10000).payment, id: `${paymentId}\u0000` },
      });
      const text = JSON.stringify(held);
      const refusal = { status: 400, body: { code: 500, error_description: 'payment.id: must not contain U+0000 (NUL)' } };
      expect(await deliver(text)).toEqual(refusal);
      const inStatus = signed({
        ...callbackBody(paymentId, 10000),
        payment: { ...callbackBody(paymentId, 10000).payment, status: 'processing\u0000' },
      });
      expect((await deliver(inStatus)).body.error_description).toBe('payment.status: must not contain U+0000 (NUL)');
      expect(await service.store.listRejectedCallbacks()).toEqual([
        expect.objectContaining({ reason: 'payment.id: must not contain U+0000 (NUL)', deliveries: 1, rawBody: text }),
        expect.objectContaining({ reason: 'payment.status: must not contain U+0000 (NUL)', deliveries: 1 }),
      ]);
      expect(await service.store.listCallbacks({})).toEqual([]);
      expect(await paymentStatus(paymentId)).toBe('pending');
      // Text kept only in the raw body, as a JSON escape, refuses nothing.
      const elsewhere = callbackBody(paymentId, 10000);
      const inMessage = signed({ ...elsewhere, operation: { ...elsewhere.operation, message: 'Success\u0000' } });
      expect((await deliver(inMessage)).body.result).toBe('credited');
      expect(await balance()).toBe(10000);
      expect((await service.store.listCallbacks({})).map((c) => c.rawBody)).toEqual([JSON.stringify(inMessage)]);
    });

    it('keeps nothing of one unsigned, wrongly signed, without a project or not JSON: anybody could send it', async () => {
      const paymentId = await deposit(10000);
      const { status: _omit, ...paymentWithoutStatus } = callbackBody(paymentId, 10000).payment;
      const broken = { ...callbackBody(paymentId, 10000), payment: paymentWithoutStatus };
      expect(await deliver(broken)).toMatchObject({
        status: 403,
        body: { error_description: expect.stringMatching(/^signature is missing/) as unknown },
      });
      expect((await deliver(signed(broken, 'operator-typo'))).status).toBe(403);
      expect((await deliver('{"project_id":')).status).toBe(400);
      // Without a project the signature cannot be checked: refused as breaking the contract, not kept.
      const { project_id: _project, ...withoutProject } = signed(callbackBody(paymentId, 10000));
      expect(await deliver(withoutProject)).toEqual({
        status: 400,
        body: { code: 500, error_description: 'project_id: required field is missing' },
      });
      expect(await service.store.listRejectedCallbacks()).toEqual([]);
      expect(await service.store.listCallbacks({})).toEqual([]);
    });

    it('answers 400 for a body that is not JSON', async () => {
      expect((await deliver('{"project_id":')).status).toBe(400);
    });

    it('takes a body that says neither what it is nor carries a payment for the callback it was posted as', async () => {
      expect(await deliver(signed({ project_id: 1234 }))).toEqual({
        status: 400,
        body: { code: 500, error_description: 'payment: required field is missing' },
      });
      expect(await deliver([])).toEqual({ status: 400, body: { code: 500, error_description: 'request body must be a JSON object' } });
      expect(await service.store.listRejectedCallbacks()).toHaveLength(1);
    });
  });

  describe("posted to /terminal (the project's callback URL set to the terminal's)", () => {
    async function atTerminal(body: unknown) {
      const answer = await post(service.url, '/terminal', body);
      expectContract(answer, answer.status === 200 ? 'CallbackAck' : 'ErrorResponse');
      return answer;
    }

    it('is stored and credited once, and answered as at /callback', async () => {
      const paymentId = await deposit(10000);
      const callback = signed(callbackBody(paymentId, 10000));
      expect(await atTerminal(callback)).toEqual({ status: 200, body: { code: 0, result: 'credited', payment_id: paymentId } });
      expect(await atTerminal(callback)).toEqual({ status: 200, body: { code: 0, result: 'duplicate', payment_id: paymentId } });
      expect(await deliver(callback)).toEqual({ status: 200, body: { code: 0, result: 'duplicate', payment_id: paymentId } });
      expect(await balance()).toBe(10000);
      expect(await paymentStatus(paymentId)).toBe('success');
      const [stored, ...more] = await service.store.listCallbacks({ paymentId });
      expect(more).toEqual([]);
      expect(stored).toMatchObject({ result: 'credited', deliveries: 3, headers: { 'posted-to': '/terminal' } });
    });

    it("takes the SDK's signature in general, as /callback does", async () => {
      const paymentId = await deposit(10000);
      const callback = signedAs(callbackBody(paymentId, 10000, 'canceled'), { algorithm: 'sdk', place: 'general' });
      expect(await atTerminal(callback)).toEqual({ status: 200, body: { code: 0, result: 'failed', payment_id: paymentId } });
      expect(await paymentStatus(paymentId)).toBe('failed');
    });

    it('is refused as at /callback, never with a 200: the platform delivers it again', async () => {
      const paymentId = await deposit(10000);
      expect(await atTerminal(signed(callbackBody(paymentId, 10000), 'not-the-secret'))).toEqual({
        status: 403,
        body: { code: 400, error_description: 'signature does not match the request body for project 1234' },
      });
      const { status: _omit, ...paymentWithoutStatus } = callbackBody(paymentId, 10000).payment;
      expect(await atTerminal(signed({ ...callbackBody(paymentId, 10000), payment: paymentWithoutStatus }))).toEqual({
        status: 400,
        body: { code: 500, error_description: 'payment.status: required field is missing' },
      });
      expect(await balance()).toBe(0);
      expect(await paymentStatus(paymentId)).toBe('pending');
    });

    it('leaves verify and check_deposit to /terminal: a body with a type, or without a payment object, is one of them', async () => {
      const answer = await post(service.url, '/terminal', signed({ ...verifyRequest('acc-1'), payment: { id: 'x' } }));
      expect(answer).toEqual({ status: 200, body: { code: 0, currency: 'KZT' } });
      const { type: _type, ...untyped } = verifyRequest('acc-1');
      expect(await post(service.url, '/terminal', signed({ ...untyped, payment: 'x' }))).toEqual({
        status: 200,
        body: { code: 500, error_description: 'type: required field is missing or not a string' },
      });
    });
  });
});

describe('store failures (SQLite)', () => {
  it('answers 503 while another writer holds the store, and applies the redelivery once it is free', async () => {
    const service = await startService({ accounts: [{ customerId: 'acc-1', currency: 'KZT' }], busyTimeoutMs: 100 });
    const balance = async () => (await service.store.findAccount('acc-1'))?.balance;
    const deliver = (body: unknown) => post(service.url, '/callback', body);
    const depositAnswer = await post(service.url, '/terminal', signed(checkDepositRequest('acc-1', 10000)));
    const paymentId = depositAnswer.body.payment_id as string;
    const callback = signed(callbackBody(paymentId, 10000));
    const locker = new Database(service.databaseUrl.slice('sqlite:'.length));
    locker.exec('begin exclusive');
    try {
      expect(await deliver(callback)).toEqual({
        status: 503,
        body: { code: 500, error_description: 'temporarily unavailable, please retry' },
      });
      const deposit = await post(service.url, '/terminal', signed(checkDepositRequest('acc-1', 100)));
      expect(deposit.body).toEqual({ code: 500, error_description: 'temporarily unavailable, please retry' });
      // A callback posted to /terminal is not acknowledged either.
      expect(await post(service.url, '/terminal', callback)).toEqual({
        status: 503,
        body: { code: 500, error_description: 'temporarily unavailable, please retry' },
      });
    } finally {
      locker.exec('rollback');
      locker.close();
    }
    expect(await balance()).toBe(0);
    expect((await deliver(callback)).body.result).toBe('credited');
    expect(await balance()).toBe(10000);
    await service.close();
  });
});
