// The one place an admin outcome that is not a success becomes an HTTP status and an RFC 9457
// problem: handlers return a kind and a detail, never a status.
import type { components } from '../../generated/admin/openapi-types.js';
import type { OperatorRefusal } from '../ledger/operator-rules.js';

export type Problem = components['schemas']['Problem'];
type FieldError = components['schemas']['FieldError'];

const KINDS = {
  'invalid-request': { status: 400, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'A valid bearer token is required' },
  forbidden: { status: 403, title: "The token's role may not do this" },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  exists: { status: 409, title: 'It exists already' },
  'already-closed': { status: 409, title: 'The account is closed already' },
  'already-active': { status: 409, title: 'The account is open already' },
  'negative-balance': { status: 409, title: 'The balance would become negative' },
  'already-paid': { status: 409, title: 'The payment is paid already' },
  'idempotency-conflict': { status: 409, title: 'The idempotency key was used for another request' },
  'not-flagged': { status: 409, title: 'The callback is not flagged for review' },
  'already-reviewed': { status: 409, title: 'The review is closed already' },
  'body-too-large': { status: 413, title: 'The body is too large' },
  'gate-not-configured': { status: 501, title: "The platform's Gate is not configured" },
  'store-unavailable': { status: 503, title: 'The store is unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemKind = keyof typeof KINDS;

/** A problem as handlers return it. */
export interface AdminProblem {
  problem: ProblemKind;
  detail: string;
  errors?: FieldError[];
}

export const problem = (kind: ProblemKind, detail: string, errors?: FieldError[]): AdminProblem => ({
  problem: kind,
  detail,
  ...(errors && { errors }),
});

const REFUSAL_KIND: Record<OperatorRefusal['reason'], ProblemKind> = {
  not_found: 'not-found',
  invalid: 'invalid-request',
  exists: 'exists',
  already_closed: 'already-closed',
  already_active: 'already-active',
  already_paid: 'already-paid',
  negative_balance: 'negative-balance',
  idempotency_conflict: 'idempotency-conflict',
  not_flagged: 'not-flagged',
  already_reviewed: 'already-reviewed',
};

/** A ledger rule's refusal, as a problem. */
export const refusalProblem = (refused: OperatorRefusal): AdminProblem =>
  problem(
    REFUSAL_KIND[refused.reason],
    refused.message,
    refused.field === undefined ? undefined : [{ field: refused.field, message: refused.message }],
  );

/** The status and body of a problem; `instance` is the request id. */
export function problemAnswer(p: AdminProblem, requestId: string): { status: number; body: Problem } {
  const { status, title } = KINDS[p.problem];
  return {
    status,
    body: {
      type: `urn:kassa24-bvu:problem:${p.problem}`,
      title,
      status,
      detail: p.detail,
      instance: requestId,
      ...(p.errors && { errors: p.errors }),
    },
  };
}
