// What is thrown below the handlers, as the protocol's failure. A body the parser could not read is
// told by the error's documented `status` and `type` (raw-body, http-errors) and by the text it was
// given, never by the error's message; a store that cannot write is "retry"; anything else is not
// the caller's business (undefined: an internal error, its details in the log).
import { describe, expect, it } from 'vitest';
import { bodyFailure, failureFromError, UnreadableBodyError } from '../../src/http/request-failure.js';
import { failure } from '../../src/protocol/outcome.js';
import { StoreUnavailableError } from '../../src/store/store.js';

const unparsable = (body: unknown) => Object.assign(new Error('parser words'), { status: 400, type: 'entity.parse.failed', body });

describe('a body the parser could not read', () => {
  it('is too large by its status or its type', () => {
    const tooLarge = failure('body_too_large', 'request body exceeds the limit of 65536 bytes');
    expect(bodyFailure({ status: 413, type: 'entity.too.large' }, 65536, undefined)).toEqual(tooLarge);
    expect(bodyFailure({ status: 413 }, 65536, undefined)).toEqual(tooLarge);
    expect(bodyFailure({ type: 'entity.too.large' }, 65536, undefined)).toEqual(tooLarge);
  });

  it('names a Content-Encoding it cannot undo, and a body cut short', () => {
    expect(bodyFailure({ status: 415, type: 'encoding.unsupported' }, 1, 'compress')).toEqual(
      failure('malformed_body', 'request body cannot be read: Content-Encoding "compress" is not gzip, deflate, br or none'),
    );
    expect(bodyFailure({ status: 400, type: 'request.aborted' }, 1, undefined)).toEqual(
      failure('malformed_body', 'request body was cut short'),
    );
  });

  it('says where the text stops being JSON, from the text itself', () => {
    expect(bodyFailure(unparsable('{"type": "verify",}'), 1, undefined)).toEqual(
      failure('malformed_body', 'request body is not valid JSON: expected a string key at offset 18'),
    );
    expect(bodyFailure(unparsable(undefined), 1, undefined)).toEqual(failure('malformed_body', 'request body is not valid JSON'));
  });

  it('tells valid JSON the parser refused: not an object, or a key that reaches the prototype', () => {
    for (const body of ['"verify"', '12', 'null', 'true'])
      expect(bodyFailure(unparsable(body), 1, undefined), body).toEqual(failure('malformed_body', 'request body must be a JSON object'));
    for (const body of ['{"__proto__": {}}', '{"a": [1, {"b": {"__proto__": null}}]}'])
      expect(bodyFailure(unparsable(body), 1, undefined), body).toEqual(
        failure('malformed_body', 'request body contains a forbidden "__proto__" key'),
      );
  });

  it('is bytes not compressed as the header says when the error has no HTTP meaning (the decompressor)', () => {
    expect(bodyFailure(Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR' }), 1, 'gzip')).toEqual(
      failure('malformed_body', 'request body cannot be read: it is not compressed as its Content-Encoding header says'),
    );
    expect(bodyFailure(undefined, 1, 'gzip').reason).toBe('malformed_body');
  });
});

describe('an error thrown below the handlers', () => {
  it('is "retry" when the store cannot write, what the body came to when it could not be read, else unknown', () => {
    expect(failureFromError(new StoreUnavailableError(new Error('SQLITE_BUSY')))).toEqual(
      failure('store_unavailable', 'temporarily unavailable, please retry'),
    );
    const unreadable = failure('malformed_body', 'request body was cut short');
    expect(failureFromError(new UnreadableBodyError(unreadable, new Error('aborted')))).toBe(unreadable);
    for (const other of [new Error('boom'), new TypeError('x is undefined'), 'a string', undefined])
      expect(failureFromError(other)).toBeUndefined();
  });
});
