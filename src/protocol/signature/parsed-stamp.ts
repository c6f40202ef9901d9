// The stamp of a plain body from the value JSON.parse made of it: the service's body parser has
// read every body once already, so the stamp needs no pass over the text of its own. JSON.parse
// and json_decode agree on a plain body — objects only, at most three levels, every key made of
// lower-case ASCII letters and '_' (so no key PHP would turn into an int, none JavaScript would
// reorder), strings well formed, numbers that read the same to both — down to a key given twice:
// both keep its last value, and the stamp sorts the keys anyway. What a repeated key hides from the
// value, json_decode still reads, and may refuse; the text is checked for the two things it refuses
// and JSON.parse does not. A plain body has one signature, a string, at the top or in `general`,
// no other `signature` key and no `frame_mode` key: then both signature algorithms give it the same
// stamp. Anything else answers undefined, and the caller takes the exact path, which also names
// what is wrong with the text.
import { phpFloatToString } from './php-float.js';
import type { SignaturePlace } from './signature-place.js';

export interface PlainStamp {
  /** The joined entries, the signature left out: the same under both algorithms. */
  readonly stamp: string;
  /** Where the signature was; `top` for a body without one (it is signed as a whole). */
  readonly place: SignaturePlace;
  /** The signature; undefined when the body has none. */
  readonly signature: string | undefined;
}

// As in stamp.ts: past this depth the documented algorithm carries a cut entry under an int key.
const MAX_DEPTH = 3;
const SIGNATURE = 'signature';
const GENERAL = 'general';
// Skipped by the SDK's algorithm, signed by the documented one.
const SDK_IGNORED = 'frame_mode';
// json_decode's default depth: it refuses a value nested this many levels deep.
const PHP_MAX_NESTING = 512;
// "\uD800" to "\uDFFF": half of a pair, or a lone half, which json_decode refuses.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

// Below this an integral value has the same PHP string whether its text was an integer (its digits)
// or a float (`precision = 14`: digits without exponent); JSON.parse no longer knows which it was.
// Above it, or at -0 (int 0 is "0", float -0.0 is "-0"), only the text can tell.
const INTEGRAL_LIMIT = 1e14;

/** PHP's `(string)` of a JSON scalar as JSON.parse made it; undefined if only the text can tell. */
function scalarString(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      // A lone surrogate (escaped, "\ud800") is a json_decode error; the exact path says so.
      return value.isWellFormed() ? value : undefined;
    case 'number':
      if (Number.isInteger(value)) return Math.abs(value) < INTEGRAL_LIMIT && !Object.is(value, -0) ? String(value) : undefined;
      // Not integral, so its text was a float: the same double to both sides.
      return Number.isFinite(value) ? phpFloatToString(value) : undefined;
    case 'boolean':
      return value ? '1' : '0';
    default:
      return value === null ? '' : undefined;
  }
}

/**
 * Whether json_decode might refuse text that JSON.parse took: a lone UTF-16 surrogate (escaped;
 * a raw one cannot come out of UTF-8, but a caller's string may hold one), or nesting as deep as
 * its limit. Either may sit in a value a repeated key hid. Checked coarsely — any surrogate escape,
 * any text with as many openers as the limit — since declining only costs the exact path.
 */
function jsonDecodeMightRefuse(text: string): boolean {
  if (!text.isWellFormed()) return true;
  if (text.includes('\\u') && SURROGATE_ESCAPE.test(text)) return true;
  // As many openers as the limit, each closed, take twice as many characters.
  if (text.length < 2 * PHP_MAX_NESTING) return false;
  let openers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 123 || c === 91) && ++openers >= PHP_MAX_NESTING) return true;
  }
  return false;
}

function isPlainKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || c === 95)) return false;
  }
  return true;
}

/** An object's own keys in byte order (plain keys are ASCII). */
function sortedKeys(node: object): string[] {
  const keys = Object.keys(node);
  // By insertion, by hand: a handful of keys each, where Array.prototype.sort costs twice the walk.
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i;
    while (j > 0 && keys[j - 1]! > key) {
      keys[j] = keys[j - 1]!;
      j--;
    }
    keys[j] = key;
  }
  return keys;
}

/**
 * Appends the entries of `node` to `out` in natural order, or answers false when it is not plain.
 * Each object's keys sorted give the whole paths in order: a path continues with ':', which sorts
 * before every key character, so an object's entries sit together exactly where its key does.
 * `omit` is the signature key of this very object, when it holds the signature.
 */
function collect(node: object, prefix: string, depth: number, omit: boolean, generalHoldsSignature: boolean, out: string[]): boolean {
  const keys = sortedKeys(node);
  for (const key of keys) {
    if (!isPlainKey(key)) return false;
    if (key === SIGNATURE) {
      if (omit) continue;
      return false;
    }
    if (key === SDK_IGNORED) return false;
    const value = (node as Record<string, unknown>)[key];
    if (typeof value === 'object' && value !== null) {
      if (Array.isArray(value) || depth + 1 >= MAX_DEPTH) return false;
      const holds = depth === 0 && key === GENERAL && generalHoldsSignature;
      if (!collect(value, `${prefix}${key}:`, depth + 1, holds, false, out)) return false;
      continue;
    }
    const text = scalarString(value);
    if (text === undefined) return false;
    out.push(`${prefix}${key}:${text}`);
  }
  return true;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The stamp of `text`, given `parsed`, JSON.parse's value of it, if the body is plain (see above),
 * with its signature left out and handed back; undefined for anything else.
 */
export function parsedStamp(text: string, parsed: unknown): PlainStamp | undefined {
  if (!isObject(parsed)) return undefined;
  if (jsonDecodeMightRefuse(text)) return undefined;
  const general = parsed[GENERAL];
  const atTop = Object.hasOwn(parsed, SIGNATURE);
  const inGeneral = isObject(general) && Object.hasOwn(general, SIGNATURE);
  // Both places at once is refused, with its reason, by the exact path.
  if (atTop && inGeneral) return undefined;
  const signature = atTop ? parsed[SIGNATURE] : inGeneral ? general[SIGNATURE] : undefined;
  if (signature !== undefined && typeof signature !== 'string') return undefined;
  if (signature !== undefined && !signature.isWellFormed()) return undefined;
  const entries: string[] = [];
  if (!collect(parsed, '', 0, atTop, inGeneral, entries)) return undefined;
  return { stamp: entries.join(';'), place: inGeneral ? 'general' : 'top', signature };
}
