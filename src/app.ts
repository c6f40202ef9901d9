// The Koa app: body reading (text kept as received), openapi-backend routing to one handler per
// operationId, and one exit through http/wire.ts; the admin API (admin/admin-api.ts) answers
// everything under /admin/ in its own terms, and /console/ serves the operator console's files.
// Bodies are checked by the generated standalone validators after the signature
// (read-signed-request.ts), so nothing touches a body before it is authenticated; openapi-backend
// only routes.
import { randomUUID } from 'node:crypto';
import type { BlockList } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { OpenAPIRouter, type Document } from 'openapi-backend';
import { openapiDocument } from '../generated/openapi-document.js';
import { adminApi } from './admin/admin-api.js';
import type { AskGate } from './admin/admin-handler.js';
import type { AdminTokens } from './admin/admin-tokens.js';
import { callback, rejectCallback, type CallbackEnvelope } from './handlers/callback.js';
import type { HandlerDeps } from './handlers/deps.js';
import { healthz } from './handlers/healthz.js';
import { readyz } from './handlers/readyz.js';
import { terminal } from './handlers/terminal.js';
import { accessLogger } from './http/access-log.js';
import { consoleFiles } from './http/console-files.js';
import { Metrics } from './http/metrics.js';
import { metricsEndpoint } from './http/metrics-listener.js';
import { bodyFailure, failureFromError, UnreadableBodyError } from './http/request-failure.js';
import { routeMatcher } from './http/routes.js';
import { toWire, type Channel, type WireAnswer } from './http/wire.js';
import type { Logger } from './logger.js';
import type { GateClient } from './platform/gate-client.js';
import { checkPaymentStatus, OPERATOR_QUESTION } from './platform/status-sync.js';
import { failure, type FailureReason, type Outcome } from './protocol/outcome.js';
import { readSignedRequest } from './protocol/read-signed-request.js';
import { requestKind, type RequestKind } from './protocol/request-kind.js';

export interface AppOptions extends HandlerDeps {
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly metrics?: Metrics;
  /** When set, only these addresses may call the platform's operations. */
  readonly allowedSources?: BlockList;
  /** One trusted proxy in front: the client is the last X-Forwarded-For entry. */
  readonly trustProxy?: boolean;
  /** The admin API's tokens; without them the admin API is off (404). */
  readonly adminTokens?: AdminTokens;
  /** The built operator console, served at /console/. */
  readonly consoleDir?: string;
  /** The platform's Gate (GATE_URL), which operators may ask about a payment through the admin API. */
  readonly gate?: GateClient;
  /** /metrics is served by a listener of its own (metrics-listener.ts), not here. */
  readonly metricsElsewhere?: boolean;
}

/** What the middleware below the first learns of a request, for its log line and metrics. */
interface RequestState {
  requestId: string;
  operationId?: string;
  /** The protocol code and failure reason answered, when the answer went through toWire. */
  code?: number;
  reason?: FailureReason;
  /** The admin token's name, once the admin API has identified it. */
  actor?: string;
}

const PLATFORM_OPERATIONS = new Set(['terminal', 'callback']);

type OperationHandler = (ctx: Koa.ParameterizedContext<RequestState>) => Promise<Outcome<unknown>>;

// Headers worth keeping with a stored callback: who sent it and how.
const AUDIT_HEADERS = ['content-type', 'user-agent', 'x-forwarded-for', 'x-real-ip', 'x-request-id'];

function envelopeOf(ctx: Koa.Context, receivedAt: Date): CallbackEnvelope {
  const headers: Record<string, string> = { 'remote-address': ctx.request.socket.remoteAddress ?? '' };
  for (const name of AUDIT_HEADERS) {
    const value = ctx.get(name);
    if (value) headers[name] = value;
  }
  // Posted to another URL (request-kind.ts): kept, for whoever corrects the platform's settings.
  if (ctx.path !== '/callback') headers['posted-to'] = ctx.path;
  return { rawBody: ctx.request.rawBody ?? '', headers, receivedAt };
}

