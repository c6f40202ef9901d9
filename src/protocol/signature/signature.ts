// Signing and checking bodies the way the payment platform does: HMAC-SHA512 over the stamp,
// Base64. Pure: no I/O, no HTTP; the caller hands in the body text exactly as received, and may
// hand in what JSON.parse made of it too, so that a plain body is not read a second time.
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { PhpArray } from './php-array.js';
import { parsePhpJson } from './php-json.js';
import { parsedStamp } from './parsed-stamp.js';
import { locateSignature, stampPlace, type SignatureAlgorithm, type SignatureLocation } from './signature-place.js';
import { algorithmsMayDiffer, exactStamp } from './stamp.js';

export { JsonSyntaxError } from './php-json.js';
export { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from './signature-place.js';

// createHmac turns a string key into bytes and a key handle on every call; a KeyObject made once
// skips both. Secrets are a handful per deployment; the bound only keeps a caller that signs with
// ever-new secrets (a test) from growing it.
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 64;

function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

export function signStamp(stamp: string, secret: string): string {
  return createHmac('sha512', keyOf(secret)).update(stamp, 'utf8').digest('base64');
}

/** The stamp of a body under one algorithm. */
export interface AlgorithmStamp {
  readonly algorithm: SignatureAlgorithm;
  readonly stamp: string;
}

/** A body decoded once for signing: what checking its signature needs. */
export interface SignedBody {
  /** Only a JSON object carries a signature; an array decodes to a PHP array too. */
  readonly isObject: boolean;
  /** Where the signature is, and what it is as PHP sees it. */
  readonly location: SignatureLocation;
  /** The signature is present and is not a JSON string (a number, an object, null). */
  readonly signatureNotAString: boolean;
  /**
   * The stamp of everything but the signature: the documented algorithm's first, then the SDK's
   * when it can differ. Empty for what is not an object.
   */
  readonly stamps: readonly AlgorithmStamp[];
}

/** JSON.parse's value of `text`, or undefined when it is not JSON (the exact path says why). */
function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether the signature JSON.parse sees at `location` is something other than a string. */
function notAString(parsed: unknown, location: SignatureLocation): boolean {
  if (location.place !== 'top' && location.place !== 'general') return false;
  if (location.isNull) return true;
  if (typeof parsed !== 'object' || parsed === null) return false;
  const holder = location.place === 'top' ? parsed : (parsed as { general?: unknown }).general;
  const given = typeof holder === 'object' && holder !== null ? (holder as { signature?: unknown }).signature : undefined;
  return given !== undefined && typeof given !== 'string';
}

const NOT_AN_OBJECT: SignedBody = { isObject: false, location: { place: 'missing' }, signatureNotAString: false, stamps: [] };

/**
 * Decodes body text for signing. `parsed`, when given, must be JSON.parse's value of this very
 * text (the body parser's); without it the text is parsed here. Throws JsonSyntaxError on text
 * that is not JSON.
 */
export function decodeForSigning(text: string, parsed: unknown = parsedOrUndefined(text)): SignedBody {
  const plain = parsedStamp(text, parsed);
  if (plain) {
    const location: SignatureLocation =
      plain.signature === undefined ? { place: 'missing' } : { place: plain.place, value: plain.signature, isNull: false };
    return { isObject: true, location, signatureNotAString: false, stamps: [{ algorithm: 'documented', stamp: plain.stamp }] };
  }
  const php = parsePhpJson(text);
  if (!(php instanceof PhpArray) || !/^[ \t\n\r]*\{/.test(text)) return NOT_AN_OBJECT;
  const location = locateSignature(php);
  const place = stampPlace(location);
  const documented = exactStamp(php, 'documented', place);
  const stamps: AlgorithmStamp[] = [{ algorithm: 'documented', stamp: documented }];
  if (algorithmsMayDiffer(php, place)) {
    const sdk = exactStamp(php, 'sdk', place);
    if (sdk !== documented) stamps.push({ algorithm: 'sdk', stamp: sdk });
  }
  return { isObject: true, location, signatureNotAString: notAString(parsed, location), stamps };
}

/** The stamp of a decoded body under `algorithm` (the two agree when only one is listed). */
export function stampUnder(body: SignedBody, algorithm: SignatureAlgorithm): string {
  const found = body.stamps.find((s) => s.algorithm === algorithm) ?? body.stamps[0];
  if (!found) throw new TypeError('only a JSON object can be signed');
  return found.stamp;
}

/**
 * The signature of a JSON object body (text, numbers signed as written) under `algorithm`; a
 * signature already in it, at the top or in `general`, is left out. Throws JsonSyntaxError on text
 * that is not JSON, and TypeError on JSON that is not an object.
 */
export function sign(bodyText: string, secret: string, algorithm: SignatureAlgorithm = 'documented'): string {
  return signStamp(stampUnder(decodeForSigning(bodyText), algorithm), secret);
}

/** The signature of a value the caller built in code (numbers must be safe integers to stay exact). */
export function signValue(body: unknown, secret: string, algorithm: SignatureAlgorithm = 'documented'): string {
  return sign(JSON.stringify(body), secret, algorithm);
}

const SIGNATURE_CHARS = 88;
const givenBytes = Buffer.alloc(SIGNATURE_CHARS);
const expectedBytes = Buffer.alloc(SIGNATURE_CHARS);

export type SignatureCheck =
  | { ok: true; secretIndex: number; algorithm: SignatureAlgorithm }
  | { ok: false; reason: 'not_an_object' | 'missing' | 'both_places' | 'not_a_string' | 'empty' | 'mismatch' };

/**
 * Checks the signature of a decoded body against each secret (several while a key is being
 * rotated) under each algorithm whose stamp differs. Every pair is computed and compared in
 * constant time, so timing tells nothing of which one matched or how much of a guess was right.
 */
export function checkSignature(body: SignedBody, secrets: readonly string[]): SignatureCheck {
  if (!body.isObject) return { ok: false, reason: 'not_an_object' };
  const { location } = body;
  if (location.place === 'missing') return { ok: false, reason: 'missing' };
  if (location.place === 'both') return { ok: false, reason: 'both_places' };
  if (body.signatureNotAString || typeof location.value !== 'string') return { ok: false, reason: 'not_a_string' };
  const given = location.value;
  if (given === '') return { ok: false, reason: 'empty' };
  // A signature is the Base64 of 64 bytes: 88 characters. Compared as bytes in buffers kept for
  // the purpose (the check is synchronous), not two new ones per check.
  if (given.length !== SIGNATURE_CHARS || Buffer.byteLength(given, 'utf8') !== SIGNATURE_CHARS) return { ok: false, reason: 'mismatch' };
  givenBytes.write(given, 'latin1');
  let matched: { secretIndex: number; algorithm: SignatureAlgorithm } | undefined;
  secrets.forEach((secret, secretIndex) => {
    for (const { algorithm, stamp } of body.stamps) {
      expectedBytes.write(signStamp(stamp, secret), 'latin1');
      if (timingSafeEqual(expectedBytes, givenBytes) && matched === undefined) matched = { secretIndex, algorithm };
    }
  });
  return matched ? { ok: true, ...matched } : { ok: false, reason: 'mismatch' };
}
