// The Koa app: body reading (text kept as received), openapi-backend routing to one handler per
// operationId, and one exit through http/wire.ts. Only openapi-backend's router is loaded: bodies
// are checked by the generated standalone validators after the signature, so nothing is compiled
// at start-up and nothing touches a body before it is authenticated; its validator and per-request
// context machinery (two thirds of its load time) would go unused.
import { randomUUID } from 'node:crypto';
import type { BlockList } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import type { Document } from 'openapi-backend';
import { OpenAPIRouter } from 'openapi-backend/router.js';
import { openapiDocument } from '../generated/openapi-document.js';
import { callback, rejectCallback, type CallbackEnvelope } from './handlers/callback.js';
import type { HandlerDeps } from './handlers/deps.js';
import { healthz } from './handlers/healthz.js';
import { readyz } from './handlers/readyz.js';
import { terminal } from './handlers/terminal.js';
import { accessLogger } from './http/access-log.js';
import { failureFromError } from './http/request-failure.js';
import { Metrics } from './http/metrics.js';
import { routeMatcher } from './http/routes.js';
import { toWire, type Channel, type WireAnswer } from './http/wire.js';
import type { Logger } from './logger.js';
import { failure, type Outcome } from './protocol/outcome.js';
import { readSignedRequest } from './protocol/read-signed-request.js';

export interface AppOptions extends HandlerDeps {
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly metrics?: Metrics;
  /** When set, only these addresses may call the platform's operations. */
  readonly allowedSources?: BlockList;
  /** One trusted proxy in front: the client is the last X-Forwarded-For entry. */
  readonly trustProxy?: boolean;
}

const PLATFORM_OPERATIONS = new Set(['terminal', 'callback']);
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

type OperationHandler = (ctx: Koa.Context) => Promise<Outcome<unknown>>;

// Headers worth keeping with a stored callback: who sent it and how.
const AUDIT_HEADERS = ['content-type', 'user-agent', 'x-forwarded-for', 'x-real-ip', 'x-request-id'];

function envelopeOf(ctx: Koa.Context, receivedAt: Date): CallbackEnvelope {
  const headers: Record<string, string> = { 'remote-address': ctx.request.socket.remoteAddress ?? '' };
  for (const name of AUDIT_HEADERS) {
    const value = ctx.request.get(name);
    if (value) headers[name] = value;
  }
  return { rawBody: ctx.request.rawBody ?? '', headers, receivedAt };
}

const channelOf = (operationId: string | undefined): Channel =>
  operationId === 'terminal' || operationId === 'callback' ? operationId : 'other';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const requestIdOf = (ctx: Koa.Context): string => {
  const given = ctx.req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
};

