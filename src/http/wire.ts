// The one place where an outcome becomes an HTTP status and a body. /terminal always answers 200
// with the outcome in `code` (the platform reads the body); /callback answers 200 only for a stored
// callback, since anything else makes the platform deliver it again.
import type { ErrorCode, ErrorResponse } from '../protocol/types.js';
import type { FailureReason, Outcome } from '../protocol/outcome.js';

export type Channel = 'terminal' | 'callback' | 'other';

const PROTOCOL_CODE: Record<FailureReason, ErrorCode> = {
  malformed_body: 500,
  contract_violation: 500,
  unknown_project: 400,
  signature_missing: 400,
  signature_invalid: 400,
  account_not_found: 404,
  currency_mismatch: 500,
  amount_out_of_limits: 500,
  body_too_large: 500,
  source_not_allowed: 400,
  no_such_endpoint: 500,
  method_not_allowed: 500,
  store_unavailable: 500,
  internal: 500,
};

// /terminal answers 200 for every protocol outcome; only what never reached the protocol differs.
const TERMINAL_STATUS: Partial<Record<FailureReason, number>> = {
  body_too_large: 413,
  source_not_allowed: 403,
};

const CALLBACK_STATUS: Record<FailureReason, number> = {
  malformed_body: 400,
  contract_violation: 400,
  unknown_project: 403,
  signature_missing: 403,
  signature_invalid: 403,
  account_not_found: 400,
  currency_mismatch: 400,
  amount_out_of_limits: 400,
  body_too_large: 413,
  source_not_allowed: 403,
  no_such_endpoint: 404,
  method_not_allowed: 405,
  store_unavailable: 503,
  internal: 500,
};

const OTHER_STATUS: Partial<Record<FailureReason, number>> = {
  source_not_allowed: 403,
  no_such_endpoint: 404,
  method_not_allowed: 405,
  malformed_body: 400,
  contract_violation: 400,
  body_too_large: 413,
  store_unavailable: 503,
  internal: 500,
};

export interface WireAnswer {
  status: number;
  body: unknown;
  /** For logs and metrics: the protocol code and, for failures, the reason. */
  code: number | undefined;
  reason?: FailureReason;
}

export function toWire(channel: Channel, outcome: Outcome<unknown>): WireAnswer {
  if (outcome.kind === 'success') {
    const code = (outcome.body as { code?: unknown }).code;
    return { status: outcome.status ?? 200, body: outcome.body, code: typeof code === 'number' ? code : undefined };
  }
  const code = PROTOCOL_CODE[outcome.reason];
  const body: ErrorResponse = { code, error_description: outcome.message };
  const status =
    channel === 'terminal'
      ? (TERMINAL_STATUS[outcome.reason] ?? 200)
      : channel === 'callback'
        ? CALLBACK_STATUS[outcome.reason]
        : (OTHER_STATUS[outcome.reason] ?? 400);
  return { status, body, code, reason: outcome.reason };
}
