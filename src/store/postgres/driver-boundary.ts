// Where the pg driver's failures get their meaning, so that nothing reads its message texts: the
// server's own errors (pg.DatabaseError, carrying an SQLSTATE) pass as they are; anything else the
// driver rejects a connection or a query with, short of a programming error, is the connection
// failing, and becomes StoreUnavailableError. Kysely and the hot paths reach PostgreSQL only
// through here.
import pg from 'pg';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { StoreUnavailableError } from '../store.js';

/** A connection of the pool, as the store's own queries use it. */
export interface StoreClient {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(query: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>>;
  release(destroy?: boolean): void;
}

/** The pool, as the store's own queries use it. */
export interface StorePool {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(query: pg.QueryConfig): Promise<pg.QueryResult<R>>;
  connect(): Promise<StoreClient>;
  /** Closes every connection. */
  end(): Promise<void>;
}

const isConnectionFailure = (error: unknown): boolean =>
  error instanceof Error && !(error instanceof pg.DatabaseError) && !(error instanceof TypeError) && !(error instanceof RangeError);

/** Rethrows a driver failure with its meaning: the server's errors as they are, a failing connection as StoreUnavailableError. */
export const fromDriver = (error: unknown): never => {
  throw isConnectionFailure(error) ? new StoreUnavailableError(error) : error;
};

const isCursor = (query: unknown): query is PostgresCursor<unknown> =>
  typeof query === 'object' && query !== null && typeof (query as { read?: unknown }).read === 'function';

/**
 * A checked-out connection. Once one of its statements has failed for want of the connection (lost,
 * or given up on while the server may still be working), it is not used again: later statements
 * fail at once — a rollback would queue behind the one given up on — and releasing it closes it.
 */
class BoundaryClient implements StoreClient, PostgresPoolClient {
  private failed = false;

  constructor(private readonly client: pg.PoolClient) {}

  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    query: string | pg.QueryConfig,
    values?: ReadonlyArray<unknown>,
  ): Promise<pg.QueryResult<R> & PostgresQueryResult<R>>;
  query(query: unknown, values?: ReadonlyArray<unknown>): unknown {
    // A cursor reports its own failures as it is read.
    if (isCursor(query)) return this.client.query(query as unknown as pg.Submittable);
    if (this.failed) return Promise.reject(new StoreUnavailableError(new Error('the connection failed earlier in this unit of work')));
    return this.client.query(query as string | pg.QueryConfig, values as unknown[] | undefined).catch((error: unknown) => {
      if (isConnectionFailure(error)) this.failed = true;
      return fromDriver(error);
    });
  }

  release(destroy?: boolean): void {
    this.client.release(destroy || this.failed);
  }
}

/** A pg pool whose connection failures are StoreUnavailableError; also Kysely's pool. */
export class DriverBoundary implements StorePool, PostgresPool {
  constructor(private readonly pool: pg.Pool) {}

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(query: pg.QueryConfig): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(query).catch(fromDriver);
  }

  async connect(): Promise<BoundaryClient> {
    return new BoundaryClient(await this.pool.connect().catch(fromDriver));
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