export async function createApp(options: AppOptions): Promise<Koa> {
  const { logger } = options;
  const metrics = options.metrics ?? new Metrics();
  metrics.watchStore(options.store);
  const access = accessLogger(logger);
  const handlers: Record<string, OperationHandler> = {
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
    healthz: async () => healthz(),
    readyz: () => readyz(options),
  };
  const openapiRouter = new OpenAPIRouter({ definition: openapiDocument as unknown as Document });
  const unhandled = openapiRouter.getOperations().filter((op) => !handlers[op.operationId!]);
  if (unhandled.length) throw new Error(`no handler for operation(s) ${unhandled.map((op) => op.operationId).join(', ')}`);
  const routeOf = routeMatcher(openapiRouter);

  // ctx.request and ctx.response throughout, not ctx's delegating accessors: those are closures
  // that share one property access site for every delegated name, so each access runs V8's
  // megamorphic lookup, and each assignment a runtime call (measured: ~4% of a verify's main thread).
  // For the same reason every answer is written to Node's response here and Koa's own response
  // step stands aside (ctx.respond = false): given an object, Koa looked its type up by name, set
  // the length twice and read status, body and method again through those accessors. bench:ab
  // against Koa answering: verify 1.015 and then 1.031 (two steps), check_deposit 1.030, callback
  // 1.024; the main thread 2.0, 3.6 and 6.2 µs less a request (bench/README.md, session 11).
  const send = (ctx: Koa.Context, answer: WireAnswer): void => {
    ctx.state.answer = answer;
    ctx.respond = false;
    const { res } = ctx;
    if (res.headersSent) return;
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, ['content-type', JSON_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(text)), 'x-request-id', ctx.state.requestId as string]);
    res.end(text);
  };

  // The contract's operations are routed by openapi-backend alone (routeOf), to the handler of
  // each operationId. @koa/router serves what lies outside the contract: the operators' /metrics,
  // and the 404 or 405 answer for any other path. Its dispatch on every request of the contract
  // — a middleware chain composed per request, path parameters decoded, eight properties added
  // to the context — cost 4.6 µs of the main thread a request (bench:ab, verify: 1.116).
  const contract: Koa.Middleware = async (ctx, next) => {
    const route = routeOf(ctx.request.method, ctx.request.path);
    if (!('operationId' in route)) return next();
    ctx.state.operationId = route.operationId;
    send(ctx, toWire(channelOf(route.operationId), await handlers[route.operationId]!(ctx)));
  };

  const router = new Router();
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  router.all('/{*path}', (ctx) => {
    const { method, path } = ctx.request;
    const route = routeOf(method, path);
    const missing = 'missing' in route ? route.missing : 'no_such_endpoint';
    const message =
      missing === 'method_not_allowed'
        ? `${method} is not allowed on ${path}`
        : `no such endpoint: ${method} ${path}; the platform posts to /terminal and /callback`;
    send(ctx, toWire('other', failure(missing, message)));
  });

  const app = new Koa();
  app.proxy = options.trustProxy ?? false;
  app.maxIpsCount = 1;
  app.silent = true;
  app.use(async (ctx, next) => {
    const started = performance.now();
    const { request, response, state } = ctx;
    const { method, path } = request;
    // The id goes out with the answer's other headers (send): a header set beforehand would make
    // writeHead take each of them through setHeader again (bench:ab, verify: 1.042).
    const requestId = requestIdOf(ctx);
    state.requestId = requestId;
    try {
      await next();
    } catch (error) {
      const known = failureFromError(error, options.bodyLimitBytes);
      if (!known || known.reason === 'store_unavailable') logger.error({ requestId, err: error }, 'request failed');
      const route = routeOf(method, path);
      const operationId = 'operationId' in route ? route.operationId : undefined;
      state.operationId = operationId;
      send(ctx, toWire(channelOf(operationId), known ?? failure('internal', `internal error; the service log has the details under request id ${requestId}`)));
    }
    // Answers not of ours (/metrics) are Koa's to write, after this.
    if (!ctx.res.headersSent) response.set('X-Request-Id', requestId);
    const answer = state.answer as WireAnswer | undefined;
    const ms = performance.now() - started;
    const status = response.status;
    metrics.record(state.operationId ?? (path === '/metrics' ? 'metrics' : 'unmatched'), answer, status, ms / 1000);
    access({
      requestId,
      method,
      path,
      operation: state.operationId,
      status,
      code: answer?.code,
      reason: answer?.reason,
      ip: request.ip,
      ms: Math.round(ms * 100) / 100,
    });
  });
  // Callers outside the allow-list are turned away before their body is read. Without a list there
  // is no such step: a middleware that only passes requests on still costs each one a call, a
  // promise and a route lookup (1.3–2.2 µs of the main thread's time a request, measured).
  const allowed = options.allowedSources;
  if (allowed) {
    const sourceAllowed = (ip: string): boolean => {
      const address = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
      return allowed.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
    };
    app.use(async (ctx, next) => {
      const { request } = ctx;
      const route = routeOf(request.method, request.path);
      if ('operationId' in route && PLATFORM_OPERATIONS.has(route.operationId) && !sourceAllowed(request.ip)) {
        ctx.state.operationId = route.operationId;
        send(ctx, toWire(channelOf(route.operationId), failure('source_not_allowed', `source address ${request.ip} is not allowed to call ${request.path}`)));
        return;
      }
      await next();
    });
  }
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: String(options.bodyLimitBytes),
      strict: true,
      // The platform's body is JSON whatever its Content-Type says; refusing it over a header
      // would only make the platform redeliver a payment result for 11 days.
      detectJSON: (ctx) => ctx.request.method === 'POST',
    }),
  );
  app.use(contract);
  app.use(router.routes());
  return app;
}
