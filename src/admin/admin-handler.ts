// The shape of an admin operation's handler, derived from the generated contract: what it receives
// (coerced parameters, a validated body, who asks) and what it may answer (a success the contract
// lists for that operation, or a problem). Every operation must have one: the map type says so.
import type { operations } from '../../generated/admin/openapi-types.js';
import type { Parameters, parameterValidators } from '../../generated/admin/parameter-validators.js';
import type { Payment } from '../ledger/model.js';
import type { SyncLine } from '../platform/status-sync.js';
import type { PageRequest } from '../store/cursor.js';
import type { Store } from '../store/store.js';
import type { AdminIdentity } from './admin-tokens.js';
import type { AdminProblem } from './problem.js';

export type OperationId = keyof operations;

type Body<K extends OperationId> = operations[K] extends { requestBody: { content: { 'application/json': infer B } } } ? B : undefined;
type Responses<K extends OperationId> = operations[K]['responses'];
type Success<K extends OperationId> = {
  [S in keyof Responses<K>]: S extends 200 | 201
    ? Responses<K>[S] extends { content: { 'application/json': infer B } }
      ? { status: S; body: B }
      : never
    : never;
}[keyof Responses<K>];

/** Asks the platform's Gate about a payment now, applies what it says, and tells what came of it. */
export type AskGate = (payment: Payment, askedBy: string) => Promise<SyncLine>;

export interface AdminRequest<K extends OperationId> {
  params: K extends keyof typeof parameterValidators ? Parameters<K> : Record<string, never>;
  body: Body<K>;
  identity: AdminIdentity;
  store: Store;
  /** Undefined while the service does not know the Gate (no GATE_URL). */
  askGate: AskGate | undefined;
}

export type AdminResult<K extends OperationId> = Success<K> | AdminProblem;
export type AdminHandlers = { [K in OperationId]: (request: AdminRequest<K>) => Promise<AdminResult<K>> };

/** A list's limit and cursor; the parameter validator has filled in the contract's default limit. */
export function pageRequest(params: { limit?: number; cursor?: string }): PageRequest {
  if (params.limit === undefined) throw new Error('limit missing: the parameter validator fills in its default');
  return { limit: params.limit, ...(params.cursor !== undefined && { cursor: params.cursor }) };
}
