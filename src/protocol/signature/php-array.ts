// A model of the PHP array the platform's reference implementation signs: an ordered map whose
// keys are PHP ints (bigint here) or strings. Scalars are kept as the string PHP would make of them,
// since flattening only ever needs that string.

export type PhpKey = bigint | string;
export type PhpValue = string | PhpArray;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const CANONICAL_INT = /^(?:0|-?[1-9][0-9]*)$/;

/**
 * PHP turns a string key that is a canonical decimal integer within int64 into an int key
 * ("5" -> 5, but "05", "-0" and "9223372036854775808" stay strings).
 */
export function phpArrayKey(key: string): PhpKey {
  // Most keys are words: a first character that no integer starts with settles it.
  const first = key.charCodeAt(0);
  if (first !== 45 && !(first >= 48 && first <= 57)) return key;
  if (key.length > 20 || !CANONICAL_INT.test(key)) return key;
  const value = BigInt(key);
  return value >= INT64_MIN && value <= INT64_MAX ? value : key;
}

export class PhpArray {
  readonly entries = new Map<PhpKey, PhpValue>();
  private nextIndex = 0n;
  // Scalars are kept as PHP's string of them, where null and '' are alike; isset() tells them apart.
  private nullKeys: Set<PhpKey> | undefined;

  /** `$a[$key] = $value`: an existing key keeps its position, as in PHP. */
  set(key: PhpKey, value: PhpValue): void {
    this.entries.set(key, value);
    this.nullKeys?.delete(key);
    if (typeof key === 'bigint' && key >= this.nextIndex) this.nextIndex = key + 1n;
  }

  /** Records that the value under `key` is null (set it first). */
  markNull(key: PhpKey): void {
    (this.nullKeys ??= new Set()).add(key);
  }

  /** `is_null($a[$key])` for a key that is present. */
  isNull(key: PhpKey): boolean {
    return this.nullKeys?.has(key) ?? false;
  }

  /** `$a[] = $value` */
  push(value: PhpValue): void {
    this.entries.set(this.nextIndex, value);
    this.nextIndex += 1n;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** `array_merge($a, $b)`: int keys of both are renumbered from 0, string keys overwrite in place. */
export function arrayMerge(a: PhpArray, b: PhpArray): PhpArray {
  const merged = new PhpArray();
  for (const source of [a, b]) {
    for (const [key, value] of source.entries) {
      if (typeof key === 'bigint') merged.push(value);
      else merged.set(key, value);
    }
  }
  return merged;
}
