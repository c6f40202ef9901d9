// The real app on an ephemeral loopback port, over a fresh SQLite file of its own.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { AdminTokens } from '../../src/admin/admin-tokens.js';
import { createApp } from '../../src/app.js';
import { parseAllowedSources, parseProjects } from '../../src/config.js';
import { gateClient } from '../../src/platform/gate-client.js';
import { openStore, type StoreOptions } from '../../src/store/open-store.js';
import type { NewAccount, Store } from '../../src/store/store.js';
import { capturedLogger } from './captured-logs.js';
import { createTestDatabase, type BackendName } from './databases.js';
import { DEMO_SECRET } from './platform.js';

export interface TestService {
  url: string;
  store: Store;
  /** The DATABASE_URL behind the store. */
  databaseUrl: string;
  logs: string[];
  close(): Promise<void>;
}

export interface ServiceOptions {
  projects?: string;
  accounts?: NewAccount[];
  bodyLimitBytes?: number;
  busyTimeoutMs?: number;
  backend?: BackendName;
  /** Use this database instead of a fresh one (not dropped on close). */
  databaseUrl?: string;
  /** Build the store on the database URL yourself (to reach its connection). */
  openStore?: (databaseUrl: string) => Store;
  /** PostgreSQL: the pool's size and waits. */
  storeOptions?: Pick<StoreOptions, 'poolSize' | 'timeoutMs'>;
  allowedSources?: string;
  trustProxy?: boolean;
  /** Turns the admin API on. */
  adminTokens?: AdminTokens;
  /** A built operator console to serve at /console/. */
  consoleDir?: string;
  /** The platform's Gate, for the admin API to ask. */
  gateUrl?: string;
}

export async function startService(options: ServiceOptions = {}): Promise<TestService> {
  const database = options.databaseUrl
    ? { url: options.databaseUrl, drop: () => Promise.resolve() }
    : await createTestDatabase(options.backend ?? 'sqlite');
  const store = options.openStore
    ? options.openStore(database.url)
    : await openStore(database.url, { busyTimeoutMs: options.busyTimeoutMs ?? 5000, ...options.storeOptions });
  await store.migrate();
  for (const account of options.accounts ?? []) await store.addAccount(account);
  const { logger, lines: logs } = capturedLogger();
  const app = createApp({
    store,
    projects: parseProjects(options.projects ?? JSON.stringify({ 1234: DEMO_SECRET })),
    newPaymentId: randomUUID,
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
    trustProxy: options.trustProxy ?? false,
    ...(options.adminTokens && { adminTokens: options.adminTokens }),
    ...(options.consoleDir && { consoleDir: options.consoleDir }),
    ...(options.gateUrl && { gate: gateClient(options.gateUrl) }),
    ...(options.allowedSources && { allowedSources: parseAllowedSources(options.allowedSources)! }),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    databaseUrl: database.url,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      await database.drop();
    },
  };
}
