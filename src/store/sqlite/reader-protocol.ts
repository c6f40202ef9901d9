// The messages between the main thread and the SQLite reader thread (operator reads).
import type { SqliteOptions } from './connection.js';
import type { TransportedError } from './store-errors.js';

export interface ReaderThreadData {
  file: string;
  options: SqliteOptions;
}

export type ToReader = { type: 'query'; id: number; sql: string; parameters: readonly unknown[] } | { type: 'close' };

/** `changes`: rows a statement that is not a read changed. */
export type FromReader =
  | { type: 'answer'; id: number; ok: true; rows: unknown[]; changes?: number }
  | { type: 'answer'; id: number; ok: false; error: TransportedError };
