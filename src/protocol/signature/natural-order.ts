// PHP 8's strnatcmp_ex (case-sensitive), which `ksort($a, SORT_NATURAL)` applies to keys: over
// UTF-8 bytes, leading zeros skipped at the start, white space skipped, digit runs compared by
// value (or left-aligned, "fractional", when one starts with 0), every other byte by value.

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
// C isspace in the "C" locale: \t \n \v \f \r and space.
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

export function naturalCompare(a: Uint8Array, b: Uint8Array): number {
  const aEnd = a.length;
  const bEnd = b.length;
  if (aEnd === 0 || bEnd === 0) return aEnd === bEnd ? 0 : aEnd > bEnd ? 1 : -1;
  // Past the end reads the terminating NUL of a zend_string.
  const at = (s: Uint8Array, i: number): number => (i < s.length ? s[i]! : 0);

  let ai = 0;
  let bi = 0;
  let ca = a[0]!;
  let cb = b[0]!;
  while (ca === 48 && ai + 1 < aEnd && isDigit(a[ai + 1]!)) ca = a[++ai]!;
  while (cb === 48 && bi + 1 < bEnd && isDigit(b[bi + 1]!)) cb = b[++bi]!;

  for (;;) {
    while (isSpace(ca)) ca = at(a, ++ai);
    while (isSpace(cb)) cb = at(b, ++bi);

    if (isDigit(ca) && isDigit(cb)) {
      const fractional = ca === 48 || cb === 48;
      let result = 0;
      if (fractional) {
        // Left-aligned: the first different digit decides.
        for (; ; ai++, bi++) {
          const da = ai < aEnd && isDigit(a[ai]!);
          const db = bi < bEnd && isDigit(b[bi]!);
          if (!da && !db) break;
          if (!da) {
            result = -1;
            break;
          }
          if (!db) {
            result = 1;
            break;
          }
          if (a[ai]! < b[bi]!) {
            result = -1;
            break;
          }
          if (a[ai]! > b[bi]!) {
            result = 1;
            break;
          }
        }
      } else {
        // Right-aligned: the longer run wins, else the first difference (the bias).
        let bias = 0;
        for (; ; ai++, bi++) {
          const da = ai < aEnd && isDigit(a[ai]!);
          const db = bi < bEnd && isDigit(b[bi]!);
          if (!da && !db) {
            result = bias;
            break;
          }
          if (!da) {
            result = -1;
            break;
          }
          if (!db) {
            result = 1;
            break;
          }
          if (bias === 0) bias = a[ai]! < b[bi]! ? -1 : a[ai]! > b[bi]! ? 1 : 0;
        }
      }
      if (result !== 0) return result;
      if (ai === aEnd && bi === bEnd) return 0;
      if (ai === aEnd) return -1;
      if (bi === bEnd) return 1;
      ca = a[ai]!;
      cb = b[bi]!;
    }

    if (ca < cb) return -1;
    if (ca > cb) return 1;
    ++ai;
    ++bi;
    if (ai >= aEnd && bi >= bEnd) return 0;
    if (ai >= aEnd) return -1;
    if (bi >= bEnd) return 1;
    ca = a[ai]!;
    cb = b[bi]!;
  }
}
