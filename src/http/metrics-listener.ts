// /metrics on a listener of its own (METRICS_PORT), for a scraper on an internal address: the port
// the platform reaches then answers /metrics 404, so volumes and the review queue are not public.
import { createServer, type Server } from 'node:http';
import Router, { type RouterMiddleware } from '@koa/router';
import Koa from 'koa';
import type { Metrics } from './metrics.js';

/** GET (and HEAD) /metrics: the registry in Prometheus's text format. */
export const metricsEndpoint =
  (metrics: Metrics): RouterMiddleware =>
  async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };

/** The metrics listener's server: /metrics, and 404 for anything else. */
export function metricsServer(metrics: Metrics): Server {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  router.get('/metrics', metricsEndpoint(metrics));
  app.use(router.routes());
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = 'this listener serves /metrics only\n';
  });
  const handle = app.callback();
  // Koa's handler answers every error itself; its promise has nothing left to report.
  return createServer((request, response) => void handle(request, response));
}
