// Hostile input: every answer well-formed and in the protocol's terms, the process up, and the store
// byte-for-byte unchanged when nothing valid was sent.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaValidators } from '../../generated/validators.js';
import { callbackBody, checkDepositRequest, DEMO_SECRET, signed, verifyRequest, type AnswerBody } from '../support/platform.js';
import { startService, type TestService } from '../support/service.js';
import { storeDigest } from '../support/store-digest.js';

const SECRET = DEMO_SECRET;
let service: TestService;
let digestBefore: string;

beforeAll(async () => {
  service = await startService({ accounts: [{ customerId: 'acc-1', currency: 'KZT' }], bodyLimitBytes: 4096 });
  // Something to protect: a credited payment and a flagged callback already stored.
  const { body } = await sendJson('/terminal', signed(checkDepositRequest('acc-1', 10000)));
  await sendJson('/callback', signed(callbackBody(body!.payment_id!, 10000)));
  await sendJson('/callback', signed(callbackBody('unknown', 10000)));
  digestBefore = storeDigest(service.databaseUrl);
});
afterAll(() => service.close());

interface Raw {
  status: number;
  text: string;
  /** The answer as JSON, when it is JSON. */
  body: AnswerBody | undefined;
}

async function send(
  path: string,
  payload: string | Uint8Array,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Raw> {
  const response = await fetch(service.url + path, { method: 'POST', headers, body: payload });
  const text = await response.text();
  let body: AnswerBody | undefined;
  try {
    body = JSON.parse(text) as AnswerBody;
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body };
}
const sendJson = (path: string, value: unknown) => send(path, JSON.stringify(value));

/**
 * Whether a body is answered as /terminal answers, wherever it was posted: as the spec says, a body
 * with `type` and no `payment` object is a verify or check_deposit, one without `type` carrying a
 * `payment` object a callback, and anything else is what its URL takes.
 */
function answeredAsTerminal(path: string, payload: string | Uint8Array): boolean {
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
  } catch {
    return path === '/terminal';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return path === '/terminal';
  const { type, payment } = value as Record<string, unknown>;
  const hasPayment = payment !== null && typeof payment === 'object' && !Array.isArray(payment);
  if (type === undefined && hasPayment) return false;
  if (type !== undefined && !hasPayment) return true;
  return path === '/terminal';
}

/** A refusal in the protocol's own shape, with nothing in it that should never leave the service. */
function expectRefusal(answer: Raw, path: string, payload: string | Uint8Array): void {
  expect([200, 400, 403, 413]).toContain(answer.status);
  expect(schemaValidators.ErrorResponse(answer.body), answer.text).toBe(true);
  expect(answer.body?.error_description?.length).toBeGreaterThan(0);
  expect(answer.text).not.toMatch(/\bat .+\.(js|ts):\d+|SQLITE|sqlite_|insert into|select .* from/i);
  expect(answer.text).not.toContain(SECRET);
  // A callback refused with a 200 would be lost: the platform takes any 200 as delivered.
  if (answeredAsTerminal(path, payload)) expect([200, 403, 413]).toContain(answer.status);
  else expect(answer.status).not.toBe(200);
}

async function expectAlive(): Promise<void> {
  expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
}

describe('named hostile requests', () => {
  const good = signed(verifyRequest('acc-1'));
  const cases: Array<[string, string, string | Uint8Array, Record<string, string>?]> = [
    ['malformed JSON', '/terminal', '{"type":"verify",'],
    ['malformed JSON to the callback', '/callback', '{"project_id":1234'],
    ['empty body', '/terminal', ''],
    ['empty body to the callback', '/callback', ''],
    ['a JSON string', '/terminal', '"verify"'],
    ['a JSON array', '/callback', '[1,2,3]'],
    ['null', '/terminal', 'null'],
    ['form-encoded body', '/terminal', 'type=verify&customer_id=1', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no content type, not JSON', '/terminal', 'hello', {}],
    ['body over the limit', '/terminal', JSON.stringify({ ...good, pad: 'x'.repeat(5000) })],
    ['body over the limit to the callback', '/callback', JSON.stringify({ pad: 'x'.repeat(5000) })],
    ['deep nesting', '/terminal', `${'['.repeat(2000)}${']'.repeat(2000)}`],
    ['deep object nesting', '/callback', `${'{"a":'.repeat(600)}1${'}'.repeat(600)}`],
    ['__proto__ key', '/terminal', '{"__proto__":{"admin":true},"type":"verify","customer_id":"acc-1","project_id":1234}'],
    ['constructor.prototype keys', '/callback', '{"constructor":{"prototype":{"admin":true}},"project_id":1234}'],
    ['invalid UTF-8', '/terminal', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d])],
    [
      'invalid UTF-8 in a signed body',
      '/callback',
      Buffer.concat([
        Buffer.from(JSON.stringify(signed(callbackBody('x', 1))).slice(0, -1)),
        Buffer.from([0x2c, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      ]),
    ],
    ['lone surrogate escape', '/terminal', '{"type":"verify","customer_id":"\\ud800","project_id":1234,"signature":"x"}'],
    ['empty signature', '/terminal', JSON.stringify({ ...verifyRequest('acc-1'), signature: '' })],
    ['signature not Base64', '/terminal', JSON.stringify({ ...verifyRequest('acc-1'), signature: '!!!not base64!!!' })],
    ['signature far too long', '/terminal', JSON.stringify({ ...verifyRequest('acc-1'), signature: 'A'.repeat(3000) })],
    ['signature of another key', '/callback', JSON.stringify(signed(callbackBody('x', 100), 'another-key'))],
    ['signature as an object', '/terminal', JSON.stringify({ ...verifyRequest('acc-1'), signature: { value: good.signature } })],
    ['tampered after signing', '/terminal', JSON.stringify({ ...good, customer_id: 'acc-2' })],
    ['project as a string', '/terminal', JSON.stringify({ ...good, project_id: '1234' })],
    ['unsigned callback without project_id', '/callback', JSON.stringify({ payment: { id: 'x' } })],
    ['unsigned callback with a wrong project_id type', '/callback', JSON.stringify({ project_id: 'abc', payment: { id: 'x' } })],
    ['unknown project', '/callback', JSON.stringify(signed({ ...callbackBody('x', 1), project_id: 987654 }))],
    ['amount 0', '/terminal', JSON.stringify(signed(checkDepositRequest('acc-1', 0)))],
    ['negative amount', '/terminal', JSON.stringify(signed(checkDepositRequest('acc-1', -100)))],
    ['fractional amount', '/terminal', JSON.stringify(signed(checkDepositRequest('acc-1', 99.5)))],
    ['amount as a string', '/terminal', JSON.stringify(signed({ ...checkDepositRequest('acc-1', 1), amount: '100' }))],
    [
      'amount beyond 2^53',
      '/terminal',
      JSON.stringify(signed(checkDepositRequest('acc-1', 1))).replace('"amount":1', '"amount":9007199254740993'),
    ],
    ['customer id with SQL', '/terminal', JSON.stringify(signed(checkDepositRequest("acc-1' OR '1'='1", 100)))],
    ['customer id with control characters', '/terminal', JSON.stringify(signed(verifyRequest('acc-1\u0000\u001b[2J')))],
    ['customer id far too long', '/terminal', JSON.stringify(signed(verifyRequest('a'.repeat(300))))],
    ['wrong type', '/terminal', JSON.stringify(signed({ ...verifyRequest('acc-1'), type: 'refund' }))],
    ['another payment method', '/terminal', JSON.stringify(signed({ ...checkDepositRequest('acc-1', 100), payment_method: 'card' }))],
  ];

  it.each(cases)('%s: a clear protocol answer', async (_name, path, payload, headers) => {
    const answer = await send(path, payload, headers);
    expectRefusal(answer, path, payload);
  });

  it('says why a body cannot be read: its Content-Encoding, a __proto__ key', async () => {
    const body = JSON.stringify(signed(verifyRequest('acc-1')));
    const compressors = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
    for (const [encoding, compress] of Object.entries(compressors)) {
      const headers = { 'content-type': 'application/json', 'content-encoding': encoding };
      expect((await send('/terminal', body, headers)).body, encoding).toEqual({
        code: 500,
        error_description: 'request body cannot be read: it is not compressed as its Content-Encoding header says',
      });
      const cut = await send('/callback', compress(body).subarray(0, 20), headers);
      expect(cut.status, encoding).toBe(400);
      expect(cut.body?.error_description, encoding).toBe(
        'request body cannot be read: it is not compressed as its Content-Encoding header says',
      );
      // Compressed as it says, it is read.
      expect((await send('/terminal', compress(body), headers)).body, encoding).toEqual({ code: 0, currency: 'KZT' });
    }

    expect((await send('/terminal', body, { 'content-type': 'application/json', 'content-encoding': 'compress' })).body).toEqual({
      code: 500,
      error_description: 'request body cannot be read: Content-Encoding "compress" is not gzip, deflate, br or none',
    });
    // Read as UTF-8, whatever charset the Content-Type names.
    expect((await send('/terminal', body, { 'content-type': 'application/json; charset=klingon' })).body).toEqual({
      code: 0,
      currency: 'KZT',
    });

    for (const hostile of ['{"__proto__":{"admin":true},"type":"verify"}', '{"type":"verify","a":[{"__proto__":{"admin":true}}]}']) {
      expect((await send('/terminal', hostile)).body).toEqual({
        code: 500,
        error_description: 'request body contains a forbidden "__proto__" key',
      });
    }
  });

  it('a signed verify with extra fields is answered: they are covered by the signature', async () => {
    const answer = await sendJson('/terminal', signed({ ...verifyRequest('acc-1'), extra: { nested: [1, 2] }, note: 'x' }));
    expect(answer.body).toEqual({ code: 0, currency: 'KZT' });
  });

  it('leaves the service up and the store byte-for-byte unchanged', async () => {
    await expectAlive();
    expect(storeDigest(service.databaseUrl)).toBe(digestBefore);
  });
});

describe('generated hostile requests (fast-check)', () => {
  const path = fc.constantFrom('/terminal', '/callback');
  // Wrong for every field of the templates, strings and integers alike.
  const wrongTyped = fc.oneof(
    fc.boolean(),
    fc.constant(null),
    fc.double({ noInteger: true }),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
  );
  // Something the signature covers: empty arrays and objects contribute nothing to the signed
  // string (as in the platform's reference implementation), so adding one is not tampering.
  const signedContent = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.string(),
    fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
  );
  const templates = [verifyRequest('acc-1'), checkDepositRequest('acc-1', 100), callbackBody('some-payment', 100)] as Array<
    Record<string, unknown>
  >;

  const payloads = fc.oneof(
    fc.string({ maxLength: 300 }).map((text) => ({ path: undefined, payload: text })),
    fc.jsonValue({ maxDepth: 6 }).map((value) => ({ path: undefined, payload: JSON.stringify(value) })),
    fc.uint8Array({ maxLength: 400 }).map((bytes) => ({ path: undefined, payload: bytes })),
    // A real body under a signature that is not its own.
    fc
      .tuple(fc.constantFrom(...templates), fc.oneof(fc.string(), fc.base64String({ minLength: 88, maxLength: 88 })))
      .map(([body, signature]) => ({
        path: undefined,
        payload: JSON.stringify({ ...body, signature }),
      })),
    // A real, correctly signed body tampered with afterwards.
    fc.tuple(fc.constantFrom(...templates), fc.string({ maxLength: 20 }), signedContent).map(([body, key, value]) => ({
      path: undefined,
      payload: JSON.stringify({ ...signed(body), [`x_${key}`]: value }),
    })),
    // A correctly signed /terminal body with one field of the wrong type: the contract refuses it.
    fc
      .tuple(fc.constantFrom(templates[0]!, templates[1]!), wrongTyped)
      .chain(([body, value]) =>
        fc
          .constantFrom(...Object.keys(body))
          .map((key) => ({ path: '/terminal', payload: JSON.stringify(signed({ ...body, [key]: value })) })),
      ),
  );

  it('answers 1,200 generated requests in the protocol shape, stays up, changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(path, payloads, async (randomPath, { path: fixedPath, payload }) => {
        const target = fixedPath ?? randomPath;
        const answer = await send(target, payload);
        expectRefusal(answer, target, payload);
      }),
      { numRuns: 1200 },
    );
    await expectAlive();
    expect(storeDigest(service.databaseUrl)).toBe(digestBefore);
  }, 120_000);
});
