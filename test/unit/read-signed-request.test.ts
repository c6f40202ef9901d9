// From body text to an authenticated, typed request, or the failure that names what is wrong — in
// the order the module promises: JSON, project, signature over the text as received, contract.
import { describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../../src/config.js';
import { readSignedRequest, type SignedOperationId } from '../../src/protocol/read-signed-request.js';
import { callbackBody, DEMO_SECRET, signed, signedAs, verifyRequest } from '../support/platform.js';

const project: ProjectConfig = { id: 1234, secrets: [DEMO_SECRET] };
const projects = new Map([[1234, project]]);

/** What the service's body parser hands over: the text, and JSON.parse's value of it (undefined if none). */
function read(operationId: SignedOperationId, text: string | undefined) {
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return readSignedRequest(operationId, text, parsed, projects);
}
const failed = (reason: string, message: string) => ({ kind: 'failure', reason, message });
const text = (body: unknown) => JSON.stringify(body);

describe('readSignedRequest', () => {
  it('refuses a body that is empty, not JSON, or not an object', () => {
    for (const empty of [undefined, '', ' \n']) {
      expect(read('terminal', empty)).toEqual(failed('malformed_body', 'request body is empty: send the signed JSON object'));
    }
    expect(read('terminal', '{"type":')).toEqual(
      failed('malformed_body', 'request body is not valid JSON: unexpected end of input at offset 8'),
    );
    for (const notAnObject of ['[]', '"verify"', 'null', '7']) {
      expect(read('terminal', notAnObject), notAnObject).toEqual(failed('malformed_body', 'request body must be a JSON object'));
    }
  });

  it('names a missing or malformed project_id, and a project with no secret here, before any signature', () => {
    expect(read('terminal', '{"type":"verify"}')).toEqual(failed('contract_violation', 'project_id: required field is missing'));
    for (const id of ['"1234"', '0', '-1', '1.5', '9007199254740993']) {
      expect(read('terminal', `{"project_id":${id}}`), id).toEqual(failed('contract_violation', 'project_id: must be a positive integer'));
    }
    expect(read('terminal', text(signed(verifyRequest('c', 99))))).toEqual(
      failed('unknown_project', 'unknown project_id 99: no secret is configured for it'),
    );
  });

  it('takes the signature of a verify or check_deposit at the top level only', () => {
    expect(read('terminal', text(verifyRequest('c')))).toEqual(
      failed(
        'signature_missing',
        'signature is missing: sign the body with the project secret and send the signature in the top-level "signature" field',
      ),
    );
    expect(read('terminal', text(signedAs(verifyRequest('c'), { algorithm: 'documented', place: 'general' })))).toEqual(
      failed(
        'signature_missing',
        'a /terminal request carries its signature in the top-level "signature" field, not in "general.signature"',
      ),
    );
  });

  it("tells a callback's missing, doubled, empty, non-string and wrong signature apart", () => {
    const body = callbackBody('p-1', 10000);
    expect(read('callback', text(body))).toEqual(
      failed(
        'signature_missing',
        'signature is missing: neither a top-level "signature" nor a "general.signature" field; sign the body with the project secret and send the signature in one of them',
      ),
    );
    expect(read('callback', text({ ...signed(body), general: { signature: 'x' } }))).toEqual(
      failed('signature_invalid', 'signature is given twice, at the top level and in "general.signature": send it in exactly one place'),
    );
    expect(read('callback', text({ ...body, signature: '' }))).toEqual(failed('signature_missing', 'signature is empty'));
    expect(read('callback', text({ ...body, signature: 7 }))).toEqual(
      failed('signature_invalid', 'signature must be a string (Base64 HMAC-SHA512)'),
    );
    expect(read('callback', text(signed(body, 'another secret')))).toEqual(
      failed('signature_invalid', 'signature does not match the request body for project 1234'),
    );
  });

  it('says so when a wrong signature may come from bytes that were not UTF-8', () => {
    const body = text(signed({ ...verifyRequest('c'), note: 'caf\uFFFD' }, 'another secret'));
    expect(read('terminal', body)).toEqual(
      failed(
        'signature_invalid',
        'signature does not match the request body for project 1234; the body holds U+FFFD, which is how bytes that are not UTF-8 are read: send the body encoded as UTF-8',
      ),
    );
  });

  it("checks the contract only once the signature holds, and marks the failure as the platform's", () => {
    expect(read('terminal', text(signed({ type: 'verify', project_id: 1234 })))).toEqual({
      ...failed('contract_violation', 'customer_id: required field is missing'),
      authenticated: true,
    });
    // An unsigned body that breaks the contract is refused for its signature, not its shape.
    expect(read('terminal', '{"project_id":1234,"type":"refund"}')).toMatchObject({ reason: 'signature_missing' });
  });

  it('names the first field that breaks the contract, in the words of the contract', () => {
    const contract = (operationId: SignedOperationId, body: object) => {
      const outcome = read(operationId, text(signed(body)));
      return 'reason' in outcome && outcome.reason === 'contract_violation' ? outcome.message : outcome;
    };
    const deposit = {
      type: 'check_deposit',
      project_id: 1234,
      customer_id: 'c',
      amount: 10000,
      currency: 'KZT',
      payment_method: 'kassa24_bvu',
    };
    expect([
      contract('terminal', { ...verifyRequest('c'), type: 'refund' }),
      contract('terminal', { ...deposit, amount: 100.5 }),
      contract('terminal', { ...deposit, amount: 0 }),
      contract('terminal', { ...deposit, currency: 'kzt' }),
      contract('terminal', { ...deposit, payment_method: 'card' }),
    ]).toEqual([
      'type: "refund" is not a known value; expected "verify" or "check_deposit"',
      'amount: must be of type integer',
      'amount: must be >= 1',
      'currency: must match pattern "^[A-Z]{3}$"',
      'payment_method: must be "kassa24_bvu"',
    ]);
    const callback = callbackBody('p-1', 10000);
    expect([
      contract('callback', { ...callback, payment: { ...callback.payment, status: undefined } }),
      contract('callback', { ...callback, payment: { ...callback.payment, sum: { amount: '100', currency: 'KZT' } } }),
    ]).toEqual(['payment.status: required field is missing', 'payment.sum.amount: must be of type integer']);
  });

  it('leaves text a store could not keep to the operation: the contract holds, U+0000 and all', () => {
    const callback = signed(callbackBody('p-1\u0000', 10000));
    expect(read('callback', text(callback))).toEqual({ project, body: callback });
  });

  it('answers a signed request that keeps the contract with its project and typed body', () => {
    const verify = signed(verifyRequest('7123456789'));
    expect(read('terminal', text(verify))).toEqual({ project, body: verify });
    const callback = signedAs(callbackBody('p-1', 10000), { algorithm: 'sdk', place: 'general' });
    expect(read('callback', text(callback))).toEqual({ project, body: callback });
  });
});
