// config -> store -> app -> listen; on SIGTERM/SIGINT stop accepting, finish what is in flight,
// close the store, within bounds; on a second signal, stop at once.
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdminTokens, newAdminToken } from './admin/admin-tokens.js';
import { createApp } from './app.js';
import { Metrics } from './http/metrics.js';
import { metricsServer } from './http/metrics-listener.js';
import { gateClient } from './platform/gate-client.js';
import { startLedgerCheckJob } from './jobs/ledger-check-job.js';
import { startReconcileJob } from './jobs/reconcile-job.js';
import { startPaymentExpiryJob } from './jobs/payment-expiry-job.js';
import { startStatusSyncJob } from './jobs/status-sync-job.js';
import { OPERATOR_QUESTION } from './platform/status-sync.js';
import { ConfigError, DEMO_SECRET, loadConfig, storeOptionsOf, type Config } from './config.js';
import { newPaymentId } from './ledger/payment-id.js';
import { createLogger, exitAfterLastLines, type Logger } from './logger.js';
import { MIGRATION_NAMES } from './store/migration-names.js';
import { openStore, StoreMissingError } from './store/open-store.js';
import { holdInstanceLock } from './store/sqlite/instance-lock.js';
import type { Store } from './store/store.js';

/**
 * After the last request, how long the jobs and the store have to finish what they hold (a
 * statement of an operator's that outlives the requests, say) before the process exits anyway.
 */
const STORE_CLOSE_MS = 5_000;

