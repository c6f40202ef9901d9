// The promises of the one place outcomes reach the wire: the platform reads /terminal's body and
// /callback's status, so a failed callback must never answer 200, and a verify or check_deposit
// always does (but for what never reached the protocol).
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../../generated/openapi-document.js';
import { toWire } from '../../src/http/wire.js';
import { failure, success, type FailureReason } from '../../src/protocol/outcome.js';

// Every reason, checked by the compiler: a reason added to the union must be added here.
const REASONS = Object.keys({
  malformed_body: true,
  contract_violation: true,
  unknown_project: true,
  signature_missing: true,
  signature_invalid: true,
  account_not_found: true,
  currency_mismatch: true,
  amount_out_of_limits: true,
  body_too_large: true,
  source_not_allowed: true,
  no_such_endpoint: true,
  method_not_allowed: true,
  store_unavailable: true,
  internal: true,
} satisfies Record<FailureReason, true>) as FailureReason[];

describe('toWire', () => {
  it('answers a failed callback with anything but 200, so that the platform delivers it again', () => {
    for (const reason of REASONS) {
      const wire = toWire('callback', failure(reason, 'why'));
      expect(wire.status, reason).not.toBe(200);
      expect(wire.status, reason).toBeGreaterThanOrEqual(400);
    }
    expect(toWire('callback', failure('store_unavailable', 'x')).status).toBe(503);
    expect(toWire('callback', failure('signature_invalid', 'x')).status).toBe(403);
    expect(toWire('callback', failure('contract_violation', 'x')).status).toBe(400);
  });

  it('answers a verify or check_deposit 200 with the outcome in code, unless it never reached the protocol', () => {
    for (const reason of REASONS) {
      const wire = toWire('terminal', failure(reason, 'why'));
      const outside = reason === 'body_too_large' || reason === 'source_not_allowed';
      expect(wire.status, reason).toBe(outside ? (reason === 'body_too_large' ? 413 : 403) : 200);
      expect([400, 404, 500], reason).toContain(wire.code);
      expect(wire.body, reason).toEqual({ code: wire.code, error_description: 'why' });
      expect(wire.reason, reason).toBe(reason);
    }
    expect(toWire('terminal', failure('account_not_found', 'Account does not exist')).body).toEqual({
      code: 404,
      error_description: 'Account does not exist',
    });
    for (const reason of ['unknown_project', 'signature_missing', 'signature_invalid'] as const) {
      expect(toWire('terminal', failure(reason, 'x')).code, reason).toBe(400);
    }
  });

  it('answers at each URL only what the contract lists there, whichever request was posted to it', () => {
    // Either URL takes either request (request-kind.ts); a path and a method outside the contract are
    // answered before any operation.
    const reasons = REASONS.filter((r) => r !== 'no_such_endpoint' && r !== 'method_not_allowed');
    for (const path of ['/terminal', '/callback'] as const) {
      const listed = Object.keys(openapiDocument.paths[path].post.responses);
      for (const channel of ['terminal', 'callback'] as const)
        for (const reason of reasons)
          expect(listed, `${channel} ${reason} at ${path}`).toContain(String(toWire(channel, failure(reason, 'x')).status));
    }
  });

  it('answers anything else as HTTP would', () => {
    expect(toWire('other', failure('no_such_endpoint', 'x')).status).toBe(404);
    expect(toWire('other', failure('method_not_allowed', 'x')).status).toBe(405);
    expect(toWire('other', failure('unknown_project', 'x')).status).toBe(400);
  });

  it('passes a success through with its status, and its code for the logs', () => {
    expect(toWire('terminal', success({ code: 0, currency: 'KZT' }))).toEqual({ status: 200, body: { code: 0, currency: 'KZT' }, code: 0 });
    expect(toWire('other', success({ status: 'unavailable' }, 503))).toEqual({
      status: 503,
      body: { status: 'unavailable' },
      code: undefined,
    });
  });
});
