// The string the platform signs: the body flattened to `key:value` entries, sorted naturally by key,
// joined with ';'. Follows the platform's reference PHP implementation step by step, including
// what its PHP arrays do: int keys renumbered by array_merge, the entry for a too-deep object
// carried under such an int key, and '0' being a false prefix.
import { arrayMerge, PhpArray, phpArrayKey, type PhpKey, type PhpValue } from './php-array.js';
import { naturalCompare } from './natural-order.js';

const MAX_DEPTH = 3;
// Most keys are lower case already: test before paying for a replace with a callback.
const asciiLower = (s: string): string => (/[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s);

function flatten(params: PhpArray, prefix: string, depth: number, omit?: string): PhpArray {
  // PHP: `$prefix ? $prefix . ':' : ''` — and the string '0' is false in PHP.
  const head = prefix !== '' && prefix !== '0' ? `${prefix}:` : '';
  const flat = new PhpArray();
  if (depth >= MAX_DEPTH) {
    flat.push(head);
    return flat;
  }
  let result = flat;
  for (const [key, value] of params.entries) {
    if (depth === 0 && key === omit) continue;
    const path = head + asciiLower(String(key));
    if (value instanceof PhpArray) {
      result = arrayMerge(result, flatten(value, path, depth + 1));
    } else {
      result.set(phpArrayKey(path), `${path}:${value}`);
    }
  }
  return result;
}

// Keys of lower-case ASCII letters and '_' only — every key the platform sends. Then no key is a PHP
// int (nothing for array_merge to renumber), none needs lower-casing, no two paths can be alike
// (no ':' inside a key), and natural order is plain byte order (no digits, no white space). The
// stamp of such a body needs none of the PHP array machinery: 3–4 times faster. Anything else takes
// the exact path.
const PLAIN_KEY = /^[a-z_]+$/;

/** Appends `path:value` entries of a plain body to `out`; false as soon as the body is not plain. */
function plainEntries(params: PhpArray, prefix: string, depth: number, omit: string | undefined, out: Array<[string, string]>): boolean {
  for (const [key, value] of params.entries) {
    if (typeof key !== 'string' || !PLAIN_KEY.test(key)) return false;
    if (depth === 0 && key === omit) continue;
    const path = prefix === '' ? key : `${prefix}:${key}`;
    if (value instanceof PhpArray) {
      // Below the depth limit the reference carries the cut entry under an int key: the exact path.
      if (depth + 1 >= MAX_DEPTH || !plainEntries(value, path, depth + 1, undefined, out)) return false;
    } else {
      out.push([path, `${path}:${value}`]);
    }
  }
  return true;
}

/**
 * The joined string before HMAC for a decoded body. `omit` names a top-level key left out (the
 * `signature` field itself).
 */
export function stampOf(body: PhpValue, omit = 'signature'): string {
  if (!(body instanceof PhpArray)) return body;
  const plain: Array<[string, string]> = [];
  if (plainEntries(body, '', 0, omit, plain)) {
    // Paths are unique: no ties for a stable sort to break.
    plain.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    let stamp = plain.length > 0 ? plain[0]![1] : '';
    for (let i = 1; i < plain.length; i++) stamp += `;${plain[i]![1]}`;
    return stamp;
  }
  return exactStamp(body, omit);
}

/** Every body, exactly as the reference implementation flattens it. */
export function exactStamp(body: PhpArray, omit: string | undefined): string {
  const entries: Array<{ key: Uint8Array; order: number; value: string }> = [];
  let order = 0;
  for (const [key, value] of flatten(body, '', 0, omit).entries) {
    // Buffer.from, not TextEncoder: the same UTF-8 bytes (lone surrogates as U+FFFD), ~15x faster
    // for short keys.
    entries.push({ key: Buffer.from(keyText(key), 'utf8'), order: order++, value: value as string });
  }
  entries.sort((a, b) => naturalCompare(a.key, b.key) || a.order - b.order);
  return entries.map((e) => e.value).join(';');
}

const keyText = (key: PhpKey): string => (typeof key === 'bigint' ? key.toString() : key);
