// Errors thrown below the handlers (body reading, the store) as protocol failures. Anything not
// recognised is an internal error: its message and stack go to the log, never to the caller.
import { failure, type Failure } from '../protocol/outcome.js';
import { decodeForSigning, JsonSyntaxError } from '../protocol/signature/signature.js';
import { StoreUnavailableError } from '../store/store.js';

interface HttpishError {
  status?: number;
  type?: string;
  body?: unknown;
  message?: string;
}

function unparsableBodyMessage(error: HttpishError): string {
  if (/prototype/i.test(error.message ?? '')) return 'request body contains a forbidden "__proto__" or "constructor.prototype" key';
  if (typeof error.body === 'string') {
    try {
      decodeForSigning(error.body);
    } catch (syntax) {
      if (syntax instanceof JsonSyntaxError) return `request body is not valid JSON: ${syntax.message}`;
    }
    // Valid JSON, but not an object or array.
    return 'request body must be a JSON object';
  }
  return 'request body is not valid JSON';
}

export function failureFromError(error: unknown, bodyLimitBytes: number): Failure | undefined {
  if (error instanceof StoreUnavailableError) return failure('store_unavailable', 'temporarily unavailable, please retry');
  const e = (error ?? {}) as HttpishError;
  if (e.status === 413 || e.type === 'entity.too.large') {
    return failure('body_too_large', `request body exceeds the limit of ${bodyLimitBytes} bytes`);
  }
  if (e.status === 415) return failure('malformed_body', `request body cannot be read: ${e.message ?? 'unsupported encoding'}`);
  if (e.status === 400 && e.type === 'request.aborted') return failure('malformed_body', 'request body was cut short');
  if (e.status === 400) return failure('malformed_body', unparsableBodyMessage(e));
  return undefined;
}
