// Signing and checking bodies the way the payment platform does: HMAC-SHA512 over the stamp,
// Base64. Pure: no I/O, no HTTP; the caller hands in the body text exactly as received.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PhpArray, type PhpValue } from './php-array.js';
import { parsePhpJson } from './php-json.js';
import { stampOf } from './stamp.js';

export { JsonSyntaxError } from './php-json.js';
export { stampOf } from './stamp.js';

export const SIGNATURE_FIELD = 'signature';

export function signStamp(stamp: string, secret: string): string {
  return createHmac('sha512', secret).update(stamp, 'utf8').digest('base64');
}

/** A body decoded once for signing: its PHP view and the signature it carries, if any. */
export interface SignedBody {
  readonly php: PhpValue;
  /** Only a JSON object carries a signature; an array decodes to a PHP array too. */
  readonly isObject: boolean;
}

/** Decodes body text for signing. Throws JsonSyntaxError on text that is not JSON. */
export function decodeForSigning(text: string): SignedBody {
  const php = parsePhpJson(text);
  return { php, isObject: php instanceof PhpArray && /^[ \t\n\r]*\{/.test(text) };
}

/** The signature of a JSON body (text, numbers signed as written); any `signature` field is ignored. */
export function sign(bodyText: string, secret: string): string {
  return signStamp(stampOf(parsePhpJson(bodyText)), secret);
}

/** The signature of a value the caller built in code (numbers must be safe integers to stay exact). */
export function signValue(body: unknown, secret: string): string {
  return sign(JSON.stringify(body), secret);
}

export type SignatureCheck =
  | { ok: true; secretIndex: number }
  | { ok: false; reason: 'not_an_object' | 'missing' | 'not_a_string' | 'empty' | 'mismatch' };

/**
 * Checks the top-level `signature` of a decoded body against each secret (several while a key is
 * being rotated). Every secret is tried and compared in constant time, so timing tells nothing of
 * which one matched or how much of a guess was right.
 */
export function checkSignature(body: SignedBody, secrets: readonly string[]): SignatureCheck {
  if (!body.isObject || !(body.php instanceof PhpArray)) return { ok: false, reason: 'not_an_object' };
  if (!body.php.entries.has(SIGNATURE_FIELD)) return { ok: false, reason: 'missing' };
  const given = body.php.entries.get(SIGNATURE_FIELD);
  if (typeof given !== 'string') return { ok: false, reason: 'not_a_string' };
  if (given === '') return { ok: false, reason: 'empty' };
  const stamp = stampOf(body.php, SIGNATURE_FIELD);
  const givenBytes = Buffer.from(given, 'utf8');
  let matched = -1;
  secrets.forEach((secret, index) => {
    const expected = Buffer.from(signStamp(stamp, secret), 'utf8');
    const same = expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes);
    if (same && matched < 0) matched = index;
  });
  return matched >= 0 ? { ok: true, secretIndex: matched } : { ok: false, reason: 'mismatch' };
}
