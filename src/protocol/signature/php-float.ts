// PHP's `(string)$float` with the default `precision = 14`: zend_gcvt over dtoa mode 2, that is the
// exact binary value rounded half-to-even to 14 significant digits, trailing zeros dropped, and
// exponent notation ("1.0E+25", "1.0E-5") outside 1e-4 <= |x| < 1e15.

const PRECISION = 14;

/** Exact decimal digits of |x| (no leading zeros) and the point position: |x| = 0.DIGITS × 10^point. */
function exactDecimal(x: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biasedExponent = hi >>> 20;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biasedExponent === 0 ? 1 : biasedExponent) - 1075;
  if (exponent >= 0) {
    const digits = (mantissa << BigInt(exponent)).toString();
    return { digits, point: digits.length };
  }
  // m × 2^-k = m × 5^k / 10^k
  const digits = (mantissa * 5n ** BigInt(-exponent)).toString();
  return { digits, point: digits.length + exponent };
}

function roundHalfEven(digits: string, point: number, keep: number): { digits: string; point: number } {
  if (digits.length <= keep) return { digits, point };
  const head = digits.slice(0, keep);
  const first = digits.charCodeAt(keep) - 48;
  const restNonZero = /[1-9]/.test(digits.slice(keep + 1));
  const lastOdd = (head.charCodeAt(keep - 1) - 48) % 2 === 1;
  const up = first > 5 || (first === 5 && (restNonZero || lastOdd));
  if (!up) return { digits: head, point };
  const incremented = (BigInt(head) + 1n).toString();
  // 99…9 + 1 gains a digit: the point moves one place right.
  return incremented.length > keep ? { digits: incremented.slice(0, keep), point: point + 1 } : { digits: incremented, point };
}

export function phpFloatToString(x: number): string {
  if (Number.isNaN(x)) return 'NAN';
  if (!Number.isFinite(x)) return x > 0 ? 'INF' : '-INF';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0`;
  const exact = exactDecimal(x);
  const rounded = roundHalfEven(exact.digits, exact.point, PRECISION);
  const digits = rounded.digits.replace(/0+$/, '');
  const point = rounded.point;
  if (point < 0 ? point < -3 : point > PRECISION) {
    const exponent = point - 1;
    const fraction = digits.length > 1 ? digits.slice(1) : '0';
    return `${sign}${digits[0]}.${fraction}E${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  const integer = digits.slice(0, point).padEnd(point, '0');
  const fraction = digits.slice(point);
  return fraction ? `${sign}${integer}.${fraction}` : `${sign}${integer}`;
}
