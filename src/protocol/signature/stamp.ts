// The string the platform signs: the body flattened to `key:value` entries, sorted naturally by key,
// joined with ';'. Two algorithms are in use, and both are followed step by step, including what
// their PHP arrays do (int keys renumbered by array_merge, '0' being a false prefix):
// - `documented`: the platform's documented reference code — keys lower-cased (ASCII), objects
//   below the third level cut to one `path:` entry, only the signature field itself left out;
// - `sdk`: the reference PHP SDK's SignatureHandler and Callback — keys keep their case, no depth
//   cut, a ':' inside a key written '::', every `frame_mode` key skipped, and every non-null
//   `signature` key removed at any depth before signing.
import { arrayMerge, PhpArray, phpArrayKey, type PhpKey } from './php-array.js';
import { naturalCompare } from './natural-order.js';
import type { SignatureAlgorithm, SignaturePlace } from './signature-place.js';

const DOCUMENTED_MAX_DEPTH = 3;
const SDK_IGNORED_KEY = 'frame_mode';
const SIGNATURE_KEY = 'signature';
const GENERAL_KEY = 'general';

// Most keys are lower case already: test before paying for a replace with a callback.
const asciiLower = (s: string): string => (/[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s);
const escapeColons = (s: string): string => (s.includes(':') ? s.replaceAll(':', '::') : s);

interface Rules {
  readonly maxDepth: number;
  readonly keyText: (key: string) => string;
  /** Whether the entry `key` of `node`, met at `depth` under `parentKey`, is left out. */
  readonly skip: (node: PhpArray, key: PhpKey, depth: number, parentKey: PhpKey | undefined) => boolean;
}

function rulesFor(algorithm: SignatureAlgorithm, place: SignaturePlace): Rules {
  if (algorithm === 'sdk') {
    return {
      maxDepth: Infinity,
      keyText: escapeColons,
      // Callback::removeParam unsets only what isset() sees: a null `signature` stays and is signed.
      skip: (node, key) => key === SDK_IGNORED_KEY || (key === SIGNATURE_KEY && !node.isNull(key)),
    };
  }
  return {
    maxDepth: DOCUMENTED_MAX_DEPTH,
    keyText: asciiLower,
    skip: (_node, key, depth, parentKey) =>
      key === SIGNATURE_KEY && (place === 'top' ? depth === 0 : depth === 1 && parentKey === GENERAL_KEY),
  };
}

function flatten(params: PhpArray, prefix: string, depth: number, parentKey: PhpKey | undefined, rules: Rules): PhpArray {
  // PHP: `$prefix ? $prefix . ':' : ''` — and the string '0' is false in PHP.
  const head = prefix !== '' && prefix !== '0' ? `${prefix}:` : '';
  const flat = new PhpArray();
  if (depth >= rules.maxDepth) {
    flat.push(head);
    return flat;
  }
  let result = flat;
  for (const [key, value] of params.entries) {
    if (rules.skip(params, key, depth, parentKey)) continue;
    const path = head + rules.keyText(typeof key === 'bigint' ? key.toString() : key);
    if (value instanceof PhpArray) {
      result = arrayMerge(result, flatten(value, path, depth + 1, key, rules));
    } else {
      result.set(phpArrayKey(path), `${path}:${value}`);
    }
  }
  return result;
}

const keyText = (key: PhpKey): string => (typeof key === 'bigint' ? key.toString() : key);

/**
 * The joined string before HMAC of a decoded body under `algorithm`, with the signature taken
 * from `place` (the documented algorithm leaves out only that field; the SDK's every signature).
 */
export function exactStamp(body: PhpArray, algorithm: SignatureAlgorithm, place: SignaturePlace): string {
  const entries: Array<{ key: Uint8Array; order: number; value: string }> = [];
  let order = 0;
  for (const [key, value] of flatten(body, '', 0, undefined, rulesFor(algorithm, place)).entries) {
    // Buffer.from, not TextEncoder: the same UTF-8 bytes (lone surrogates as U+FFFD), faster for
    // short keys.
    entries.push({ key: Buffer.from(keyText(key), 'utf8'), order: order++, value: value as string });
  }
  // ksort(SORT_NATURAL) is stable: equal keys keep their order.
  entries.sort((a, b) => naturalCompare(a.key, b.key) || a.order - b.order);
  return entries.map((e) => e.value).join(';');
}

/**
 * Whether the SDK's stamp of `body` can differ from the documented one: a key with an upper-case
 * letter or a ':', a `frame_mode` key, a `signature` key other than the one taken, or a container
 * below the documented depth cut. Anything else gives both algorithms the same string, so ordinary
 * bodies are flattened once.
 */
export function algorithmsMayDiffer(body: PhpArray, place: SignaturePlace): boolean {
  const visit = (node: PhpArray, depth: number, parentKey: PhpKey | undefined): boolean => {
    for (const [key, value] of node.entries) {
      if (typeof key === 'string') {
        if (key === SDK_IGNORED_KEY || /[A-Z:]/.test(key)) return true;
        const taken = place === 'top' ? depth === 0 : depth === 1 && parentKey === GENERAL_KEY;
        if (key === SIGNATURE_KEY && !taken) return true;
      }
      if (value instanceof PhpArray) {
        if (depth + 1 >= DOCUMENTED_MAX_DEPTH || visit(value, depth + 1, key)) return true;
      }
    }
    return false;
  };
  return visit(body, 0, undefined);
}
