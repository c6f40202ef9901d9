// The two pg pools of a PostgreSQL store, and the waits each allows. The platform's operations have
// a pool of their own whose every wait is bounded — for a connection and for each statement — so that
// a primary that vanishes without resetting its connections (a failover that moves its address, a
// network partition) costs the platform a 503 and a redelivery, never a request that hangs or a
// connection held until the kernel gives up on it. Operators and jobs share a small pool whose
// statements have a limit of their own, long enough for a ledger check: the server cancels a
// statement that outruns it, and the driver gives up on a server gone silent a moment later, so a
// vanished primary costs an operator an error, not a page that hangs for a quarter of an hour.
// Neither pool can starve the other. Migrations (an index built on a large table) run on a session
// of their own without a limit; a job's advisory lock is held by a session of its own too.
import pg from 'pg';
import type { PoolUsage } from '../store.js';

export interface PostgresPoolOptions {
  /** Connections for the platform's operations. */
  poolSize: number;
  /** The longest the platform's operations wait for a connection or a statement, in ms. */
  timeoutMs: number;
  /** The longest an operator's or a job's statement may run, in ms. */
  operatorTimeoutMs: number;
}

/** Operators' reads and writes and the jobs' statements: a few at a time. */
export const OPERATOR_POOL_SIZE = 4;

/**
 * A transaction left open by an instance that stopped mid-way (a frozen container, a paused VM) is
 * ended by the server after this long, so that its row locks hold up no other instance for good.
 * The store's own transactions never idle between statements.
 */
export const IDLE_IN_TRANSACTION_MS = 60_000;

/**
 * The driver gives up on an operator's statement this long after the server would have cancelled
 * it: a server that answers cancels first, which leaves the connection fit for reuse.
 */
export const SERVER_CANCEL_MARGIN_MS = 1_000;

/** How the service's connections are named in pg_stat_activity. */
export const APPLICATION_NAME = {
  platform: 'kassa24-bvu',
  operator: 'kassa24-bvu operator',
  job: 'kassa24-bvu job lock',
  migration: 'kassa24-bvu migration',
} as const;

const shared = (url: string, timeoutMs: number): pg.PoolConfig => ({
  connectionString: url,
  connectionTimeoutMillis: timeoutMs,
  // An idle connection to a server that went away is noticed and replaced.
  keepAlive: true,
  idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
});

export function platformPoolConfig(url: string, { poolSize, timeoutMs }: PostgresPoolOptions): pg.PoolConfig {
  return { ...shared(url, timeoutMs), max: poolSize, query_timeout: timeoutMs, application_name: APPLICATION_NAME.platform };
}

export function operatorPoolConfig(url: string, { timeoutMs, operatorTimeoutMs }: PostgresPoolOptions): pg.PoolConfig {
  return {
    ...shared(url, timeoutMs),
    max: OPERATOR_POOL_SIZE,
    statement_timeout: operatorTimeoutMs,
    query_timeout: operatorTimeoutMs + SERVER_CANCEL_MARGIN_MS,
    application_name: APPLICATION_NAME.operator,
  };
}

/** The one session a run of the migrations opens for itself: no statement limit. */
export function migrationPoolConfig(url: string, { timeoutMs }: PostgresPoolOptions): pg.PoolConfig {
  return { ...shared(url, timeoutMs), max: 1, application_name: APPLICATION_NAME.migration };
}

/** The session that holds one job's advisory lock while the job runs (postgres/job-locks.ts): it asks for the lock, then waits. */
export function jobLockConfig(url: string, { timeoutMs }: PostgresPoolOptions): pg.ClientConfig {
  return { ...shared(url, timeoutMs), query_timeout: timeoutMs, application_name: APPLICATION_NAME.job };
}

/**
 * A pool whose broken connections never crash the process: a client losing its connection emits
 * 'error' — idle ones through the pool, checked-out ones on themselves. The query in flight is
 * rejected anyway (and answered 503), and the pool replaces the broken client.
 */
export function quietPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** What `pool`, made with at most `max` connections, is doing now (pg-pool's public counters). */
export function poolUsage(name: PoolUsage['pool'], pool: pg.Pool, max: number): PoolUsage {
  return { pool: name, max, open: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}
