// The messages between the main thread and the SQLite writer thread.
import type { SqliteOptions } from './connection.js';
import type { TransportedError } from './store-errors.js';
import type { WriteName } from './write-operations.js';

export interface WriterThreadData {
  file: string;
  options: SqliteOptions;
}

export interface QueuedWrite {
  id: number;
  name: WriteName;
  args: unknown;
}

export type ToWriter = { type: 'writes'; writes: QueuedWrite[] } | { type: 'close' };

export type WriteSettled = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: TransportedError };

/**
 * `batches`: the batches committed since the last message, three numbers each — writes, seconds
 * from BEGIN to the end of COMMIT, seconds of the COMMIT (the store's CommitListener).
 */
export type FromWriter = { type: 'settled'; results: WriteSettled[]; batches: number[] } | { type: 'closed' };
