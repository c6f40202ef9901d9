// The admin API (openapi/kassa24-admin.yaml) as one Koa middleware for everything under /admin/:
// openapi-backend routes by the admin document, the bearer token names who asks and whether they
// may act, the generated validators check parameters and body, a handler answers, and every
// answer that is not a success leaves as problem+json (problem.ts). It answers every /admin/ path
// itself, errors included, so nothing of the platform's protocol answers here.
import type Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { OpenAPIRouter, type Document } from 'openapi-backend';
import { openapiDocument } from '../../generated/admin/openapi-document.js';
import { parameterValidators } from '../../generated/admin/parameter-validators.js';
import { requestBodySchema, schemaValidators, type ValidationError } from '../../generated/admin/validators.js';
import { routeMatcher } from '../http/routes.js';
import { bodyFailure } from '../http/request-failure.js';
import type { Logger } from '../logger.js';
import { describeValidationError } from '../protocol/validation-message.js';
import { InvalidCursorError } from '../store/cursor.js';
import { unstorableFields } from '../store/storable-text.js';
import { StoreUnavailableError, type Store } from '../store/store.js';
import type { AdminHandlers, AdminRequest, AskGate, OperationId } from './admin-handler.js';
import type { AdminIdentity, AdminTokens } from './admin-tokens.js';
import { accountHandlers } from './handlers/accounts.js';
import { adjustmentHandlers } from './handlers/adjustments.js';
import { callbackHandlers } from './handlers/callbacks.js';
import { overviewHandlers } from './handlers/overview.js';
import { paymentHandlers } from './handlers/payments.js';
import { reconciliationHandlers } from './handlers/reconciliations.js';
import { problem, problemAnswer, type AdminProblem } from './problem.js';

export const ADMIN_PREFIX = '/admin/';

export interface AdminApiOptions {
  readonly store: Store;
  /** Undefined: the admin API is off and every /admin/ path answers 404. */
  readonly tokens: AdminTokens | undefined;
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
  /** Undefined while the service does not know the platform's Gate (no GATE_URL). */
  readonly askGate?: AskGate;
}

interface AdminState {
  requestId: string;
  operationId?: string;
  /** The token's name, for the access log: who read or tried what, refusals included. */
  actor?: string;
}

const handlers: AdminHandlers = {
  ...overviewHandlers,
  ...accountHandlers,
  ...paymentHandlers,
  ...callbackHandlers,
  ...adjustmentHandlers,
  ...reconciliationHandlers,
};

// Operations that change something; a viewer may call all the others.
const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The field an ajv error is about: its path, or the property it found missing or unexpected. */
function fieldOf(error: ValidationError): string {
  const path = error.instancePath.split('/').slice(1).join('.');
  const named = error.params.missingProperty ?? error.params.additionalProperty;
  return typeof named === 'string' ? (path ? `${path}.${named}` : named) : path;
}

function invalid(where: 'parameter' | 'body', errors: readonly ValidationError[]): AdminProblem {
  const fields = errors.map((error) => ({
    field: fieldOf(error),
    message:
      error.keyword === 'additionalProperties'
        ? `is not a ${where === 'parameter' ? 'parameter' : 'field'} of this operation`
        : describeValidationError(error).replace(/^[^:]*: /, ''),
  }));
  return problem('invalid-request', fields.map((f) => `${f.field || where}: ${f.message}`).join('; '), fields);
}

/** The fields of parameters or a body whose text no store may be handed (storable-text.ts). */
function unstorable(value: unknown): AdminProblem | undefined {
  const fields = unstorableFields(value);
  if (fields.length === 0) return undefined;
  return problem(
    'invalid-request',
    fields.map(({ field, refusal }) => `${field}: ${refusal}`).join('; '),
    fields.map(({ field, refusal }) => ({ field, message: refusal })),
  );
}

type Answer = { status: number; body: unknown } | AdminProblem;

function percentDecodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export function adminApi(options: AdminApiOptions): Koa.Middleware<AdminState> {
  const { store, tokens, logger } = options;
  const router = new OpenAPIRouter({ definition: openapiDocument as unknown as Document });
  const unhandled = router.getOperations().filter((op) => !(op.operationId! in handlers));
  if (unhandled.length) throw new Error(`no admin handler for ${unhandled.map((op) => op.operationId).join(', ')}`);
  const routeOf = routeMatcher(router);
  const parseBody = bodyParser({ enableTypes: ['json'], jsonLimit: String(options.bodyLimitBytes), strict: true, detectJSON: () => true });

  const identify = (ctx: Koa.Context): AdminIdentity | undefined => {
    const token = BEARER.exec(ctx.get('authorization'))?.[1];
    return token === undefined ? undefined : tokens?.identify(token);
  };

  async function answer(ctx: Koa.ParameterizedContext<AdminState>): Promise<Answer> {
    if (!tokens) return problem('not-found', `no such endpoint: ${ctx.method} ${ctx.path}; the admin API is off (ADMIN_TOKENS is not set)`);
    const route = routeOf(ctx.method, ctx.path);
    if (!('operationId' in route)) {
      if (route.missing === 'no_such_endpoint') return problem('not-found', `no such endpoint: ${ctx.method} ${ctx.path}`);
      ctx.set('Allow', route.allow);
      return problem('method-not-allowed', `${ctx.method} is not allowed on ${ctx.path}; it takes ${route.allow}`);
    }
    const operationId = route.operationId as OperationId;
    ctx.state.operationId = operationId;
    const identity = identify(ctx);
    if (!identity) return problem('unauthorized', 'send Authorization: Bearer TOKEN with a token named in ADMIN_TOKENS');
    ctx.state.actor = identity.name;
    if (MUTATING_METHODS.has(ctx.method) && identity.role !== 'operator') {
      return problem('forbidden', `token ${identity.name} is a ${identity.role}; ${operationId} needs the operator role`);
    }

    if (!percentDecodable(ctx.path)) {
      return problem('invalid-request', `the path ${ctx.path} is not valid percent-encoding`, [
        { field: 'path', message: 'malformed percent-encoding' },
      ]);
    }
    const operation = router.getOperation(operationId)!;
    const pathParams = router.parseRequest({ method: ctx.method, path: ctx.path, headers: {} }, operation).params as Record<string, string>;
    // No parameter of this contract is a list: one given twice is a mistake, not a type error.
    const repeated = Object.entries(ctx.query).filter(([, value]) => Array.isArray(value));
    if (repeated.length > 0) {
      return problem(
        'invalid-request',
        repeated.map(([field, value]) => `${field}: given ${value!.length} times; send it once`).join('; '),
        repeated.map(([field]) => ({ field, message: 'given more than once' })),
      );
    }
    const params: Record<string, unknown> = { ...ctx.query, ...pathParams };
    const validateParams = (parameterValidators as Record<string, (typeof parameterValidators)[keyof typeof parameterValidators]>)[
      operationId
    ];
    if (validateParams && !validateParams(params)) return invalid('parameter', validateParams.errors ?? []);
    if (!validateParams && Object.keys(params).length > 0) {
      return problem(
        'invalid-request',
        `${operationId} takes no parameters`,
        Object.keys(params).map((field) => ({ field, message: 'is not a parameter of this operation' })),
      );
    }
    const unstorableParams = unstorable(params);
    if (unstorableParams) return unstorableParams;

    let body: unknown;
    const bodySchema = (requestBodySchema as Partial<Record<OperationId, keyof typeof schemaValidators>>)[operationId];
    if (bodySchema) {
      try {
        await parseBody(ctx, () => Promise.resolve());
      } catch (error) {
        const failed = bodyFailure(error, options.bodyLimitBytes, ctx.get('content-encoding'));
        if (failed.reason === 'body_too_large') return problem('body-too-large', failed.message);
        return problem('invalid-request', failed.message, [{ field: '', message: 'must be a JSON object' }]);
      }
      body = ctx.request.body;
      const validateBody = schemaValidators[bodySchema] as (data: unknown) => boolean;
      if (!validateBody(body)) return invalid('body', (validateBody as { errors?: ValidationError[] }).errors ?? []);
      const unstorableBody = unstorable(body);
      if (unstorableBody) return unstorableBody;
    }

    const request = { params, body, identity, store, askGate: options.askGate } as unknown as AdminRequest<typeof operationId>;
    return (handlers[operationId] as (r: typeof request) => Promise<Answer>)(request);
  }

  /** What an admin request that threw is answered: problem details, whatever failed. */
  function failedAnswer(error: unknown, requestId: string): Answer {
    if (error instanceof InvalidCursorError)
      return problem('invalid-request', `${error.field}: ${error.reason}`, [{ field: error.field, message: error.reason }]);
    if (error instanceof StoreUnavailableError) {
      logger.error({ requestId, err: error }, 'admin request: store unavailable');
      return problem('store-unavailable', 'the store cannot serve right now; retry later');
    }
    logger.error({ requestId, err: error }, 'admin request failed');
    return problem('internal', `internal error; the service log has the details under request id ${requestId}`);
  }

  return async (ctx, next) => {
    if (!ctx.path.startsWith(ADMIN_PREFIX)) {
      await next();
      return;
    }
    const result = await answer(ctx).catch((error: unknown) => failedAnswer(error, ctx.state.requestId));
    if ('problem' in result) {
      const { status, body } = problemAnswer(result, ctx.state.requestId);
      ctx.status = status;
      ctx.body = body;
      ctx.type = 'application/problem+json';
      if (status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="kassa24-bvu admin"');
    } else {
      ctx.status = result.status;
      ctx.body = result.body;
    }
    ctx.set('Cache-Control', 'no-store');
  };
}
