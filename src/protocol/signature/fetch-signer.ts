// Signs outgoing JSON bodies for any fetch-based client (the generated partner client takes it as
// middleware): the signature covers exactly the text that is sent, and is appended to it without
// parsing and re-serialising, so no number or key order can change on the way.
import { sign, type SignatureAlgorithm } from './signature.js';

export interface FetchParams {
  url: string;
  init: RequestInit;
}

/**
 * The `pre` hook of a fetch middleware: adds a top-level `signature` to a JSON object body that has
 * none. Calls to this service sign with the documented algorithm; calls to the platform's own APIs
 * sign with its SDK's.
 */
export function signingMiddleware(secret: string, algorithm: SignatureAlgorithm = 'documented') {
  return {
    pre({ url, init }: FetchParams): Promise<FetchParams> {
      if (typeof init.body !== 'string' || !/^\s*\{/.test(init.body)) return Promise.resolve({ url, init });
      const text = init.body.replace(/\}\s*$/, '');
      const signature = sign(init.body, secret, algorithm);
      const body = `${text}${/\{\s*$/.test(text) ? '' : ','}"signature":${JSON.stringify(signature)}}`;
      return Promise.resolve({ url, init: { ...init, body } });
    },
  };
}
