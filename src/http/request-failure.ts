// Errors thrown below the handlers (body reading, the store) as protocol failures. Anything not
// recognised is an internal error: its message and stack go to the log, never to the caller.
import { failure, type Failure } from '../protocol/outcome.js';
import { decodeForSigning, JsonSyntaxError } from '../protocol/signature/signature.js';
import { StoreUnavailableError } from '../store/store.js';

interface HttpishError {
  status?: number;
  type?: string;
  body?: unknown;
}

/** Whether a parsed JSON value holds a `__proto__` key at any depth (JSON.parse makes it an own key). */
function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, inner]) => key === '__proto__' || hasProtoKey(inner));
}

// Told from the text the body parser was given, never from its error's message.
function unparsableBodyMessage(error: HttpishError): string {
  if (typeof error.body !== 'string') return 'request body is not valid JSON';
  try {
    decodeForSigning(error.body);
  } catch (syntax) {
    return syntax instanceof JsonSyntaxError ? `request body is not valid JSON: ${syntax.message}` : 'request body is not valid JSON';
  }
  // Valid JSON the parser refused: it refuses a key that could reach an object's prototype.
  if (hasProtoKey(JSON.parse(error.body))) return 'request body contains a forbidden "__proto__" key';
  return 'request body must be a JSON object';
}

/** What a request body the parser could not read comes to, whatever the parser threw; `contentEncoding` is the request's header. */
export function bodyFailure(error: unknown, bodyLimitBytes: number, contentEncoding: string | undefined): Failure {
  const e = (error ?? {}) as HttpishError;
  if (e.status === 413 || e.type === 'entity.too.large') {
    return failure('body_too_large', `request body exceeds the limit of ${bodyLimitBytes} bytes`);
  }
  if (e.status === 415) {
    return failure('malformed_body', `request body cannot be read: Content-Encoding "${contentEncoding}" is not gzip, deflate, br or none`);
  }
  if (e.status === 400 && e.type === 'request.aborted') return failure('malformed_body', 'request body was cut short');
  if (e.status === 400) return failure('malformed_body', unparsableBodyMessage(e));
  // No HTTP meaning: the decompressor's (gzip, deflate, br) failing on bytes that are not what the header says.
  return failure('malformed_body', 'request body cannot be read: it is not compressed as its Content-Encoding header says');
}

/** A request body that could not be read, with what it comes to. */
export class UnreadableBodyError extends Error {
  override name = 'UnreadableBodyError';
  constructor(
    readonly failure: Failure,
    override readonly cause: unknown,
  ) {
    super(failure.message);
  }
}

/** The protocol failure an error thrown below the handlers stands for, if it is one the service knows. */
export function failureFromError(error: unknown): Failure | undefined {
  if (error instanceof StoreUnavailableError) return failure('store_unavailable', 'temporarily unavailable, please retry');
  if (error instanceof UnreadableBodyError) return error.failure;
  return undefined;
}
