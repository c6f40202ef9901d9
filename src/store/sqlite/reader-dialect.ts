// Kysely over the SQLite reader thread (reader-thread.ts): the operator reads compile on the main
// thread, as on any SQLite connection, and run on the reader's. The thread starts with the first
// query, is restarted by the next query should it die, and keeps the process alive only while a
// query is out.
import type { Worker } from 'node:worker_threads';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { SqliteOptions } from './connection.js';
import type { FromReader, ReaderThreadData, ToReader } from './reader-protocol.js';
import { startThread } from './start-thread.js';
import { unpackError } from './store-errors.js';
import { StoreUnavailableError } from '../store.js';

interface Pending {
  resolve: (answer: { rows: unknown[]; changes?: number }) => void;
  reject: (error: Error) => void;
}

/** The reader thread, as the main thread sees it: a query in, its rows or its error out. */
export class ReaderThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly data: ReaderThreadData) {}

  query(sql: string, parameters: readonly unknown[]): Promise<{ rows: unknown[]; changes?: number }> {
    if (this.closed) return Promise.reject(new StoreUnavailableError(new Error('the store is closed')));
    const worker = (this.worker ??= this.start());
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ type: 'query', id, sql, parameters } satisfies ToReader);
    });
  }

  /** Answers what is out, then stops the thread. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    while (this.pending.size > 0) await new Promise((resolve) => setImmediate(resolve));
    this.worker = undefined;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      // Held until it has exited: an idle thread is unreferenced, and the process would end first.
      worker.ref();
      worker.postMessage({ type: 'close' } satisfies ToReader);
    });
  }

  private settle(id: number, outcome: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    outcome(pending);
    if (this.pending.size === 0) this.worker?.unref();
  }

  private start(): Worker {
    const worker = startThread('reader-thread', this.data);
    let failure: Error | undefined;
    worker.on('message', (answer: FromReader) => {
      this.settle(answer.id, (pending) => (answer.ok ? pending.resolve(answer) : pending.reject(unpackError(answer.error))));
    });
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      const cause = failure ?? new Error(`the SQLite reader thread exited with code ${code}`);
      for (const id of [...this.pending.keys()]) this.settle(id, (pending) => pending.reject(new StoreUnavailableError(cause)));
    });
    worker.unref();
    return worker;
  }
}

class ReaderConnection implements DatabaseConnection {
  constructor(private readonly reader: ReaderThread) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { rows, changes } = await this.reader.query(compiled.sql, compiled.parameters);
    return { rows: rows as R[], ...(changes === undefined ? {} : { numAffectedRows: BigInt(changes) }) };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(compiled);
  }
}

// Queries from several callers share the one connection, each on its own: a transaction would take
// in the others' queries, so there are none (each query sees the latest commit).
class ReaderDriver implements Driver {
  private readonly connection: ReaderConnection;

  constructor(private readonly reader: ReaderThread) {
    this.connection = new ReaderConnection(reader);
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(this.connection);
  }

  private noTransactions(): Promise<void> {
    return Promise.reject(new Error('the SQLite reader thread runs each query on its own, outside transactions'));
  }

  beginTransaction(): Promise<void> {
    return this.noTransactions();
  }

  commitTransaction(): Promise<void> {
    return this.noTransactions();
  }

  rollbackTransaction(): Promise<void> {
    return this.noTransactions();
  }

  async releaseConnection(): Promise<void> {}

  destroy(): Promise<void> {
    return this.reader.close();
  }
}

/** Kysely's SQLite dialect, its queries run on the reader thread of `file`. */
export function readerThreadDialect(file: string, options: SqliteOptions = {}): Dialect {
  const reader = new ReaderThread({ file, options });
  return {
    createDriver: () => new ReaderDriver(reader),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createAdapter: () => new SqliteAdapter(),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
  };
}