const channelOf = (operationId: string | undefined): Channel =>
  operationId === 'terminal' || operationId === 'callback' ? operationId : 'other';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const requestIdOf = (ctx: Koa.Context): string => {
  const given = ctx.get('x-request-id');
  return REQUEST_ID.test(given) ? given : randomUUID();
};

/** Answers with `answer`: the one place a protocol outcome becomes the response. */
function respond(ctx: Koa.ParameterizedContext<RequestState>, answer: WireAnswer): void {
  ctx.status = answer.status;
  ctx.body = answer.body;
  ctx.state.code = answer.code;
  ctx.state.reason = answer.reason;
}

export function createApp(options: AppOptions): Koa<RequestState> {
  const { logger } = options;
  const metrics = options.metrics ?? new Metrics();
  metrics.watchStore(options.store);
  metrics.watchReviewQueue(async () => (await options.store.operatorReads()).openReviewItems());
  metrics.watchLedgerFeed(async () => (await options.store.operatorReads()).feedHeldBack());
  const access = accessLogger(logger);
  const platformRequests: Record<RequestKind, OperationHandler> = {
    terminal: async (ctx) => {
      const request = readSignedRequest('terminal', ctx.request.rawBody, ctx.request.body, options.projects);
      return 'kind' in request ? request : terminal(request.body, request.project, options);
    },
    callback: async (ctx) => {
      const receivedAt = new Date();
      const request = readSignedRequest('callback', ctx.request.rawBody, ctx.request.body, options.projects);
      if ('kind' in request) return rejectCallback(request, envelopeOf(ctx, receivedAt), options);
      return callback(request.body, request.project, envelopeOf(ctx, receivedAt), options);
    },
  };
  // Either URL takes either kind of request: the operation is what the body is (request-kind.ts).
  const platformRequest =
    (postedTo: RequestKind): OperationHandler =>
    (ctx) => {
      const kind = requestKind(ctx.request.body, postedTo);
      ctx.state.operationId = kind;
      return platformRequests[kind](ctx);
    };
  const handlers: Record<string, OperationHandler> = {
    terminal: platformRequest('terminal'),
    callback: platformRequest('callback'),
    healthz: () => Promise.resolve(healthz()),
    readyz: () => readyz(options),
  };
  const openapiRouter = new OpenAPIRouter({ definition: openapiDocument as unknown as Document });
  const unhandled = openapiRouter.getOperations().filter((op) => !handlers[op.operationId!]);
  if (unhandled.length) throw new Error(`no handler for operation(s) ${unhandled.map((op) => op.operationId).join(', ')}`);
  const routeOf = routeMatcher(openapiRouter);

  const app = new Koa<RequestState>();
  app.proxy = options.trustProxy ?? false;
  app.maxIpsCount = 1;
  app.silent = true;

  // Outermost: the request id, the log line and the metrics of every request, and the protocol's
  // answer for anything thrown below (a body that cannot be read, a store that cannot write).
  app.use(async (ctx, next) => {
    const started = performance.now();
    const requestId = requestIdOf(ctx);
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } catch (error) {
      const known = failureFromError(error);
      if (!known || known.reason === 'store_unavailable') logger.error({ requestId, err: error }, 'request failed');
      // The operation the request turned out to be (request-kind.ts), else its route's.
      if (ctx.state.operationId === undefined) {
        const route = routeOf(ctx.method, ctx.path);
        ctx.state.operationId = 'operationId' in route ? route.operationId : undefined;
      }
      const outcome = known ?? failure('internal', `internal error; the service log has the details under request id ${requestId}`);
      respond(ctx, toWire(channelOf(ctx.state.operationId), outcome));
    }
    const seconds = (performance.now() - started) / 1000;
    const { request, response } = ctx;
    const { operationId, code, reason, actor } = ctx.state;
    const status = response.status;
    const answer: WireAnswer | undefined =
      code === undefined && reason === undefined ? undefined : { status, body: response.body, code, reason };
    metrics.record(
      operationId ?? (request.path === '/metrics' && !options.metricsElsewhere ? 'metrics' : 'unmatched'),
      answer,
      status,
      seconds,
    );
    access({
      requestId,
      method: request.method,
      path: request.path,
      operation: operationId,
      status,
      code,
      reason,
      actor,
      ip: request.ip,
      ms: Math.round(seconds * 100_000) / 100,
    });
  });

  // Callers outside the allow-list are turned away before their body is read.
  const allowed = options.allowedSources;
  if (allowed) {
    const sourceAllowed = (ip: string): boolean => {
      const address = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
      return allowed.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
    };
    app.use(async (ctx, next) => {
      const route = routeOf(ctx.method, ctx.path);
      if ('operationId' in route && PLATFORM_OPERATIONS.has(route.operationId) && !sourceAllowed(ctx.ip)) {
        ctx.state.operationId = route.operationId;
        respond(
          ctx,
          toWire(
            channelOf(route.operationId),
            failure('source_not_allowed', `source address ${ctx.ip} is not allowed to call ${ctx.path}`),
          ),
        );
        return;
      }
      await next();
    });
  }

  const { gate } = options;
  const askGate: AskGate | undefined =
    gate &&
    ((payment, askedBy) =>
      checkPaymentStatus({ store: options.store, gate, projects: options.projects, retry: OPERATOR_QUESTION.retry }, payment, askedBy));
  app.use(
    adminApi({
      store: options.store,
      tokens: options.adminTokens,
      bodyLimitBytes: options.bodyLimitBytes,
      logger,
      ...(askGate && { askGate }),
    }),
  );
  app.use(consoleFiles(options.consoleDir));

  const parseBody = bodyParser({
    enableTypes: ['json'],
    jsonLimit: String(options.bodyLimitBytes),
    strict: true,
    // The platform's body is JSON whatever its Content-Type says; refusing it over a header
    // would only make the platform redeliver a payment result for 11 days.
    detectJSON: (ctx) => ctx.method === 'POST',
  });
  // Whatever reading the body throws is a body that cannot be read, told apart from what fails later.
  app.use(async (ctx, next) => {
    try {
      await parseBody(ctx, () => Promise.resolve());
    } catch (error) {
      throw new UnreadableBodyError(bodyFailure(error, options.bodyLimitBytes, ctx.get('content-encoding')), error);
    }
    await next();
  });

  // The contract's operations, routed by openapi-backend to the handler of each operationId.
  app.use(async (ctx, next) => {
    const route = routeOf(ctx.request.method, ctx.request.path);
    if (!('operationId' in route)) {
      await next();
      return;
    }
    ctx.state.operationId = route.operationId;
    const outcome = await handlers[route.operationId]!(ctx);
    respond(ctx, toWire(channelOf(ctx.state.operationId), outcome));
  });

  // What lies outside the contract: the operators' /metrics (unless it has a listener of its own),
  // and 404 or 405 for any other path.
  const router = new Router<RequestState>();
  if (!options.metricsElsewhere) router.get('/metrics', metricsEndpoint(metrics));
  router.all('/{*path}', (ctx) => {
    const route = routeOf(ctx.method, ctx.path);
    if ('allow' in route) {
      ctx.set('Allow', route.allow);
      respond(ctx, toWire('other', failure(route.missing, `${ctx.method} is not allowed on ${ctx.path}; it takes ${route.allow}`)));
      return;
    }
    const message = `no such endpoint: ${ctx.method} ${ctx.path}; the platform posts to /terminal and /callback`;
    respond(ctx, toWire('other', failure('no_such_endpoint', message)));
  });
  app.use(router.routes());
  return app;
}
