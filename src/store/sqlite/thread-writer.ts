// The main thread's side of the SQLite writer thread. Writes queued during one turn of the event
// loop go over in messages of up to WRITES_PER_MESSAGE; their results come back per batch. If the
// thread dies, what it had not answered fails as "store unavailable" (the platform retries; a
// write it had committed is then recognised, never applied twice) and the next write starts a new
// thread.
import type { Worker } from 'node:worker_threads';
import { StoreUnavailableError, type CommitListener } from '../store.js';
import type { SqliteOptions } from './connection.js';
import { PendingWrites } from './pending-writes.js';
import { startThread } from './start-thread.js';
import { unpackError } from './store-errors.js';
import type { WriteArgs, Writer, WriteName, WriteResult } from './write-operations.js';
import type { FromWriter, QueuedWrite, ToWriter, WriterThreadData } from './writer-protocol.js';

// A thread that died is replaced by the first write after this long; writes before that fail fast.
const RESTART_AFTER_MS = 1000;

// A busy turn parses tens of requests. Holding all their writes until the turn ends would leave the
// writer idle meanwhile, then give it one large batch; handed over a few at a time, the writer can
// start a batch while the rest of the turn is still being parsed. Group commit still gathers on
// the writer whatever arrives while a batch runs.
const WRITES_PER_MESSAGE = 8;

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class ThreadWriter implements Writer {
  private worker: Worker | undefined;
  private readonly waiting = new PendingWrites<Waiting>();
  private outbox: QueuedWrite[] = [];
  private scheduled = false;
  private nextId = 1;
  private closing: Promise<void> | undefined;
  private idle: Array<() => void> = [];
  /** When the last thread died, and why: a thread that keeps dying is not restarted at once. */
  private lastDeath: { at: number; cause: Error } | undefined;
  private batchListener: CommitListener | undefined;

  constructor(
    private readonly file: string,
    private readonly options: SqliteOptions = {},
  ) {
    // Started now, so that its start-up overlaps the service's.
    this.worker = this.start();
  }

  run<K extends WriteName>(name: K, args: WriteArgs<K>): Promise<WriteResult<K>> {
    if (this.closing) return Promise.reject(new StoreUnavailableError(new Error('the store is closing')));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.add(id, { resolve: resolve as (value: unknown) => void, reject });
      this.outbox.push({ id, name, args });
      if (this.outbox.length >= WRITES_PER_MESSAGE) {
        this.send();
      } else if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate: what is left of this turn's writes goes over once the turn is done.
        setImmediate(() => {
          this.scheduled = false;
          this.send();
        });
      }
    });
  }

  onCommit(listener: CommitListener): void {
    this.batchListener = listener;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.settledAll();
      const worker = this.worker;
      if (!worker) return;
      this.worker = undefined;
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.ref();
        worker.postMessage({ type: 'close' } satisfies ToWriter);
      });
    })();
    return this.closing;
  }

  private settledAll(): Promise<void> {
    if (this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private settle(id: number, outcome: (waiting: Waiting) => void): void {
    const waiting = this.waiting.take(id);
    if (!waiting) return;
    outcome(waiting);
    if (this.waiting.size === 0) {
      // Nothing pending: the thread alone must not keep the process alive.
      this.worker?.unref();
      this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  private start(): Worker {
    const worker = startThread('writer-thread', { file: this.file, options: this.options } satisfies WriterThreadData);
    let failure: Error | undefined;
    worker.on('message', (message: FromWriter) => {
      if (message.type !== 'settled') return;
      this.reportBatches(message.batches);
      for (const result of message.results) {
        this.settle(result.id, (waiting) => (result.ok ? waiting.resolve(result.value) : waiting.reject(unpackError(result.error))));
      }
    });
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      const cause = failure ?? new Error(`the SQLite writer thread exited with code ${code}`);
      // Closing or not, nothing it had not answered may be left waiting (close() waits for them).
      if (!this.closing) this.lastDeath = { at: Date.now(), cause };
      for (const id of this.waiting.ids()) this.settle(id, (waiting) => waiting.reject(new StoreUnavailableError(cause)));
    });
    worker.unref();
    return worker;
  }

  private reportBatches(batches: number[]): void {
    const listener = this.batchListener;
    if (!listener) return;
    for (let i = 0; i + 2 < batches.length; i += 3) {
      try {
        listener(batches[i]!, batches[i + 1]!, batches[i + 2]!);
      } catch {
        // Reporting must not keep the writes' answers from their callers.
      }
    }
  }

  private send(): void {
    const writes = this.outbox;
    this.outbox = [];
    if (writes.length === 0) return;
    if (!this.worker && this.lastDeath && Date.now() - this.lastDeath.at < RESTART_AFTER_MS) {
      const cause = this.lastDeath.cause;
      for (const { id } of writes) this.settle(id, (waiting) => waiting.reject(new StoreUnavailableError(cause)));
      return;
    }
    this.worker ??= this.start();
    // Pending writes keep the process alive until they are answered.
    this.worker.ref();
    this.worker.postMessage({ type: 'writes', writes } satisfies ToWriter);
  }
}
