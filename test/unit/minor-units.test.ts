import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { majorText, minorDigits, minorFromMajorText } from '../../src/ledger/minor-units.js';

describe("a currency's minor units, as ISO 4217 counts them", () => {
  it('counts two for KZT and most currencies, none for yen, three for dinars', () => {
    expect(['KZT', 'USD', 'EUR', 'RUB'].map(minorDigits)).toEqual([2, 2, 2, 2]);
    expect(['JPY', 'KRW', 'VND', 'XOF'].map(minorDigits)).toEqual([0, 0, 0, 0]);
    expect(['KWD', 'BHD', 'IQD', 'TND'].map(minorDigits)).toEqual([3, 3, 3, 3]);
  });

  it("follows ISO where the runtime's display digits differ", () => {
    // ICU shows these without decimals (or IQD with none); the platform counts ISO's minor units.
    expect(['HUF', 'IDR', 'PKR', 'COP'].map(minorDigits)).toEqual([2, 2, 2, 2]);
    expect(minorDigits('IQD')).toBe(3);
  });
});

describe('an amount written in major units', () => {
  it('places the point by the currency', () => {
    expect(majorText(1500000, 'KZT')).toBe('15000.00');
    expect(majorText(-5, 'KZT')).toBe('-0.05');
    expect(majorText(150, 'JPY')).toBe('150');
    expect(majorText(-1500, 'KWD')).toBe('-1.500');
    expect(majorText(7, 'KWD')).toBe('0.007');
    expect(majorText(0, 'KZT')).toBe('0.00');
  });

  it('is exact at the largest amount the ledger holds', () => {
    expect(majorText(Number.MAX_SAFE_INTEGER, 'KZT')).toBe('90071992547409.91');
    expect(majorText(-Number.MAX_SAFE_INTEGER, 'JPY')).toBe('-9007199254740991');
  });

  it('reads back what it writes, for every currency exponent', () => {
    fc.assert(
      fc.property(fc.constantFrom('KZT', 'JPY', 'KWD'), fc.integer({ min: -1e12, max: 1e12 }), (currency, minor) => {
        expect(minorFromMajorText(majorText(minor, currency), currency)).toBe(minor);
      }),
    );
  });
});

describe('an amount an operator types in major units', () => {
  it('becomes minor units of the currency, a comma taken as the point', () => {
    expect(minorFromMajorText('150', 'KZT')).toBe(15000);
    expect(minorFromMajorText(' -12,5 ', 'KZT')).toBe(-1250);
    expect(minorFromMajorText('150', 'JPY')).toBe(150);
    expect(minorFromMajorText('1.5', 'KWD')).toBe(1500);
    expect(minorFromMajorText('-0', 'KZT')).toBe(0);
  });

  it('refuses a fraction finer than the minor unit, and anything not a number', () => {
    for (const [text, currency] of [
      ['12.345', 'KZT'],
      ['1.5', 'JPY'],
      ['1.', 'KZT'],
      ['1e3', 'KZT'],
      ['', 'KZT'],
      ['12 000', 'KZT'],
      ['0x10', 'KZT'],
    ] as const) {
      expect(minorFromMajorText(text, currency), `${text} ${currency}`).toBeUndefined();
    }
  });

  it('refuses an amount beyond a safe integer of minor units', () => {
    expect(minorFromMajorText('9999999999999', 'KZT')).toBe(999999999999900);
    expect(minorFromMajorText('9999999999999', 'CLF')).toBeUndefined();
  });
});
