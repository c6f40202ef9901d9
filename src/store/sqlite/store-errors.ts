// What a SQLite failure means to callers, and how that meaning crosses from the writer thread to
// the main thread (errors are not cloned with their class, so they travel as data).
import { AccountExistsError, StoreUnavailableError } from '../store.js';
import { isTransientStoreError } from '../transient-errors.js';

/**
 * A driver error the store cannot serve past right now becomes StoreUnavailableError; so does any
 * error once `db` has been closed (by a shutdown under way).
 */
export const asStoreError = (error: unknown, db?: { readonly open: boolean }): Error => {
  if (isTransientStoreError(error) || db?.open === false) return new StoreUnavailableError(error);
  // The driver throws Errors; anything else is wrapped so that callers always get a stack.
  return error instanceof Error ? error : new Error(String(error), { cause: error });
};

export type TransportedError =
  | { kind: 'account_exists'; customerId: string }
  | { kind: 'unavailable'; message: string; code?: string }
  | { kind: 'failed'; name: string; message: string; code?: string; stack?: string };

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

export function packError(error: unknown): TransportedError {
  if (error instanceof AccountExistsError) return { kind: 'account_exists', customerId: error.customerId };
  if (error instanceof StoreUnavailableError) {
    const cause = error.cause;
    return { kind: 'unavailable', message: cause instanceof Error ? cause.message : String(cause), code: codeOf(cause) };
  }
  if (error instanceof Error) return { kind: 'failed', name: error.name, message: error.message, code: codeOf(error), stack: error.stack };
  return { kind: 'failed', name: 'Error', message: String(error) };
}

export function unpackError(packed: TransportedError): Error {
  switch (packed.kind) {
    case 'account_exists':
      return new AccountExistsError(packed.customerId);
    case 'unavailable':
      return new StoreUnavailableError(Object.assign(new Error(packed.message), packed.code === undefined ? {} : { code: packed.code }));
    case 'failed': {
      const error = Object.assign(new Error(packed.message), packed.code === undefined ? {} : { code: packed.code });
      error.name = packed.name;
      if (packed.stack) error.stack = `${packed.stack}\n    (on the SQLite writer thread)`;
      return error;
    }
  }
}
