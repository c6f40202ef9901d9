// How many minor units a currency's major unit has, and amounts written in major units. Pure and
// free of Node, so that the console shows and reads amounts by the same rule as the service.
// ISO 4217's own table, not the runtime's: ICU rounds display digits (HUF, IDR and PKR show none,
// IQD two) where the platform's amounts count ISO's minor units.

const EXPONENT_NOT_TWO: ReadonlyMap<string, number> = new Map([
  ...['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'].map(
    (code) => [code, 0] as const,
  ),
  // Units of account with no minor unit in ISO 4217 ("N.A."): the platform sends them in major units.
  ...['XAG', 'XAU', 'XDR', 'XPD', 'XPT', 'XSU', 'XUA'].map((code) => [code, 0] as const),
  ...['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((code) => [code, 3] as const),
  ...['CLF', 'UYW'].map((code) => [code, 4] as const),
]);

/** ISO 4217 minor-unit digits: 2 for KZT (tiyn), 0 for JPY, 3 for KWD. */
export const minorDigits = (currency: string): number => EXPONENT_NOT_TWO.get(currency) ?? 2;

/** 1500000, "KZT" -> "15000.00"; -5, "KZT" -> "-0.05"; 150, "JPY" -> "150"; 1500, "KWD" -> "1.500". Exact for any safe integer. */
export function majorText(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor));
  if (digits === 0) return `${sign}${text}`;
  const padded = text.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/**
 * "150", "150.5", "-12,25" in major units -> minor units of `currency`; undefined for anything
 * else, a fraction finer than the currency's minor unit included (no floats involved).
 */
export function minorFromMajorText(text: string, currency: string): number | undefined {
  const digits = minorDigits(currency);
  const match = /^\s*(-?)(\d{1,13})(?:[.,](\d+))?\s*$/.exec(text);
  if (!match) return undefined;
  const [, sign, major = '', fraction = ''] = match;
  // Fifteen digits in all keep the amount a safe integer.
  if (fraction.length > digits || major.length + digits > 15) return undefined;
  const minor = Number(major + fraction.padEnd(digits, '0'));
  return sign && minor !== 0 ? -minor : minor;
}
