// What a request came to, before anyone decides how it looks on the wire (see http/wire.ts).

export type FailureReason =
  | 'malformed_body'
  | 'contract_violation'
  | 'unknown_project'
  | 'signature_missing'
  | 'signature_invalid'
  | 'account_not_found'
  | 'currency_mismatch'
  | 'amount_out_of_limits'
  | 'body_too_large'
  | 'source_not_allowed'
  | 'no_such_endpoint'
  | 'method_not_allowed'
  | 'store_unavailable'
  | 'internal';

export interface Failure {
  readonly kind: 'failure';
  readonly reason: FailureReason;
  /** Safe to show the caller: no stack, no secret, no SQL. */
  readonly message: string;
  /** Set when the request's signature was verified before it failed: its sender is the platform. */
  readonly authenticated?: true;
}

export interface Success<T> {
  readonly kind: 'success';
  readonly body: T;
  /** HTTP status when not 200 (a failed readiness probe). */
  readonly status?: number;
}

export type Outcome<T> = Success<T> | Failure;

export const failure = (reason: FailureReason, message: string): Failure => ({ kind: 'failure', reason, message });
export const success = <T>(body: T, status?: number): Success<T> => ({ kind: 'success', body, ...(status && { status }) });