/** Listens on `port` (0: any free one) and answers the port it got. */
async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** Closes a server with nothing worth finishing (a scrape is tried again), idle or not. */
function closeNow(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The built console: beside the bundle (dist/service/ → dist/console/), or dist/console/ for the sources. */
function consoleDirectory(): string | undefined {
  const beside = new URL('../console/', import.meta.url);
  const candidates = [...(import.meta.url.includes('/dist/service/') ? [beside] : []), new URL('../dist/console/', import.meta.url)];
  return candidates.map((url) => fileURLToPath(url)).find((dir) => existsSync(`${dir}index.html`));
}

/** Tokens made for this run of the demo: new at every start, printed once, never stored. */
function demoAdminTokens(): { tokens: AdminTokens; operator: string; viewer: string } {
  const operator = newAdminToken('demo-operator', 'operator').token;
  const viewer = newAdminToken('demo-viewer', 'viewer').token;
  return {
    tokens: AdminTokens.of([
      { name: 'demo-operator', role: 'operator', token: operator },
      { name: 'demo-viewer', role: 'viewer', token: viewer },
    ]),
    operator,
    viewer,
  };
}

function warnDemo(config: Config, logger: Logger, admin: { operator: string; viewer: string } | undefined): void {
  const projects = [...config.projects.keys()].join(', ');
  const accounts = config.demoAccounts.map((a) => a.customerId).join(', ');
  const banner = [
    '',
    '#'.repeat(78),
    '#  DEMO MODE: KASSA24_PROJECTS is not set.',
    `#  Projects ${projects} accept the PUBLIC demo secret "${DEMO_SECRET}";`,
    `#  demo accounts: ${accounts}.`,
    '#  Anybody who reads the README can sign requests for these projects.',
    '#  Set KASSA24_PROJECTS (see README) before pointing the platform here.',
    ...(admin
      ? [
          '#',
          '#  Operator console: /console/ (and the admin API, /admin/v1/); tokens for',
          '#  this run (ADMIN_TOKENS is not set):',
          `#    operator: ${admin.operator}`,
          `#    viewer:   ${admin.viewer}`,
        ]
      : []),
    '#'.repeat(78),
    '',
  ].join('\n');
  process.stderr.write(`${banner}\n`);
  logger.warn({ projects, accounts }, 'demo mode: public demo secret in use');
}

/**
 * The store DATABASE_URL names. With MIGRATE_ON_START=false the service creates nothing: a SQLite
 * file that is not there is a mistyped path, not a new store.
 */
async function openServiceStore(config: Config): Promise<Store> {
  try {
    return await openStore(config.databaseUrl, { ...storeOptionsOf(config), mustExist: !config.migrateOnStart });
  } catch (error) {
    if (error instanceof StoreMissingError) {
      throw new Error(
        `MIGRATE_ON_START=false, but there is ${error.message}: run \`cli migrate\` to create it, or correct DATABASE_URL. Nothing was created.`,
        { cause: error },
      );
    }
    throw error;
  }
}

async function seedDemo(config: Config, store: Store): Promise<void> {
  for (const account of config.demoAccounts) await store.ensureAccount(account);
}

function shutdownOnSignals(
  server: Server,
  store: Store,
  logger: Logger,
  graceMs: number,
  beforeStoreCloses: () => Promise<void>,
  afterStoreCloses: () => void,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // The operator's "now": an answer cut off was not acknowledged, so the platform redelivers
      // it, and a transaction cut short is rolled back by the store, never half-applied.
      logger.warn({ signal }, 'second signal: stopping now; requests in flight are cut off unanswered');
      server.closeAllConnections();
      exitAfterLastLines(logger, 128 + constants.signals[signal]);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const force = setTimeout(() => {
      logger.error({ graceMs }, 'requests still in flight after the grace period; closing connections');
      server.closeAllConnections();
    }, graceMs);
    force.unref();
    server.close(() => {
      // Kept referenced: a store that never answers must not leave the process waiting, or ending
      // as if it had stopped cleanly. What a store call still holds is rolled back at exit.
      setTimeout(() => {
        logger.error({ waitedMs: STORE_CLOSE_MS }, 'the store did not close in time (a statement still running); exiting');
        exitAfterLastLines(logger, 1);
      }, STORE_CLOSE_MS);
      beforeStoreCloses()
        .then(() => store.close())
        .then(afterStoreCloses)
        .then(() => logger.info('stopped'))
        .catch((err: unknown) => logger.error({ err }, 'closing the store failed'))
        .finally(() => exitAfterLastLines(logger, 0));
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  const logger = createLogger();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kassa24-bvu: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const store = await openServiceStore(config);
  const sqliteFile = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl.slice('sqlite:'.length) : undefined;
  let releaseInstanceLock: (() => void) | undefined;
  if (sqliteFile !== undefined && sqliteFile !== ':memory:') {
    try {
      releaseInstanceLock = holdInstanceLock(sqliteFile);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  if (config.migrateOnStart) {
    const pending = await store.pendingMigrations();
    await store.migrate();
    if (pending.length === MIGRATION_NAMES.length && !config.demo) {
      // Balances start at zero in a new store: if this service has run before, it ran on another.
      logger.warn(
        { migrations: pending.length },
        'the store was empty: its schema was created (a service that ran before used another DATABASE_URL)',
      );
    } else if (pending.length > 0) logger.info({ migrations: pending }, 'schema migrated');
  } else {
    // A schema behind the code would fail the first write that needs what is missing: fail now.
    const pending = await store.pendingMigrations();
    if (pending.length > 0) {
      await store.close();
      throw new Error(
        pending.length === MIGRATION_NAMES.length
          ? 'MIGRATE_ON_START=false, but the store has no schema (no migration was ever applied to it): run `cli migrate` first, or correct DATABASE_URL'
          : `MIGRATE_ON_START=false, but the schema is behind (${pending.join(', ')} not applied): run \`cli migrate\` first`,
      );
    }
    logger.info('MIGRATE_ON_START=false: the schema is current');
  }
  const demoAdmin = config.demo && !config.adminTokens ? demoAdminTokens() : undefined;
  const adminTokens = config.adminTokens ?? demoAdmin?.tokens;
  if (config.demo) {
    await seedDemo(config, store);
    warnDemo(config, logger, demoAdmin);
  }
  if (!adminTokens) logger.info('admin API is off: ADMIN_TOKENS is not set (`cli admin-token create` makes a token)');
  const metrics = new Metrics();
  const app = createApp({
    store,
    metrics,
    projects: config.projects,
    newPaymentId,
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    ...(config.allowedSources && { allowedSources: config.allowedSources }),
    ...(adminTokens && { adminTokens }),
    ...(config.gateUrl && { gate: gateClient(config.gateUrl, OPERATOR_QUESTION.timeoutMs) }),
    consoleDir: consoleDirectory(),
    metricsElsewhere: config.metricsListener !== undefined,
  });
  const handle = app.callback();
  // A slow or stalled client is cut off instead of holding a connection forever; timeouts are
  // checked every second rather than Node's default 30.
  const server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(10_000, config.requestTimeoutMs),
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
    },
    // Koa's handler answers every error itself; its promise has nothing left to report.
    (request, response) => void handle(request, response),
  );
  const port = await listen(server, config.port, config.host);
  const metricsListener = config.metricsListener && {
    ...config.metricsListener,
    server: metricsServer(metrics),
  };
  const metricsPort = metricsListener && (await listen(metricsListener.server, metricsListener.port, metricsListener.host));
  const sync =
    config.statusSync && config.gateUrl
      ? startStatusSyncJob(
          {
            store,
            gate: gateClient(config.gateUrl),
            projects: config.projects,
            olderThanMs: config.statusSync.olderThanMs,
            limit: config.statusSync.limit,
            ratePerSecond: config.statusSync.ratePerSecond,
            retry: { attempts: 4, firstPauseMs: 500 },
          },
          config.statusSync.intervalMs,
          logger,
          metrics,
        )
      : undefined;
  const expiry =
    config.paymentExpiryIntervalMs === undefined
      ? undefined
      : startPaymentExpiryJob(store, config.paymentExpiryIntervalMs, logger, metrics);
  const ledgerCheck =
    config.ledgerCheckIntervalMs === undefined ? undefined : startLedgerCheckJob(store, config.ledgerCheckIntervalMs, logger, metrics);
  const reconciliation =
    config.reconcile && config.dataApi
      ? startReconcileJob(
          {
            store,
            dataApi: config.dataApi,
            projectIds: [...config.projects.keys()],
            fields: config.reconcile.fields,
            apply: config.reconcile.apply,
            afterMs: config.reconcile.afterMs,
          },
          config.reconcile.intervalMs,
          logger,
          metrics,
        )
      : undefined;
  // Before announcing: whoever acts on the announcement (an orchestrator, a test) may signal at once.
  shutdownOnSignals(
    server,
    store,
    logger,
    config.shutdownGraceMs,
    async () => {
      await Promise.all([
        sync?.stop(),
        expiry?.stop(),
        ledgerCheck?.stop(),
        reconciliation?.stop(),
        metricsListener && closeNow(metricsListener.server),
      ]);
    },
    // Released once the store is closed; referenced until then, since collecting it would release it.
    () => releaseInstanceLock?.(),
  );
  logger.info(
    {
      port,
      host: config.host,
      ...(metricsListener && { metricsPort, metricsHost: metricsListener.host }),
      database: config.databaseUrl.split(':')[0],
      ...(sqliteFile !== undefined && { store: sqliteFile === ':memory:' ? sqliteFile : path.resolve(sqliteFile) }),
      projects: [...config.projects.keys()],
    },
    'listening',
  );
  // Log lines are buffered; whoever waits for this one gets it now.
  logger.flush();
}

main().catch((error: unknown) => {
  process.stderr.write(`kassa24-bvu: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
